import type { SubjectToken, SubjectTokenSource, TokenRequest } from "@fedkit/core";
import type { MintRequest, SiteIssuer } from "./mint.js";

/** What {@link siteIssuerSource} mints besides the audience the provider asks for. @public */
export type SiteIssuerSourceOptions = Omit<MintRequest, "audience">;

/**
 * A core `SubjectTokenSource` backed by the site issuer (trust `minted`). A token is minted for the audience the
 * provider asks for and reused for that audience until half its lifetime is gone, so concurrent exchanges of one
 * isolate share a token while every token stays fresh enough for the cloud's skew. Concurrent callers that find no
 * fresh token share one mint (single flight per audience; a source serves one subject), so 1,000 cold requests
 * sign once; a failed mint is not remembered, the next caller mints again. `peek` hands the engine's hit path the
 * fresh token of an audience without an await.
 *
 * @example
 * ```ts
 * const source = siteIssuerSource(issuer, { functionName: "report" });
 * const federation = createFederation({ source });
 * ```
 * @public
 */
export function siteIssuerSource(
  issuer: SiteIssuer,
  options: SiteIssuerSourceOptions = {},
): SubjectTokenSource {
  const cache = new Map<string, { audience: string; token: SubjectToken; renewAt: number }>();
  // A source serves one subject and, in practice, one audience: the last entry served or minted (always its
  // audience's newest) answers without a map lookup.
  let last: { audience: string; token: SubjectToken; renewAt: number } | undefined;
  // Mints under way, per audience: the callers that arrive while one runs wait for it instead of signing again.
  const minting = new Map<string, Promise<SubjectToken>>();
  const mint = async (audience: string): Promise<SubjectToken> => {
    try {
      const token = await issuer.mint({ ...options, audience });
      const { iat = 0, exp = 0 } = token.claims;
      last = { audience, token, renewAt: (iat + (exp - iat) / 2) * 1000 };
      cache.set(audience, last);
      return token;
    } finally {
      minting.delete(audience);
    }
  };
  // The token already minted for `audience` while it is fresh at `now`; what both getToken and peek serve.
  const fresh = (audience: string, now: number): SubjectToken | undefined => {
    const hit = last !== undefined && last.audience === audience ? last : cache.get(audience);
    if (hit === undefined || now >= hit.renewAt) return undefined;
    last = hit;
    return hit.token;
  };
  return {
    name: "site-issuer",
    // The engine's hit path asks here first: a fresh token for the audience is served without an await, so
    // minted tokens take the same synchronous hit path as static ones. The token's claims are the issuer's own
    // (trust `minted`), so keying the cache by them admits nothing unverified.
    peek: fresh,
    async getToken(request: TokenRequest): Promise<SubjectToken> {
      const token = fresh(request.audience, request.now());
      if (token !== undefined) return token;
      let pending = minting.get(request.audience);
      if (pending === undefined) {
        pending = mint(request.audience);
        minting.set(request.audience, pending);
      }
      return pending;
    },
  };
}
