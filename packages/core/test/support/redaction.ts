/// <reference types="node" />
// Shared harness of the providers' redaction property tests (packages/{aws,gcp,azure}/test/security.redaction
// .test.ts): the subject-token arbitrary and the "what could a user ever see" collector. Each provider keeps its
// own cloud-specific answers and assertions; only the plumbing lives here.
import {
  type AuditEvent,
  consoleAudit,
  createFederation,
  type FetchLike,
  type Provider,
  staticToken,
} from "@fedkit/core";
import fc from "fast-check";
import { expect } from "vitest";

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
  const lines: string[] = [];
  const events: AuditEvent[] = [];
  const sink = consoleAudit({ log: (line) => lines.push(line) });
  const federation = createFederation({
    source: staticToken(raw),
    audit: {
      name: "tee",
      write: (e) => {
        events.push(e);
        return sink.write(e);
      },
    },
    retry: { maxAttempts: 1 },
    fetch,
  });
  const error = await federation.getCredentials(provider).then(
    () => undefined,
    (e: unknown) => e as Error & { toJSON?: () => unknown },
  );
  expect(error).toBeDefined();
  return [
    error!.message,
    String(error),
    JSON.stringify(error!.toJSON?.()),
    JSON.stringify(events),
    ...lines,
  ].join("\n");
}
