/**
 * The contract every {@link SubjectTokenSource} passes.
 *
 * @packageDocumentation
 */
import type { SubjectTokenSource, TokenClaims } from "../types.js";
import type { TestApi } from "./api.js";
import { createTestSigner } from "./idp.js";

/** What a source under test must yield: a signed token, and how to verify it if the source verifies. @public */
export interface TokenSourceFixture {
  /** The JWT the source must yield. */
  readonly raw: string;
  readonly claims: TokenClaims;
  readonly issuer: string;
  readonly audience: string;
  readonly jwks: { keys: object[] };
}

const AUDIENCE = "sts.amazonaws.com";

/**
 * Registers the token-source contract tests. `factory` gets a fixture with a freshly signed token and returns a
 * source that yields exactly that token.
 *
 * @example
 * ```ts
 * testTokenSource("staticToken", (f) => staticToken(f.raw), { describe, it, expect });
 * ```
 * @public
 */
export function testTokenSource(
  name: string,
  factory: (fixture: TokenSourceFixture) => SubjectTokenSource | Promise<SubjectTokenSource>,
  { describe, it, expect }: TestApi,
): void {
  async function setup() {
    const signer = await createTestSigner();
    const claims = { sub: "repo:fedkit/contract:ref:refs/heads/main", aud: AUDIENCE, jti: "contract-jti" };
    const raw = await signer.sign(claims);
    const fixture: TokenSourceFixture = {
      raw,
      claims,
      issuer: signer.issuer,
      audience: AUDIENCE,
      jwks: signer.jwks,
    };
    return { fixture, source: await factory(fixture) };
  }
  const request = { audience: AUDIENCE, now: () => Date.now() };

  describe(`SubjectTokenSource contract: ${name}`, () => {
    it("has a short name that does not contain the token", async () => {
      const { fixture, source } = await setup();
      expect(typeof source.name).toBe("string");
      expect(source.name.length).toBeGreaterThan(0);
      expect(source.name).not.toContain(fixture.raw);
    });

    it("yields the token with its decoded claims and header", async () => {
      const { fixture, source } = await setup();
      const token = await source.getToken(request);
      expect(token.raw).toBe(fixture.raw);
      expect(token.claims.sub).toBe(fixture.claims.sub);
      expect(token.claims.iss).toBe(fixture.issuer);
      expect(token.header.alg).toBe("RS256");
      expect(["verified", "minted", "unverified"]).toContain(token.trust);
    });

    it("yields the same token on repeated calls", async () => {
      const { source } = await setup();
      const first = await source.getToken(request);
      const second = await source.getToken(request);
      expect(second.raw).toBe(first.raw);
      expect(second.claims).toEqual(first.claims);
    });
  });
}
