/// <reference types="node" />
// Shared harness of the providers' redaction property tests (packages/{aws,gcp,azure}/test/security.redaction
// .test.ts): the subject-token arbitrary and the "what could a user ever see" collector. Each provider keeps its
// own cloud-specific answers and assertions; only the plumbing lives here.
import type { FetchLike, Provider } from "@fedkit/core";
import fc from "fast-check";
import { expect } from "vitest";
import { observeExchange } from "./hostile-ids.js";

const b64 = (value: string) => Buffer.from(value).toString("base64url");
const chunk = fc.stringMatching(/^[A-Za-z0-9_-]{12,40}$/);

/** A compact JWS for `aud` as IdPs write it: header JSON with or without spaces (so not always `eyJ...`). */
export function subjectTokenFor(aud: string): fc.Arbitrary<string> {
  return fc.record({ kid: chunk, sig: chunk, spaced: fc.boolean() }).map(({ kid, sig, spaced }) => {
    const now = Math.floor(Date.now() / 1000);
    const header = spaced ? `{ "alg": "RS256", "kid": "${kid}" }` : JSON.stringify({ alg: "RS256", kid });
    const claims = { iss: "https://idp.example", sub: "svc", aud, iat: now, exp: now + 600 };
    return `${b64(header)}.${b64(JSON.stringify(claims))}.${sig}`;
  });
}

/**
 * Exchanges `raw` through `provider` against `fetch` (one attempt), expects it to fail, and returns everything a
 * user could see of the failure joined by newlines: error.message, String(error), error.toJSON(), the audit
 * events and the consoleAudit log lines.
 */
export async function observeFailure(raw: string, provider: Provider, fetch: FetchLike): Promise<string> {
  const observed = await observeExchange(raw, provider, fetch);
  expect(observed.error).toBeDefined();
  return observed.seen;
}
