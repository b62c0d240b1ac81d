// A key set names the deploy context it belongs to, and is refused everywhere else: without the field a preview's
// value (or production's) would be accepted in any context, and one context's key could mint as another's.
import type { FederationError } from "@fedkit/core";
import { describe, expect, it } from "vitest";
import { IssuerKeyContextError } from "../src/errors.js";

import { generateIssuerKeys, promoteNextKey } from "../src/generate.js";
import { importIssuerKeySet } from "../src/keyset.js";
import { createSiteIssuer } from "../src/mint.js";

const SITE = "5b0c2a71-1c3e-4d6b-9a51-0f7a2f1e9c11";

async function configError(promise: Promise<unknown>): Promise<FederationError> {
  const error = (await promise.then(
    () => undefined,
    (e: unknown) => e,
  )) as FederationError | undefined;
  expect(error?.code).toBe("config");
  return error!;
}

describe("key-set context", () => {
  it("refuses a key set of another deploy context with IssuerKeyContextError, before signing", async () => {
    const { secret } = await generateIssuerKeys({ context: "production" });
    const issuer = createSiteIssuer({
      siteUrl: "https://x.example",
      siteId: SITE,
      context: "deploy-preview",
      keys: () => importIssuerKeySet(secret),
    });
    const error = await configError(issuer.mint({ audience: "a", subjectForm: "site" }));
    expect(error).toBeInstanceOf(IssuerKeyContextError);
    expect(error).toMatchObject({ keySetContext: "production", deployContext: "deploy-preview" });
    expect(error.message).toMatch(/deploy context "production" but this deploy runs as "deploy-preview"/);
    expect(JSON.stringify(error.toJSON())).not.toContain(JSON.parse(secret).keys[0].d);
    // At import, when the expected context is known.
    const atImport = await configError(importIssuerKeySet(secret, "FEDKIT_ISSUER_KEYS", "deploy-preview"));
    expect(atImport).toBeInstanceOf(IssuerKeyContextError);
    expect(atImport.hint).toContain("FEDKIT_ISSUER_KEYS");
    expect(atImport.hint).toContain("npx --no-install fedkit keys generate --context deploy-preview");
  });

  it("refuses a key set without a context (it would be accepted in any deploy context), in every context", async () => {
    const { document } = await generateIssuerKeys({ context: "production" });
    const { context: _context, ...noContext } = document;
    for (const context of ["production", "deploy-preview"]) {
      const issuer = createSiteIssuer({
        siteUrl: "https://x.example",
        siteId: SITE,
        context,
        keys: () => importIssuerKeySet(JSON.stringify(noContext)),
      });
      const error = await configError(issuer.mint({ audience: "a", subjectForm: "site" }));
      expect(error.message).toMatch(/has no "context"/);
      expect(error.hint).toContain("npx --no-install fedkit keys generate --context <context>");
      expect(JSON.stringify(error.toJSON())).not.toContain(document.keys[0]!["d"] as string);
    }
    for (const bad of ["", 7, "prod uction"]) {
      await configError(importIssuerKeySet(JSON.stringify({ ...document, context: bad })));
    }
    // A hand-built key set object without a context is refused by the issuer too.
    const set = await importIssuerKeySet(JSON.stringify(document));
    const handBuilt = createSiteIssuer({
      siteUrl: "https://x.example",
      siteId: SITE,
      context: "production",
      keys: { ...set, context: undefined as unknown as string },
    });
    expect(await configError(handBuilt.mint({ audience: "a", subjectForm: "site" }))).toBeInstanceOf(
      IssuerKeyContextError,
    );
  });

  it("generateIssuerKeys needs a context; promoteNextKey keeps keys within one context", async () => {
    await expect(generateIssuerKeys({} as never)).rejects.toThrow(/pass the deploy context/);
    const a = await generateIssuerKeys({ context: "production", kid: "a" });
    const b = await generateIssuerKeys({ context: "deploy-preview", kid: "b" });
    expect(() => promoteNextKey(a.document, b.document)).toThrow(/a key moves only within its own context/);
  });
});
