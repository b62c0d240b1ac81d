import { it, expect } from "vitest";
import { createFederation, callbackToken, verifySubjectToken } from "@fedkit/core";
import { createTestSigner } from "@fedkit/core/testing";
import { fakeProvider } from "./helpers.js";
const nested = (depth: number) => `${"[".repeat(depth)}${"]".repeat(depth)}`;
it("deep", async () => {
  const idp = await createTestSigner();
  for (const depth of [1000, 1500, 2000, 2500]) {
    let raw: string;
    try { raw = await idp.sign({ sub: "s", aud: "sts.amazonaws.com", x: JSON.parse(nested(depth)) }); } catch (e) { console.log(depth, "sign", String(e)); continue; }
    const provider = fakeProvider();
    const source = callbackToken(() => verifySubjectToken(raw, { jwks: idp.jwks, issuer: idp.issuer, audience: "sts.amazonaws.com" }));
    const r = await createFederation().getCredentials(provider, { source }).then(() => "ok", (e) => `${e.code} ${e.message}`);
    console.log(depth, raw.length, r);
  }
  expect(1).toBe(1);
});
