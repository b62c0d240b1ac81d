// Deno runtime tests over the BUILT package (dist/): the key-set import on the runtime Netlify's edge runs, where
// the RSA member check uses the runtime's own base64 codec. Run by scripts/deno-test.mjs.
import { generateIssuerKeys, importIssuerKeySet } from "../dist/index.js";

function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

Deno.test("key-set import on Deno: the native codec checks RSA members; a grafted key is a config error", async () => {
  assert(
    typeof (Uint8Array as unknown as { fromBase64?: unknown }).fromBase64 === "function",
    "Deno has Uint8Array.fromBase64 (the codec the RSA member check uses here)",
  );
  const doc = JSON.parse((await generateIssuerKeys({ context: "production" })).secret);
  const other = JSON.parse((await generateIssuerKeys({ context: "production" })).secret);
  const set = await importIssuerKeySet(JSON.stringify(doc), "FEDKIT_ISSUER_KEYS", "production");
  assert(set.signingKey.kid === doc.keys[0].kid, "an untouched key set imports");
  for (const member of ["n", "dp", "qi"]) {
    const grafted = { ...doc, keys: [{ ...doc.keys[0], [member]: other.keys[0][member] }] };
    const error = await importIssuerKeySet(JSON.stringify(grafted), "FEDKIT_ISSUER_KEYS", "production").then(
      () => undefined,
      (e: { code?: string; message?: string }) => e,
    );
    assert(error?.code === "config", `another key's ${member}: refused as config (got ${error?.code})`);
    assert(!JSON.stringify(error).includes(doc.keys[0].d), "the refusal carries no private member");
  }
  // A member with whitespace is refused here too (Deno's JWK import refuses it before the member check; the
  // check's own guard against such text is tested in test/key-pair-check.test.ts).
  const spaced = {
    ...doc,
    keys: [{ ...doc.keys[0], dq: `${doc.keys[0].dq.slice(0, 8)} ${doc.keys[0].dq.slice(8)}` }],
  };
  const error = await importIssuerKeySet(JSON.stringify(spaced), "FEDKIT_ISSUER_KEYS", "production").then(
    () => undefined,
    (e: { code?: string }) => e,
  );
  assert(error?.code === "config", `whitespace in a member: refused as config (got ${error?.code})`);
  // An RSA private JWK without its CRT members: Deno refuses it at import (no test signature needed here).
  const { p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...withoutCrt } = doc.keys[0];
  const noCrt = await importIssuerKeySet(
    JSON.stringify({ ...doc, keys: [{ ...withoutCrt, d: other.keys[0].d }] }),
    "FEDKIT_ISSUER_KEYS",
    "production",
  ).then(
    () => undefined,
    (e: { code?: string; message?: string }) => e,
  );
  assert(noCrt?.code === "config", `an RSA JWK without CRT members: refused as config (got ${noCrt?.code})`);
  assert(/could not be imported/.test(noCrt?.message ?? ""), "refused at Deno's import");
  assert(!JSON.stringify(noCrt).includes(other.keys[0].d), "the refusal carries no private member");
});
