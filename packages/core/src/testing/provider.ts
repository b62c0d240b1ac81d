/**
 * The contract every {@link Provider} passes, against a server the fixture starts (an emulator on loopback).
 *
 * @packageDocumentation
 */
import { FederationError, type FederationErrorCode } from "../errors.js";
import { createExchangeContext } from "../http.js";
import type { Credentials, FetchLike, Provider, SubjectToken } from "../types.js";
import type { TestApi } from "./api.js";

/** A provider wired to a test server, and tokens that server accepts and rejects. @public */
export interface ProviderFixture<C extends Credentials = Credentials> {
  /** Configured for the test server (its loopback origin explicitly allowed). */
  readonly provider: Provider<C>;
  /** A token the server exchanges. */
  readonly subject: SubjectToken;
  /** A token the server refuses (wrong `sub`, unknown issuer, ...), if the server can refuse. */
  readonly rejectedSubject?: SubjectToken;
  /**
   * The same provider built again from identical options: its `key` must equal `provider.key`, or the cache
   * would never hit.
   */
  readonly sameConfig: () => Provider<C>;
  /**
   * Providers that differ from `provider` in one option that changes what the credentials may do (role,
   * scope, audience, session policy, endpoint, ...), named by that option. Each must get its own `key`, or two
   * callers with different permissions would share cached credentials. At least one is required.
   */
  readonly permissionVariants: Readonly<Record<string, Provider<C>>>;
  /** Fetch to reach the server. Default: `globalThis.fetch`. */
  readonly fetch?: FetchLike;
  /** Stops the server. */
  close(): Promise<void>;
}

const REFUSAL_CODES: readonly FederationErrorCode[] = [
  "invalid_subject_token",
  "expired_subject_token",
  "audience_mismatch",
  "subject_mismatch",
  "issuer_untrusted",
  "access_denied",
  "invalid_request",
];

/**
 * Registers the provider contract tests. `make` starts a server and returns a fresh fixture per test.
 *
 * @example
 * ```ts
 * import { describe, expect, it } from "vitest";
 * const options = { roleArn: "arn:aws:iam::123456789012:role/reader", region: "us-east-1" };
 * testProvider("awsProvider", async () => ({
 *   provider: awsProvider(options),
 *   sameConfig: () => awsProvider({ ...options }),
 *   permissionVariants: { roleArn: awsProvider({ ...options, roleArn: "arn:aws:iam::123456789012:role/writer" }) },
 *   subject: decodeSubjectToken(await (await createTestSigner()).sign({ sub: "ok", aud: "sts.amazonaws.com" })),
 *   close: async () => {},
 * }), { describe, it, expect });
 * ```
 * @public
 */
export function testProvider<C extends Credentials>(
  name: string,
  make: () => Promise<ProviderFixture<C>>,
  { describe, it, expect }: TestApi,
): void {
  async function withFixture(fn: (fixture: ProviderFixture<C>) => Promise<void>): Promise<void> {
    const fixture = await make();
    try {
      await fn(fixture);
    } finally {
      await fixture.close();
    }
  }

  /** Runs `exchange` with `globalThis.fetch` disabled: a provider must send only through `ctx.send()`. */
  async function exchangeOnlyThroughContext(fixture: ProviderFixture<C>, subject: SubjectToken) {
    const realFetch = fixture.fetch ?? globalThis.fetch.bind(globalThis);
    let sends = 0;
    const ctx = createExchangeContext({
      fetch: (input, init) => {
        sends++;
        return realFetch(input, init);
      },
    });
    const saved = globalThis.fetch;
    globalThis.fetch = (() => Promise.reject(new Error("provider called globalThis.fetch"))) as typeof fetch;
    try {
      return { result: await fixture.provider.exchange(subject, ctx), sends: () => sends };
    } catch (error) {
      return { error, sends: () => sends };
    } finally {
      globalThis.fetch = saved;
    }
  }

  describe(`Provider contract: ${name}`, () => {
    it("describes itself: cloud, a key, audience and target", () =>
      withFixture(async ({ provider }) => {
        expect(typeof provider.cloud).toBe("string");
        expect(provider.cloud.length).toBeGreaterThan(0);
        expect(typeof provider.key).toBe("string");
        expect(provider.key.length).toBeGreaterThan(0);
        expect(typeof provider.audience).toBe("string");
        expect(typeof provider.target).toBe("object");
      }));

    it("keys identical options alike, so the cache hits across separately built providers", () =>
      withFixture(async ({ provider, sameConfig }) => {
        const again = sameConfig();
        expect(again).not.toBe(provider);
        expect(again.key).toBe(provider.key);
      }));

    it("keys every permission-affecting option apart, so callers never share credentials they should not", () =>
      withFixture(async ({ provider, permissionVariants }) => {
        const variants = Object.entries(permissionVariants);
        expect(variants.length).toBeGreaterThan(0);
        const keys = new Map<string, string>([[provider.key, "the fixture's provider"]]);
        for (const [option, variant] of variants) {
          const clash = keys.get(variant.key);
          expect(clash === undefined ? "distinct" : `"${option}" shares its key with ${clash}`).toBe(
            "distinct",
          );
          keys.set(variant.key, `"${option}"`);
        }
      }));

    it("exchanges an accepted token through ctx.send() only, for credentials that are not yet expired", () =>
      withFixture(async (fixture) => {
        const { result, error, sends } = await exchangeOnlyThroughContext(fixture, fixture.subject);
        expect(error).toBeUndefined();
        expect(sends()).toBeGreaterThan(0);
        const credentials = result?.credentials as (Credentials & Record<string, unknown>) | undefined;
        expect(typeof credentials?.kind).toBe("string");
        expect(String(credentials?.kind).length).toBeGreaterThan(0);
        expect(credentials?.expiresAt ?? 0).toBeGreaterThan(Date.now());
        // Whatever the shape, its secrets are there: no field the provider declared came back empty.
        const fields = Object.entries(credentials ?? {}).filter(([name]) => name !== "kind");
        expect(fields.length).toBeGreaterThan(1);
        for (const [name, value] of fields) {
          if (typeof value === "string")
            expect(`${name}: ${value.length > 0 ? "set" : "empty"}`).toBe(`${name}: set`);
        }
      }));

    it("maps a refused token to a FederationError naming the provider, without the token in it", () =>
      withFixture(async (fixture) => {
        if (fixture.rejectedSubject === undefined) return;
        const { error } = await exchangeOnlyThroughContext(fixture, fixture.rejectedSubject);
        expect(error instanceof FederationError).toBe(true);
        const err = error as FederationError;
        expect(err.provider).toBe(fixture.provider.cloud);
        expect(REFUSAL_CODES).toContain(err.code);
        const shown = `${err.message} ${JSON.stringify(err.toJSON())}`;
        expect(shown).not.toContain(fixture.rejectedSubject.raw);
        expect(shown).not.toContain("undefined");
      }));
  });
}
