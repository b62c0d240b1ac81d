/** A tiny element-only XML reader for tests: enough for STS/awsQuery documents (no attributes besides xmlns). */
export interface XmlElement {
  name: string;
  xmlns?: string;
  text: string;
  children: XmlElement[];
}

export function parseXml(text: string): XmlElement {
  const body = text.replace(/^<\?xml[^>]*\?>/, "").trim();
  const stack: XmlElement[] = [{ name: "#root", text: "", children: [] }];
  const tag = /<(\/?)([\w:.-]+)([^>]*?)(\/?)>|([^<]+)/g;
  for (const match of body.matchAll(tag)) {
    const [, closing, name, attrs, selfClosing, chars] = match;
    const top = stack.at(-1)!;
    if (chars !== undefined) {
      top.text += chars
        .replace(/&lt;/g, "<")
        .replace(/&gt;/g, ">")
        .replace(/&apos;/g, "'")
        .replace(/&quot;/g, '"')
        .replace(/&amp;/g, "&");
    } else if (closing) {
      if (top.name !== name) throw new Error(`mismatched </${name}> for <${top.name}>`);
      stack.pop();
    } else {
      const xmlns = /xmlns="([^"]*)"/.exec(attrs ?? "")?.[1];
      const element: XmlElement = { name: name!, text: "", children: [], ...(xmlns ? { xmlns } : {}) };
      top.children.push(element);
      if (!selfClosing) stack.push(element);
    }
  }
  if (stack.length !== 1 || stack[0]!.children.length !== 1)
    throw new Error("not one well-formed root element");
  return stack[0]!.children[0]!;
}

/** Every element path (`A/B/C`), sorted: the document's shape without its values. */
export function shape(element: XmlElement, prefix = ""): string[] {
  const path = prefix ? `${prefix}/${element.name}` : element.name;
  return [path, ...element.children.flatMap((child) => shape(child, path))].sort();
}

/** The trimmed text of the element at `path` below `element` (`Error/Code`). */
export function textAt(element: XmlElement, path: string): string | undefined {
  let current: XmlElement | undefined = element;
  for (const part of path.split("/")) current = current?.children.find((child) => child.name === part);
  return current?.text.trim();
}
