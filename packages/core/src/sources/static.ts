/**
 * A fixed subject token.
 *
 * @packageDocumentation
 */
import { decodeSubjectToken } from "../tokens.js";
import type { SubjectToken, SubjectTokenSource } from "../types.js";

/**
 * Always yields the same token. A string is decoded once (on first use) as `unverified`; pass a
 * {@link SubjectToken} (e.g. from `verifySubjectToken`) to keep its trust. The same promise is returned on
 * every call, which keeps the engine's cache-hit path cheap.
 *
 * @example
 * ```ts
 * const federation = createFederation({ source: staticToken(jwt) });
 * ```
 * @public
 */
export function staticToken(raw: string | SubjectToken): SubjectTokenSource {
  if (typeof raw !== "string" && (typeof raw !== "object" || raw === null || typeof raw.raw !== "string")) {
    throw new TypeError("staticToken: pass the JWT as a string, or a SubjectToken");
  }
  let token: Promise<SubjectToken> | undefined;
  let ready: SubjectToken | undefined = typeof raw === "string" ? undefined : raw;
  return {
    name: "static",
    peek() {
      return ready;
    },
    getToken() {
      if (token === undefined) {
        try {
          ready = typeof raw === "string" ? decodeSubjectToken(raw) : raw;
          token = Promise.resolve(ready);
        } catch (error) {
          token = Promise.reject(error);
        }
      }
      return token;
    },
  };
}
