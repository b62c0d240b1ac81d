// Secrets that reach fedkit as configuration must not come back in an error through a parser's message: V8's
// JSON.parse quotes the start of the text it could not read (or all of a short text) in its SyntaxError.
import { FederationError } from "@fedkit/core";
import { generateCacheKeySet, importCacheKeySet } from "@fedkit/core/cache";
import { describe, expect, it } from "vitest";

/** Everything a logger could print of an error: its JSON, its message and stack, and its cause chain's. */
function printable(error: unknown): string {
  const parts: string[] = [];
  for (let e = error, depth = 0; e !== undefined && depth < 8; depth++) {
    if (e instanceof FederationError) parts.push(JSON.stringify(e.toJSON()));
    if (e instanceof Error) {
      parts.push(e.message, e.stack ?? "");
      e = e.cause;
    } else {
      parts.push(String(e));
      e = undefined;
    }
  }
  return parts.join("\n");
}

describe("importCacheKeySet: a value that is not JSON is refused without quoting it", () => {
  const key = (JSON.parse(generateCacheKeySet("production")) as { key: string }).key;
  it.each([
    ["the bare key (stored without its JSON document)", key],
    ["a truncated document", generateCacheKeySet("production").replace(/}$/, "")],
    ["key=value text", `key=${key}`],
  ])("%s", async (_, text) => {
    const error = await importCacheKeySet(text, { context: "production" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FederationError);
    expect((error as FederationError).message).toBe("FEDKIT_CACHE_KEY is not valid JSON.");
    expect((error as FederationError).cause).toBeUndefined();
    const secret = text.includes(key) ? key : (JSON.parse(`${text}}`) as { key: string }).key;
    // No piece of the key of 8 characters or more anywhere a logger could print.
    const shown = printable(error);
    for (let i = 0; i + 8 <= secret.length; i++) expect(shown).not.toContain(secret.slice(i, i + 8));
  });
});
