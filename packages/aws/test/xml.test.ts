import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseStsResult } from "../src/sts-response.js";
import { MAX_XML_CHARS, parseXml, xmlChild, xmlText } from "../src/xml.js";

describe("parseXml", () => {
  it("reads nested elements, drops namespace prefixes and keeps inner whitespace", () => {
    const root = parseXml(
      '<?xml version="1.0"?><!-- c --><a:Root xmlns:a="urn:x"><a:B attr="x>y">one &amp; two</a:B><C><D>line1\n  line2</D></C><E/></a:Root>',
    );
    expect(root.name).toBe("Root");
    expect(xmlText(root, "B")).toBe("one & two");
    expect(xmlChild(root, "C", "D")?.text).toBe("line1\n  line2");
    expect(xmlChild(root, "E")?.children).toEqual([]);
    expect(xmlText(root, "Missing")).toBeUndefined();
  });

  it("decodes numeric references and CDATA", () => {
    expect(xmlText(parseXml("<a>&#65;&#x42;<![CDATA[<c>&amp;]]></a>"))).toBe("AB<c>&amp;");
  });

  it("refuses DOCTYPE so no entity can be declared or expanded", () => {
    const bomb = '<!DOCTYPE a [<!ENTITY x "xx">]><a>&x;</a>';
    expect(() => parseXml(bomb)).toThrow(/DOCTYPE/);
  });

  it("refuses undeclared entities, mismatched tags, two roots and stray text", () => {
    expect(() => parseXml("<a>&x;</a>")).toThrow(/undeclared entity/);
    expect(() => parseXml("<a><b></a>")).toThrow(/unexpected/);
    expect(() => parseXml("<a/><b/>")).toThrow(/more than one root/);
    expect(() => parseXml("junk<a/>")).toThrow(/outside the root/);
    expect(() => parseXml("<a>")).toThrow(/not closed/);
    expect(() => parseXml("")).toThrow(/no root/);
    expect(() => parseXml("<a")).toThrow(/unterminated/);
    expect(() => parseXml("<a><!-- open</a>")).toThrow(/unterminated/);
    expect(() => parseXml("<a><![CDATA[open</a>")).toThrow(/unterminated/);
    expect(() => parseXml('<a x="1></a>')).toThrow(/unterminated/);
    expect(() => parseXml("<a></a x>")).toThrow(/unexpected/);
  });

  it("reads a pretty-printed answer: whitespace around and between elements, text only where it belongs", () => {
    const root = parseXml(
      "\n  <?xml version='1.0'?>\n<R>\n  <A> x &lt; y </A>\n  <B><![CDATA[ c ]]></B>\n</R>\n\t ",
    );
    expect(root.children.map((c) => c.name)).toEqual(["A", "B"]);
    expect(xmlText(root, "A")).toBe("x < y");
    expect(xmlChild(root, "B")?.text).toBe(" c ");
    // Text after the root, encoded or not, and CDATA outside it are refused like text before it.
    expect(() => parseXml("<a/>tail")).toThrow(/outside the root/);
    expect(() => parseXml("<a/>&amp;")).toThrow(/outside the root/);
    expect(() => parseXml("<a/>&bad;")).toThrow(/undeclared entity/);
    expect(() => parseXml("<![CDATA[ ]]><a/>")).toThrow(/outside the root/);
  });

  it("reads plain tags and tags with spaces, attributes or a slash alike", () => {
    const plain = parseXml("<R><A>1</A><B><C>2</C></B></R>");
    const spaced = parseXml('<R ><A x="1">1</A ><B ><C>2</C ></B></R ><!-- end -->');
    expect(spaced).toEqual(plain);
    expect(parseXml("<R><A/><B /></R>").children.map((c) => c.name)).toEqual(["A", "B"]);
    expect(() => parseXml("<R></>")).toThrow(/unterminated/);
    expect(() => parseXml("<R></R")).toThrow(/unterminated/);
    expect(() => parseXml("<R><1a></1a></R>")).toThrow(/unterminated/);
    expect(() => parseXml("<R></S></R>")).toThrow(/unexpected/);
  });

  it("refuses a declaration anywhere, not only before the root", () => {
    expect(() => parseXml('<a><!ENTITY x "xx"></a>')).toThrow(/DOCTYPE/);
    expect(() => parseXml("<a/><!DOCTYPE a>")).toThrow(/DOCTYPE/);
  });

  it("reads hostile documents of the maximum size in linear time", () => {
    const cases = [
      `<a b="${"x".repeat(MAX_XML_CHARS - 10)}`,
      `<a${" b='c'".repeat((MAX_XML_CHARS - 10) / 6)}`,
      `<a><!--${"-".repeat(MAX_XML_CHARS - 20)}`,
      `<a>${"&amp".repeat((MAX_XML_CHARS - 10) / 4)}`,
    ];
    const started = performance.now();
    for (const xml of cases) expect(() => parseXml(xml)).toThrow();
    expect(performance.now() - started).toBeLessThan(500);
  });

  it("caps size, depth and element count", () => {
    expect(() => parseXml(`<a>${"x".repeat(MAX_XML_CHARS)}</a>`)).toThrow(/larger than/);
    expect(() => parseXml(`${"<a>".repeat(40)}${"</a>".repeat(40)}`)).toThrow(/deeper/);
    expect(() => parseXml(`<a>${"<b/>".repeat(600)}</a>`)).toThrow(/elements/);
  });
});

describe("parseStsResult credentials", () => {
  it("keep the session token exactly as the answer encodes it (references, CDATA, non-ASCII, lone surrogates)", () => {
    const answer = (token: string) =>
      `<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>ASIAKEY</AccessKeyId><SecretAccessKey>s</SecretAccessKey><SessionToken>${token}</SessionToken><Expiration>2030-01-01T00:00:00Z</Expiration></Credentials></AssumeRoleResult></AssumeRoleResponse>`;
    for (const [written, token] of [
      ["IQoJb3+/=&amp;x&#xE9;\u00e9\u4e2d", "IQoJb3+/=&x\u00e9\u00e9\u4e2d"],
      ["<![CDATA[a\ud800b]]>", "a\ud800b"],
      [`${"A".repeat(1024)}`, "A".repeat(1024)],
      // Text a quoted JSON parse would read differently (escapes) or refuse (a quote, control characters).
      ['a\\nb\\u0041\\"c', 'a\\nb\\u0041\\"c'],
      ["a&quot;b&#9;c&#0;\u2028d", 'a"b\tc\u0000\u2028d'],
    ] as const) {
      expect(parseStsResult(answer(written), "AssumeRole").credentials.sessionToken).toBe(token);
    }
  });

  it("copy every session token exactly, whatever its code units", () => {
    const answer = (token: string) =>
      `<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>ASIAKEY</AccessKeyId><SecretAccessKey>s</SecretAccessKey><SessionToken><![CDATA[${token}]]></SessionToken><Expiration>2030-01-01T00:00:00Z</Expiration></Credentials></AssumeRoleResult></AssumeRoleResponse>`;
    fc.assert(
      fc.property(
        fc
          .string({ unit: "binary", minLength: 1, maxLength: 80 })
          .filter((s) => s.trim() !== "" && !s.includes("]]>")),
        (token) => {
          expect(parseStsResult(answer(token), "AssumeRole").credentials.sessionToken).toBe(token.trim());
        },
      ),
      { numRuns: 300 },
    );
  });
});
