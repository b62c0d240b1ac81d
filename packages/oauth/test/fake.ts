/** Test doubles: unsigned JWTs (providers only decode them) and a recording fetch answering canned responses. */
import type { SubjectToken } from "@fedkit/core";
import { createExchangeContext, decodeSubjectToken } from "@fedkit/core/provider";

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

/** A JWT with these claims (a 40-character signature so redaction treats it as a secret). */
export function fakeToken(claims: Record<string, unknown> = {}, now = 1_800_000_000): SubjectToken {
  const payload = {
    iss: "https://shop.example/oidc/production",
    sub: "site:5d1f:context:production:function:chat",
    aud: "https://api.anthropic.com",
    iat: now,
    exp: now + 300,
    jti: "jti-1",
    ...claims,
  };
  return decodeSubjectToken(`${b64({ alg: "ES256", kid: "k1" })}.${b64(payload)}.${"s".repeat(40)}`);
}

export interface Sent {
  readonly url: string;
  readonly headers: Headers;
  readonly body: string;
}

/** An exchange context whose fetch records each request and answers `status` with `body`. */
export function recordingContext(status: number, body: unknown, now = () => 1_800_000_000_000) {
  const sent: Sent[] = [];
  const ctx = createExchangeContext({
    now,
    retry: { maxAttempts: 1 },
    fetch: async (input, init) => {
      sent.push({ url: input, headers: new Headers(init.headers), body: String(init.body ?? "") });
      const text = typeof body === "string" ? body : JSON.stringify(body);
      return new Response(text, { status, headers: { "content-type": "application/json" } });
    },
  });
  return { ctx, sent };
}

export const OK = { access_token: "issued-bearer-0123456789abcdef", token_type: "Bearer", expires_in: 900 };
