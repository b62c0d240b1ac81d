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

/** Thrown for anything that is not a well-formed document of the shape we accept. @internal */
export class XmlError extends Error {
  override readonly name = "XmlError";
}

/** Bytes of XML we are willing to read; an STS answer is about 2 KB. */
export const MAX_XML_CHARS = 64 * 1024;
const MAX_DEPTH = 16;
const MAX_ELEMENTS = 512;

const PREDEFINED: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };
/**
 * One token at a time, from where the last one ended: a comment, a processing instruction, CDATA (group 1), a start
 * or end tag (groups 2-4: `/`, name, attributes), a lone `<` (an error), or text. The alternatives of the attribute
 * part start with different characters, so matching is linear in the input.
 */
const TOKEN =
  /<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!\[CDATA\[([\s\S]*?)\]\]>|<(\/?)([A-Za-z_][\w.:-]*)((?:[^<>"']|"[^"<]*"|'[^'<]*')*)>|<|[^<]+/y;

function decodeEntities(text: string): string {
  if (!text.includes("&")) return text;
  return text.replace(/&([^;&<>\s]{1,10});/g, (whole, ref: string) => {
    if (ref.startsWith("#")) {
      const code = ref[1] === "x" ? Number.parseInt(ref.slice(2), 16) : Number.parseInt(ref.slice(1), 10);
      if (!Number.isInteger(code) || code < 0 || code > 0x10ffff)
        throw new XmlError(`bad character ${whole}`);
      return String.fromCodePoint(code);
    }
    const value = PREDEFINED[ref];
    if (value === undefined) throw new XmlError(`undeclared entity ${whole}`);
    return value;
  });
}

/**
 * Parses `xml` into its root element. Throws {@link XmlError} on a DOCTYPE, an unknown entity, mismatched
 * tags, more than one root, or a document beyond the size, depth or element caps.
 * @internal
 */
export function parseXml(xml: string): XmlElement {
  if (xml.length > MAX_XML_CHARS) throw new XmlError(`document larger than ${MAX_XML_CHARS} characters`);
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let count = 0;
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(xml); m !== null; m = TOKEN.exec(xml)) {
    const [token, cdata, close, qname, attributes = ""] = m;
    const parent = stack.at(-1);
    if (token === "<") {
      const declaration = /^<!(?!--|\[CDATA\[)/.test(xml.slice(m.index, m.index + 9));
      throw new XmlError(
        declaration ? "DOCTYPE and other declarations are not accepted" : "unterminated markup",
      );
    }
    if (qname !== undefined) {
      // The local name: a namespace prefix is dropped.
      const name = qname.slice(qname.indexOf(":") + 1);
      if (close) {
        const open = stack.pop();
        if (!open || open.name !== name || attributes.trim() !== "")
          throw new XmlError(`unexpected </${name}>`);
        continue;
      }
      if (++count > MAX_ELEMENTS) throw new XmlError(`more than ${MAX_ELEMENTS} elements`);
      const element: XmlElement = { name, children: [], text: "" };
      if (parent) parent.children.push(element);
      else if (root) throw new XmlError("more than one root element");
      else root = element;
      if (!attributes.endsWith("/")) {
        if (stack.length >= MAX_DEPTH) throw new XmlError(`nested deeper than ${MAX_DEPTH}`);
        stack.push(element);
      }
    } else if (cdata !== undefined || token[0] !== "<") {
      const text = cdata ?? decodeEntities(token);
      if (parent) parent.text += text;
      else if (cdata !== undefined || text.trim() !== "") throw new XmlError("text outside the root element");
    }
  }
  if (!root) throw new XmlError("no root element");
  if (stack.length > 0) throw new XmlError(`<${stack.at(-1)?.name}> is not closed`);
  return root;
}

/** The first descendant reached by following `path` child names from `element`. @internal */
export function xmlChild(element: XmlElement | undefined, ...path: string[]): XmlElement | undefined {
  let current = element;
  for (const name of path) {
    current = current?.children.find((c) => c.name === name);
  }
  return current;
}

/** Text of the element at `path`, with surrounding whitespace removed; `undefined` if absent or empty. @internal */
export function xmlText(element: XmlElement | undefined, ...path: string[]): string | undefined {
  const text = xmlChild(element, ...path)?.text.trim();
  return text === undefined || text === "" ? undefined : text;
}
