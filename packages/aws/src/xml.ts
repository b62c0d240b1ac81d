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
const NAME = /^[A-Za-z_][\w.:-]*/;

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

function localName(qname: string): string {
  const colon = qname.indexOf(":");
  return colon === -1 ? qname : qname.slice(colon + 1);
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
  let i = 0;
  while (i < xml.length) {
    const lt = xml.indexOf("<", i);
    const textEnd = lt === -1 ? xml.length : lt;
    if (textEnd > i) {
      const text = xml.slice(i, textEnd);
      const parent = stack[stack.length - 1];
      if (parent) parent.text += decodeEntities(text);
      else if (text.trim() !== "") throw new XmlError("text outside the root element");
    }
    if (lt === -1) break;
    if (xml.startsWith("<?", lt)) {
      i = skipPast(xml, lt, "?>");
    } else if (xml.startsWith("<!--", lt)) {
      i = skipPast(xml, lt, "-->");
    } else if (xml.startsWith("<![CDATA[", lt)) {
      const end = skipPast(xml, lt, "]]>");
      const parent = stack[stack.length - 1];
      if (!parent) throw new XmlError("CDATA outside the root element");
      parent.text += xml.slice(lt + 9, end - 3);
      i = end;
    } else if (xml.startsWith("<!", lt)) {
      throw new XmlError("DOCTYPE and other declarations are not accepted");
    } else if (xml[lt + 1] === "/") {
      const end = skipPast(xml, lt, ">");
      const name = localName(xml.slice(lt + 2, end - 1).trim());
      const open = stack.pop();
      if (!open || open.name !== name) throw new XmlError(`unexpected </${name}>`);
      i = end;
    } else {
      const end = startTagEnd(xml, lt);
      const inner = xml.slice(lt + 1, end - 1);
      const match = NAME.exec(inner);
      if (!match) throw new XmlError("malformed start tag");
      if (++count > MAX_ELEMENTS) throw new XmlError(`more than ${MAX_ELEMENTS} elements`);
      const element: XmlElement = { name: localName(match[0]), children: [], text: "" };
      const parent = stack[stack.length - 1];
      if (parent) parent.children.push(element);
      else if (root) throw new XmlError("more than one root element");
      else root = element;
      if (!inner.endsWith("/")) {
        if (stack.length >= MAX_DEPTH) throw new XmlError(`nested deeper than ${MAX_DEPTH}`);
        stack.push(element);
      }
      i = end;
    }
  }
  if (!root) throw new XmlError("no root element");
  if (stack.length > 0) throw new XmlError(`<${stack[stack.length - 1]?.name}> is not closed`);
  return root;
}

function skipPast(xml: string, from: number, terminator: string): number {
  const at = xml.indexOf(terminator, from);
  if (at === -1) throw new XmlError("unterminated markup");
  return at + terminator.length;
}

/** End of a start tag, skipping a `>` inside a quoted attribute value. */
function startTagEnd(xml: string, from: number): number {
  let quote = "";
  for (let j = from + 1; j < xml.length; j++) {
    const c = xml[j];
    if (quote) {
      if (c === quote) quote = "";
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === ">") {
      return j + 1;
    } else if (c === "<") {
      break;
    }
  }
  throw new XmlError("unterminated start tag");
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
