/**
 * The bearer token of an incoming request, verified before use.
 *
 * @packageDocumentation
 */
import { MissingSubjectTokenError } from "../errors.js";
import type { SubjectToken, SubjectTokenSource } from "../types.js";
import { MAX_SUBJECT_TOKEN_LENGTH, tooLong } from "../util/token-size.js";
import { type VerifyOptions, verifySubjectToken } from "./verify.js";
import { assertVerifyOptions } from "./verify-options.js";

/**
 * Yields the `Authorization: Bearer` token of `request`, verified against `options.jwks` (signature, issuer,
 * audience, expiry), so its claims are `verified`. Verification runs once per source; create one source per
 * request.
 *
 * @throws MissingSubjectTokenError when there is no bearer token (a chain falls through); FederationError
 * from {@link verifySubjectToken} when there is one and it is bad (a chain stops).
 * @example
 * ```ts
 * export default async (request: Request) => {
 *   const source = requestBearerToken(request, { jwks: JWKS_URL, issuer: ISSUER, audience: "sts.amazonaws.com" });
 *   const creds = await federation.getCredentials(aws, { source });
 * };
 * ```
 * @public
 */
export function requestBearerToken(request: Request, options: VerifyOptions): SubjectTokenSource {
  if (typeof request?.headers?.get !== "function")
    throw new TypeError("requestBearerToken: pass the incoming Request");
  assertVerifyOptions(options, "requestBearerToken");
  let verified: Promise<SubjectToken> | undefined;
  return {
    name: "request",
    getToken() {
      verified ??= verify(request, options);
      return verified;
    },
  };
}

async function verify(request: Request, options: VerifyOptions): Promise<SubjectToken> {
  const header = request.headers.get("authorization");
  // "Bearer " and some whitespace on top of the longest token; longer is refused before any parsing.
  if (header !== null && header.length > MAX_SUBJECT_TOKEN_LENGTH + 64) throw tooLong(header.length);
  const match = header === null ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (match?.[1] === undefined) {
    throw new MissingSubjectTokenError("request", "The request has no Authorization: Bearer token.", {
      hint: "Send the OIDC token as `Authorization: Bearer <jwt>`.",
    });
  }
  return verifySubjectToken(match[1], options);
}
