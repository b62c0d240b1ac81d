import {
  createFederation,
  FederationError,
  type Provider,
  type Scheduler,
  type SubjectToken,
  staticToken,
} from "@fedkit/core";
import { memoryAudit } from "@fedkit/core/audit";
import { memoryCache } from "@fedkit/core/cache";
import { describe, expect, it } from "vitest";
import { deferred, denied, fakeProvider, jwt, type TestAwsCredentials } from "./helpers.js";

const AUD = "sts.amazonaws.com";
const victimClaims = { iss: "https://idp.example", sub: "victim", aud: AUD, jti: "v-1" };

function setup(extra: Parameters<typeof createFederation>[0] = {}) {
  const audit = memoryAudit();
  let time = 1_700_000_000_000;
  const clock = { now: () => time, advance: (ms: number) => (time += ms) };
  const federation = createFederation({ audit, now: clock.now, ...extra });
  return { federation, audit, clock };
}

const withToken = (token: SubjectToken) => ({ source: staticToken(token) });

describe("per-subject isolation", () => {
  it("gives each verified subject its own credentials and reuses them for the same subject", async () => {
    const { federation } = setup();
    const provider = fakeProvider();
    const nowS = Math.floor(1_700_000_000_000 / 1000);
    const times = { iat: nowS, exp: nowS + 3600 };
    const alice = await federation.getCredentials(
      provider,
      withToken(jwt({ ...victimClaims, ...times, sub: "alice" }, "verified")),
    );
    const bob = await federation.getCredentials(
      provider,
      withToken(jwt({ ...victimClaims, ...times, sub: "bob" }, "verified")),
    );
    // A new token of alice's (other jti, iat) is the same identity: the cache answers.
    const alice2 = await federation.getCredentials(
      provider,
      withToken(
        jwt({ ...victimClaims, sub: "alice", jti: "other", iat: nowS + 5, exp: nowS + 3605 }, "verified"),
      ),
    );
    expect(alice.secretAccessKey).not.toBe(bob.secretAccessKey);
    expect(alice2).toBe(alice);
    expect(provider.calls).toBe(2);
  });

  it("keys on every non-temporal claim: a differing custom claim is a different subject", async () => {
    const { federation } = setup();
    const provider = fakeProvider();
    const nowS = 1_700_000_000;
    await federation.getCredentials(
      provider,
      withToken(jwt({ ...victimClaims, exp: nowS + 3600, repo: "org/a" }, "verified")),
    );
    await federation.getCredentials(
      provider,
      withToken(jwt({ ...victimClaims, exp: nowS + 3600, repo: "org/b" }, "verified")),
    );
    expect(provider.calls).toBe(2);
  });

  it("keys on the provider's permission-affecting key", async () => {
    const { federation } = setup();
    const token = jwt({ ...victimClaims, exp: 1_700_003_600 }, "verified");
    const reader = fakeProvider({ key: "role=reader" });
    const writer = fakeProvider({ key: "role=writer" });
    await federation.getCredentials(reader, withToken(token));
    await federation.getCredentials(writer, withToken(token));
    expect(reader.calls + writer.calls).toBe(2);
  });

  it("never hands a forged unverified token with the victim's claims the victim's cached credentials", async () => {
    const { federation } = setup();
    const provider = fakeProvider({
      behave: (s) => (s.raw.endsWith(".forged") ? Promise.reject(denied()) : undefined),
    });
    const victim = jwt({ ...victimClaims, exp: 1_700_003_600 }, "verified");
    const held = await federation.getCredentials(provider, withToken(victim));
    const forged: SubjectToken = {
      ...jwt({ ...victimClaims, exp: 1_700_003_600 }),
      raw: `${victim.raw.split(".").slice(0, 2).join(".")}.forged`,
    };
    const error = await federation.getCredentials(provider, withToken(forged)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FederationError);
    expect((error as FederationError).code).toBe("access_denied");
    expect(provider.subjects.at(-1)).toBe(forged);
    // The victim still gets its own credentials from the cache, and its negative cache is untouched.
    expect(await federation.getCredentials(provider, withToken(victim))).toBe(held);
    expect(provider.calls).toBe(2);
  });

  it("never lets a forged token join the victim's in-flight exchange", async () => {
    const { federation } = setup();
    const gate = deferred();
    const provider = fakeProvider({
      behave: (s) => (s.trust === "verified" ? gate.promise : Promise.reject(denied())),
    });
    const victim = jwt({ ...victimClaims, exp: 1_700_003_600 }, "verified");
    const forged = jwt({ ...victimClaims, exp: 1_700_003_600 }, "unverified", "Zm9yZ2Vk");
    const victimCall = federation.getCredentials(provider, withToken(victim));
    await new Promise((r) => setTimeout(r, 5));
    const forgedCall = federation.getCredentials(provider, withToken(forged)).catch((e: unknown) => e);
    expect(((await forgedCall) as FederationError).code).toBe("access_denied");
    gate.resolve();
    const creds = await victimCall;
    expect(provider.calls).toBe(2);
    expect(creds.secretAccessKey).toBe("secret-1-victim");
  });

  it("never lets a forged token poison the victim's negative cache", async () => {
    const { federation } = setup();
    const provider = fakeProvider({
      behave: (s) => (s.trust === "unverified" ? Promise.reject(denied()) : undefined),
    });
    const forged = jwt({ ...victimClaims, exp: 1_700_003_600 }, "unverified", "Zm9yZ2Vk");
    for (let i = 0; i < 3; i++)
      await federation.getCredentials(provider, withToken(forged)).catch(() => undefined);
    const creds = await federation.getCredentials(
      provider,
      withToken(jwt({ ...victimClaims, exp: 1_700_003_600 }, "verified")),
    );
    expect(creds.kind).toBe("aws");
  });

  it("keys unverified tokens by the raw token: same claims, different token, different key", async () => {
    const { federation } = setup();
    const provider = fakeProvider();
    await federation.getCredentials(provider, withToken(jwt({ ...victimClaims, exp: 1_700_003_600 })));
    await federation.getCredentials(provider, withToken(jwt({ ...victimClaims, exp: 1_700_003_601 })));
    expect(provider.calls).toBe(2);
  });
});

describe("single flight", () => {
  it("1,000 concurrent callers on a cold key cause exactly one exchange and all get its credentials", async () => {
    const { federation } = setup();
    const gate = deferred();
    const provider = fakeProvider({ behave: () => gate.promise });
    const source = staticToken(jwt({ ...victimClaims, exp: 1_700_003_600 }));
    const calls = Array.from({ length: 1000 }, () => federation.getCredentials(provider, { source }));
    await new Promise((r) => setTimeout(r, 10));
    gate.resolve();
    const results = await Promise.all(calls);
    expect(provider.calls).toBe(1);
    expect(new Set(results).size).toBe(1);
  });

  it("shares a failure among joiners and then remembers it (negative cache with backoff)", async () => {
    const { federation, clock, audit } = setup({ refresh: { negativeTtlMs: 1000, maxNegativeTtlMs: 4000 } });
    const provider = fakeProvider({ behave: () => Promise.reject(denied()) });
    const source = staticToken(jwt({ ...victimClaims, exp: 1_700_003_600 }));
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, () => federation.getCredentials(provider, { source })),
    );
    expect(results.every((r) => r.status === "rejected")).toBe(true);
    expect(provider.calls).toBe(1);
    const refused = await federation.getCredentials(provider, { source }).catch((e: unknown) => e);
    expect((refused as FederationError).code).toBe("access_denied");
    expect(provider.calls).toBe(1);
    expect(audit.events.at(-1)?.cache).toBe("negative");
    clock.advance(1001);
    await federation.getCredentials(provider, { source }).catch(() => undefined);
    expect(provider.calls).toBe(2);
    clock.advance(1001); // the second failure doubled the backoff to 2 s
    await federation.getCredentials(provider, { source }).catch(() => undefined);
    expect(provider.calls).toBe(2);
  });

  it("remembers availability errors per (subject, target): a new subject gets its own attempt", async () => {
    const { federation, audit } = setup();
    const outage = new FederationError("provider_unavailable", "STS 503", {
      provider: "aws",
      status: 503,
      retryable: true,
    });
    const provider = fakeProvider({ behave: () => Promise.reject(outage) });
    const subjects = Array.from({ length: 20 }, (_, i) =>
      jwt({ ...victimClaims, sub: `s${i}`, exp: 1_700_003_600 }, "verified"),
    );
    for (const s of subjects) await federation.getCredentials(provider, withToken(s)).catch(() => undefined);
    // Twenty subjects, twenty exchanges: nobody is refused for another subject's failure.
    expect(provider.calls).toBe(20);
    expect(audit.events.filter((e) => e.cache === "negative")).toHaveLength(0);
    // The same subject again, within its backoff: refused from memory, no exchange.
    const again = await federation.getCredentials(provider, withToken(subjects[0]!)).catch((e: unknown) => e);
    expect((again as FederationError).code).toBe("provider_unavailable");
    expect((again as FederationError).message).toContain("remembered failure");
    expect(provider.calls).toBe(20);
  });

  it("remembers availability errors per target too: another role of the same subject is tried", async () => {
    const { federation } = setup();
    const outage = new FederationError("provider_unavailable", "STS 503", { provider: "aws", status: 503 });
    const down = fakeProvider({ key: "role-a", behave: () => Promise.reject(outage) });
    const up = fakeProvider({ key: "role-b" });
    const token = jwt({ ...victimClaims, exp: 1_700_003_600 }, "verified");
    await federation.getCredentials(down, withToken(token)).catch(() => undefined);
    expect((await federation.getCredentials(up, withToken(token))).kind).toBe("aws");
  });

  it("after an outage, a new subject's exchange is tried with one attempt instead of retries", async () => {
    // Every request answers 503; each subject's fetches are counted through the token in the body.
    const fetches: string[] = [];
    const fetch = async (_url: string | URL | Request, init?: RequestInit) => {
      fetches.push(String(init?.body));
      return new Response("busy", { status: 503 });
    };
    const provider: Provider<TestAwsCredentials> = {
      ...fakeProvider(),
      async exchange(subject, ctx) {
        const res = await ctx.send({
          url: "https://sts.amazonaws.com/",
          method: "POST",
          body: String(subject.claims.sub),
          operation: "sts:AssumeRoleWithWebIdentity",
          endpoint: { cloud: "aws", officialHosts: ["sts.amazonaws.com"] },
        });
        throw new FederationError("provider_unavailable", `STS ${res.status}`, { provider: "aws" });
      },
    };
    const retry = { baseDelayMs: 1, maxDelayMs: 1 };
    const { federation } = setup({ fetch, retry });
    const other = setup({ fetch, retry }).federation;
    const token = (sub: string, trust: "verified" | "unverified" = "verified") =>
      withToken(
        jwt(
          { ...victimClaims, sub, exp: 1_700_003_600 },
          trust,
          trust === "unverified" ? "Zm9yZ2Vk" : undefined,
        ),
      );
    // A forged (unverified) token's outage shortens nobody's retries: "a" still gets its 3 attempts.
    await other.getCredentials(provider, token("forged", "unverified")).catch(() => undefined);
    await other.getCredentials(provider, token("a")).catch(() => undefined);
    // In a federation where "a" (verified) just found STS down, "b" is still tried, once.
    await federation.getCredentials(provider, token("a")).catch(() => undefined);
    await federation.getCredentials(provider, token("b")).catch(() => undefined);
    const count = (sub: string) => fetches.filter((b) => b === sub).length;
    expect(count("forged")).toBe(3);
    expect(count("a")).toBe(6);
    expect(count("b")).toBe(1);
  });
});

describe("refresh", () => {
  it("is triggered by a request, runs through the scheduler, and blocks no caller", async () => {
    const scheduled: Promise<unknown>[] = [];
    const scheduler: Scheduler = (work) => scheduled.push(work);
    const { federation, clock, audit } = setup({ scheduler, refresh: { jitterFraction: 0 } });
    const gate = deferred();
    const provider = fakeProvider({ behave: (_s, call) => (call === 2 ? gate.promise : undefined) });
    const source = staticToken(jwt({ ...victimClaims, exp: 1_700_100_000 }));
    const first = await federation.getCredentials(provider, { source });
    clock.advance(0.8 * 3_600_000); // past 75 % of the lifetime
    const during = await Promise.all(
      Array.from({ length: 20 }, () => federation.getCredentials(provider, { source })),
    );
    // The refresh exchange is held open: every caller still got the old credentials, none waited.
    expect(during.every((c) => c === first)).toBe(true);
    expect(scheduled).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 0));
    expect(provider.calls).toBe(2);
    gate.resolve();
    await Promise.all(scheduled);
    const after = await federation.getCredentials(provider, { source });
    expect(after).not.toBe(first);
    expect(after.accessKeyId).toBe("ASIATEST00000002");
    expect(audit.events.map((e) => `${e.type}/${e.cache}`)).toEqual(["exchange/miss", "refresh/refresh"]);
  });

  it("never hands out credentials within the safety margin: callers wait for fresh ones", async () => {
    const { federation, clock } = setup({ refresh: { safetyMarginMs: 60_000 } });
    const provider = fakeProvider();
    const source = staticToken(jwt({ ...victimClaims, exp: 1_700_100_000 }));
    const first = await federation.getCredentials(provider, { source });
    clock.advance(3_600_000 - 59_000);
    const second = await federation.getCredentials(provider, { source });
    expect(second).not.toBe(first);
    expect(second.expiresAt - clock.now()).toBeGreaterThan(60_000);
  });

  it("keeps serving still-valid credentials when a refresh fails (stale-if-error) and audits the failure", async () => {
    const { federation, clock, audit } = setup({ refresh: { jitterFraction: 0 } });
    const outage = new FederationError("provider_unavailable", "STS 503", { provider: "aws", status: 503 });
    const provider = fakeProvider({ behave: (_s, call) => (call > 1 ? Promise.reject(outage) : undefined) });
    const source = staticToken(jwt({ ...victimClaims, exp: 1_700_100_000 }));
    const first = await federation.getCredentials(provider, { source });
    clock.advance(0.8 * 3_600_000);
    expect(await federation.getCredentials(provider, { source })).toBe(first);
    await federation.flush();
    expect(provider.calls).toBe(2);
    expect(await federation.getCredentials(provider, { source })).toBe(first);
    await federation.flush();
    // The failed refresh is remembered: the next requests do not hammer the cloud.
    expect(provider.calls).toBe(2);
    const failure = audit.events.find((e) => e.type === "failure");
    expect(failure?.cache).toBe("stale");
    expect(failure?.error?.code).toBe("provider_unavailable");
    // Once the backoff has passed, the next hit tries again, and still serves the held credentials meanwhile.
    clock.advance(1001);
    expect(await federation.getCredentials(provider, { source })).toBe(first);
    await federation.flush();
    expect(provider.calls).toBe(3);
  });

  it("uses the provider's refreshAt when it gives one", async () => {
    const { federation, clock } = setup();
    const base = fakeProvider();
    const provider = {
      ...base,
      exchange: async (...args: Parameters<typeof base.exchange>) => ({
        ...(await base.exchange(...args)),
        refreshAt: clock.now() + 1000,
      }),
    };
    const source = staticToken(jwt({ ...victimClaims, exp: 1_700_100_000 }));
    await federation.getCredentials(provider, { source });
    clock.advance(1500);
    await federation.getCredentials(provider, { source });
    await federation.flush();
    expect(base.calls).toBe(2);
  });
});

describe("early checks", () => {
  it("refuses an expired subject token with a hint, without an exchange, and audits the refusal", async () => {
    const { federation, audit } = setup();
    const provider = fakeProvider();
    const error = await federation
      .getCredentials(provider, withToken(jwt({ ...victimClaims, exp: 1_699_990_000 })))
      .catch((e: unknown) => e);
    expect((error as FederationError).code).toBe("expired_subject_token");
    expect((error as FederationError).hint).toBeDefined();
    expect(provider.calls).toBe(0);
    expect(audit.events[0]?.type).toBe("refusal");
  });

  it("refuses a token not yet valid (nbf)", async () => {
    const { federation } = setup();
    const error = await federation
      .getCredentials(
        fakeProvider(),
        withToken(jwt({ ...victimClaims, nbf: 1_700_010_000, exp: 1_700_020_000 })),
      )
      .catch((e: unknown) => e);
    expect((error as FederationError).code).toBe("expired_subject_token");
  });

  it("refuses an audience mismatch, naming both audiences", async () => {
    const { federation } = setup();
    const error = await federation
      .getCredentials(
        fakeProvider(),
        withToken(jwt({ ...victimClaims, aud: "api://other", exp: 1_700_003_600 })),
      )
      .catch((e: unknown) => e);
    expect((error as FederationError).code).toBe("audience_mismatch");
    expect((error as FederationError).message).toContain("api://other");
    expect((error as FederationError).message).toContain(AUD);
  });

  it("refuses a held key once its token has expired", async () => {
    const { federation, clock } = setup();
    const provider = fakeProvider();
    const source = staticToken(jwt({ ...victimClaims, exp: 1_700_000_600 }));
    await federation.getCredentials(provider, { source });
    clock.advance(700_000);
    const error = await federation.getCredentials(provider, { source }).catch((e: unknown) => e);
    expect((error as FederationError).code).toBe("expired_subject_token");
  });

  it("requires a source", async () => {
    const error = await createFederation({ audit: memoryAudit() })
      .getCredentials(fakeProvider())
      .catch((e: unknown) => e);
    expect((error as FederationError).code).toBe("config");
  });
});

describe("audit events", () => {
  it("records one exchange event with subject claims, a jti hash, expiry, attempts and labels", async () => {
    const { federation, audit } = setup({ labels: { site: "demo" } });
    await federation.getCredentials(fakeProvider(), {
      source: staticToken(jwt({ ...victimClaims, exp: 1_700_003_600 }, "verified")),
      correlationId: "req-abc",
      labels: { fn: "edge" },
    });
    expect(audit.events).toHaveLength(1);
    const [event] = audit.events;
    expect(event).toMatchObject({
      type: "exchange",
      provider: "aws",
      cache: "miss",
      correlationId: "req-abc",
      sessionName: "fedkit-1",
      requestId: "req-1",
      labels: { site: "demo", fn: "edge" },
      subject: { iss: "https://idp.example", sub: "victim", aud: AUD, trust: "verified" },
      expiresAt: new Date(1_700_003_600_000).toISOString(),
    });
    expect(event?.subject.jtiHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(event)).not.toContain("v-1");
  });

  it("aborting a waiting caller leaves the shared exchange running for the others", async () => {
    const { federation } = setup();
    const gate = deferred();
    const provider = fakeProvider({ behave: () => gate.promise });
    const source = staticToken(jwt({ ...victimClaims, exp: 1_700_003_600 }));
    const controller = new AbortController();
    const leaving = federation
      .getCredentials(provider, { source, signal: controller.signal })
      .catch((e: unknown) => e);
    const staying = federation.getCredentials(provider, { source });
    await new Promise((r) => setTimeout(r, 5));
    controller.abort();
    expect(((await leaving) as FederationError).code).toBe("aborted");
    gate.resolve();
    expect((await staying).kind).toBe("aws");
    expect(provider.calls).toBe(1);
  });

  it("works with a custom cache", async () => {
    const cache = memoryCache({ max: 1 });
    const { federation } = setup({ cache });
    const creds: TestAwsCredentials = await federation.getCredentials(
      fakeProvider(),
      withToken(jwt({ ...victimClaims, exp: 1_700_003_600 })),
    );
    expect(creds.kind).toBe("aws");
    expect(cache.size).toBe(1);
  });
});
