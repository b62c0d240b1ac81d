/**
 * A purpose-made XML reader for the small, flat documents STS answers with. It has no DTD support at all:
 * a `<!DOCTYPE` is refused outright, so no entity can ever be declared or expanded (no billion laughs, no
 * external entities). Only the five predefined entities and numeric character references are decoded.
 *
 * @internal
 * @packageDocumentation
 */

/** One element: its local name (namespace prefix dropped), child elements and direct text. @internal */
export interface XmlElement {
  readonly name: string;
  readonly children: XmlElement[];
  text: string;
}

/** Why an STS answer could not be read (not XML, or not the expected shape); the caller makes it `bad_response`. @internal */
export class StsParseError extends Error {
  override readonly name = "StsParseError";
}

/** Bytes of XML we are willing to read; an STS answer is about 2 KB. */
export const MAX_XML_CHARS = 64 * 1024;

const PREDEFINED: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };
/**
 * One markup token at a `<`: a comment, a processing instruction, CDATA (group 1), a start or end tag (groups 2-4:
 * `/`, name, attributes), or a lone `<` (an error). Text between markup is cut out without it. The alternatives of
 * the attribute part start with different characters, so matching is linear in the input.
 */
const TOKEN =
  /<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!\[CDATA\[([\s\S]*?)\]\]>|<(\/?)([A-Za-z_][\w.:-]*)((?:[^<>"']|"[^"<]*"|'[^'<]*')*)>|</y;

const fail = (why: string): never => {
  throw new StsParseError(`not readable XML: ${why}`);
};

const decodeEntities = (text: string): string =>
  text.replace(/&([^;&<>\s]{1,10});/g, (whole, ref: string) => {
    if (ref[0] !== "#") return PREDEFINED[ref] ?? fail(`undeclared entity ${whole}`);
    const code = ref[1] === "x" ? Number.parseInt(ref.slice(2), 16) : Number.parseInt(ref.slice(1), 10);
    return code >= 0 && code <= 0x10ffff ? String.fromCodePoint(code) : fail(`bad character ${whole}`);
  });

/**
 * Parses `xml` into its root element. Throws {@link StsParseError} on a DOCTYPE, an unknown entity, mismatched
 * tags, more than one root, or a document beyond the size (64 KiB), depth (16) or element (512) caps.
 * @internal
 */
export function parseXml(xml: string): XmlElement {
  if (xml.length > MAX_XML_CHARS) fail(`document larger than ${MAX_XML_CHARS} characters`);
  // Written for the interpreter as much as for the optimizer (a cold exchange runs it before V8 optimizes it):
  // indexed reads of the match and the stack, no destructuring (an iterator per token) and no closure per call.
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let count = 0;
  for (let at = 0; at < xml.length; ) {
    let text: string | undefined;
    let cdata = false;
    // Text up to the next `<` is cut out directly: no regex match (and its array) for it.
    if (xml.charCodeAt(at) !== 0x3c) {
      const next = xml.indexOf("<", at);
      const end = next === -1 ? xml.length : next;
      text = xml.slice(at, end);
      at = end;
      // Most text has no reference at all: no replace pass over it.
      if (text.includes("&")) text = decodeEntities(text);
    } else {
      TOKEN.lastIndex = at;
      // Always a match at a `<`: the lone `<` alternative catches what no other does.
      const m = TOKEN.exec(xml) as RegExpExecArray;
      at = TOKEN.lastIndex;
      if (m[0] === "<")
        fail(
          /^<!(?!--|\[CDATA\[)/.test(xml.slice(m.index, m.index + 9))
            ? "DOCTYPE and other declarations are not accepted"
            : "unterminated markup",
        );
      const qname = m[3];
      if (qname) {
        // A start or end tag: its local name (a namespace prefix dropped), its attributes as written (a trailing
        // `/` closes it at once).
        const name = qname.slice(qname.indexOf(":") + 1);
        const attributes = m[4] ?? "";
        if (m[2]) {
          if (stack.pop()?.name !== name || attributes.trim()) fail(`unexpected </${name}>`);
          continue;
        }
        if (++count > 512) fail("more than 512 elements");
        const element: XmlElement = { name, children: [], text: "" };
        const parent = stack.length > 0 ? stack[stack.length - 1] : undefined;
        if (parent) parent.children.push(element);
        else root = root ? fail("more than one root element") : element;
        if (!attributes.endsWith("/") && stack.push(element) > 16) fail("nested deeper than 16");
        continue;
      }
      if (m[1] === undefined) continue;
      // CDATA: its text as is.
      text = m[1];
      cdata = true;
    }
    // Text outside markup (decoded) or in CDATA (as is) goes to the open element.
    const parent = stack.length > 0 ? stack[stack.length - 1] : undefined;
    if (parent) parent.text += text;
    else if (cdata || text.trim()) fail("text outside the root element");
  }
  if (stack[0]) fail(`<${stack.at(-1)?.name}> is not closed`);
  return root ?? fail("no root element");
}

/** The first child of `element` named `name`: a plain loop, no callback per call. @internal */
export function xmlChildNamed(element: XmlElement | undefined, name: string): XmlElement | undefined {
  if (element === undefined) return undefined;
  const { children } = element;
  for (let i = 0; i < children.length; i++) if (children[i]!.name === name) return children[i];
  return undefined;
}

/** The first descendant reached by following `path` child names from `element`. @internal */
export function xmlChild(element: XmlElement | undefined, ...path: string[]): XmlElement | undefined {
  for (const name of path) element = xmlChildNamed(element, name);
  return element;
}

/** Text of the element at `path`, with surrounding whitespace removed; `undefined` if absent or empty. @internal */
export function xmlText(element: XmlElement | undefined, ...path: string[]): string | undefined {
  return xmlChild(element, ...path)?.text.trim() || undefined;
}

/** {@link xmlText} of the child `name` of `element`, without a path array. @internal */
export function xmlChildText(element: XmlElement | undefined, name: string): string | undefined {
  return xmlChildNamed(element, name)?.text.trim() || undefined;
}
