/**
 * A subject token from your own code (an SDK call, a metadata endpoint, a minting function).
 *
 * @packageDocumentation
 */
import type { SubjectToken, SubjectTokenSource, TokenRequest } from "../types.js";
import { lastDecoded } from "./decode-memo.js";

/**
 * Calls `fn` for every token request. A returned string is decoded as `unverified`; return a
 * {@link SubjectToken} to state another trust (only if you verified or minted it).
 *
 * @example
 * ```ts
 * declare function fetchIdToken(audience: string): Promise<string>; // your IdP client
 * const source = callbackToken(async ({ audience }) => fetchIdToken(audience));
 * ```
 * @public
 */
export function callbackToken(
  fn: (request: TokenRequest) => Promise<string | SubjectToken> | string | SubjectToken,
  options: { name?: string } = {},
): SubjectTokenSource {
  if (typeof fn !== "function") throw new TypeError("callbackToken: pass a function returning the token");
  const decode = lastDecoded();
  return {
    name: options.name ?? "callback",
    async getToken(request) {
      const value = await fn(request);
      return typeof value === "string" ? decode(value) : value;
    },
  };
}
