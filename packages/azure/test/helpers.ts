import type { FetchLike, SubjectToken } from "@fedkit/core";
import { decodeSubjectToken } from "@fedkit/core/provider";

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

/** A compact JWT with the given claims (signature not valid: unit tests never verify it). */
export function fakeJwt(
  claims: Record<string, unknown>,
  header: Record<string, unknown> = { alg: "RS256", kid: "k1" },
): string {
  return `${b64(header)}.${b64(claims)}.${Buffer.from("signature").toString("base64url")}`;
}

export const ISSUER = "https://site.example/.well-known/fedkit";
export const SUBJECT = "site:1234:context:production";

/** A subject token for the default Entra audience. */
export function subjectToken(claims: Record<string, unknown> = {}, now = Date.now()): SubjectToken {
  const iat = Math.floor(now / 1000);
  return decodeSubjectToken(
    fakeJwt({ iss: ISSUER, sub: SUBJECT, aud: "api://AzureADTokenExchange", iat, exp: iat + 300, ...claims }),
  );
}

export interface Recorded {
  readonly url: string;
  readonly init: RequestInit;
  readonly form: URLSearchParams;
}

/** A fetch answering from a list of responses (the last one repeats) and recording every call. */
export function scriptedFetch(responses: Array<() => Response>): { fetch: FetchLike; calls: Recorded[] } {
  const calls: Recorded[] = [];
  const fetch: FetchLike = async (url, init) => {
    calls.push({ url, init, form: new URLSearchParams(String(init.body ?? "")) });
    const next = responses[Math.min(calls.length - 1, responses.length - 1)];
    if (!next) throw new Error("no scripted response");
    return next();
  };
  return { fetch, calls };
}
