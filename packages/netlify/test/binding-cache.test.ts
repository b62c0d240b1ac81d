// The adapter's binding cache (src/bindings.ts): target resolution, grant, provider and token source are worked
// out once per isolate, config, deploy context, function and target. These tests hold what caching must not
// change: a binding never crosses a deploy context, a function or a target; a new config object never gets an
// old one's binding; a refused grant stays refused and is audited per request; audit events carry the
// request's own correlation id and labels, not those of the request that built the binding.
import { FederationError, type SubjectToken } from "@fedkit/core";
import type { AuditEvent } from "@fedkit/core/audit";
import { memoryCache } from "@fedkit/core/cache";
import {
  type CloudPlugin,
  type Fedkit,
  type FedkitConfig,
  fedkitFor,
  generateIssuerKeys,
  type PlatformRequest,
  withFedkit,
} from "@fedkit/netlify";
import { beforeAll, describe, expect, it } from "vitest";
import { handleFor } from "../src/runtime.js";
import { memoryAuditFor } from "./adapter-support.js";
import { SITE_ID } from "./support.js";

interface FakeCredentials {
  readonly kind: "fake";
  readonly expiresAt: number;
  /** Who the cloud issued them to: role, the token's subject and audience, the provider's context. */
  readonly who: string;
}

const START = Date.parse("2026-01-01T00:00:00Z");

/** A cloud whose credentials name the role, subject and audience they were issued for. */
function fakeCloud(clock: { now: number }, log: string[], denied: Set<string>): CloudPlugin {
  return {
    cloud: "fake",
    audience: (_target, scope) => `fake:${scope.context}`,
    provider: (input) => ({
      cloud: "fake",
      key: `role=${String(input.target["role"])};duration=${input.durationSeconds ?? ""}`,
      audience: `fake:${input.context}`,
      target: { role: String(input.target["role"]) },
      async exchange(subject: SubjectToken) {
        const who = `${String(input.target["role"])}|${subject.claims.sub}|${String(subject.claims.aud)}`;
        log.push(who);
        if (denied.has(String(input.target["role"]))) {
          throw new FederationError("access_denied", "The fake cloud refused the token.", {
            provider: "fake",
            status: 403,
          });
        }
        const credentials: FakeCredentials = { kind: "fake", expiresAt: clock.now + 3_600_000, who };
        return { credentials };
      },
    }),
    client: (bound, provider) => () => bound.getCredentials(provider),
    trustPolicy: () => ({}),
  };
}

let production: string;
let preview: string;
beforeAll(async () => {
  production = (await generateIssuerKeys({ context: "production" })).secret;
  preview = (await generateIssuerKeys({ context: "deploy-preview" })).secret;
});

function site() {
  const clock = { now: START };
  const log: string[] = [];
  const denied = new Set<string>();
  const audit = memoryAuditFor();
  // Each deploy context has its own key set; the isolate loads it at the context's first request.
  const env = { keys: production };
  const config: FedkitConfig = {
    siteId: SITE_ID,
    siteUrl: "https://reports.example.com",
    clouds: { fake: fakeCloud(clock, log, denied) },
    targets: {
      reports: { cloud: "fake", role: "reports-role" },
      billing: { cloud: "fake", role: "billing-role" },
      private: { cloud: "fake", role: "private-role" },
    },
    functions: {
      report: { reports: {}, billing: {}, private: { identity: "user" } },
      export: { reports: {} },
    },
    runtime: {
      env: (name) => (name === "FEDKIT_ISSUER_KEYS" ? env.keys : undefined),
      audit,
      now: () => clock.now,
    },
  };
  const request = (
    functionName: string,
    requestId: string,
    extra: Partial<PlatformRequest> = {},
  ): PlatformRequest => ({ functionName, requestId, deployContext: "production", ...extra });
  const who = async (cfg: FedkitConfig, platform: PlatformRequest, target: string) =>
    ((await (await fedkitFor(cfg, platform)).credentials(target)) as unknown as FakeCredentials).who;
  return { clock, log, denied, audit, env, config, request, who };
}

const refusals = (events: readonly AuditEvent[]) => events.filter((event) => event.type === "refusal");

describe("the binding cache never crosses a deploy context, a function or a target", () => {
  it("interleaved requests of two functions, two targets and two contexts each get their own credentials", async () => {
    const s = site();
    const expected = {
      "report/reports/production": "reports-role|site:%s:context:production:function:report|fake:production",
      "report/billing/production": "billing-role|site:%s:context:production:function:report|fake:production",
      "export/reports/production": "reports-role|site:%s:context:production:function:export|fake:production",
    };
    const id = (s: string) => s.replace("%s", SITE_ID);
    for (let round = 0; round < 3; round++) {
      // Round 0 exchanges; rounds 1 and 2 are hits on cached bindings, which must still be each request's own.
      expect(await s.who(s.config, s.request("report", `a${round}`), "reports")).toBe(
        id(expected["report/reports/production"]),
      );
      expect(await s.who(s.config, s.request("report", `b${round}`), "billing")).toBe(
        id(expected["report/billing/production"]),
      );
      expect(await s.who(s.config, s.request("export", `c${round}`), "reports")).toBe(
        id(expected["export/reports/production"]),
      );
    }
    expect(s.log).toHaveLength(3);
    // The deploy-preview isolate state: its own issuer, keys, audience and binding, never production's.
    s.env.keys = preview;
    for (const requestId of ["p1", "p2"]) {
      expect(
        await s.who(s.config, s.request("report", requestId, { deployContext: "deploy-preview" }), "reports"),
      ).toBe(`reports-role|site:${SITE_ID}:context:deploy-preview:function:report|fake:deploy-preview`);
    }
    // And production, asked again after preview, is still production's.
    expect(await s.who(s.config, s.request("report", "a9"), "reports")).toBe(
      id(expected["report/reports/production"]),
    );
    expect(s.log).toHaveLength(4);
  });

  it("a function that another function's cached binding would serve is still refused (policy_refused)", async () => {
    const s = site();
    await s.who(s.config, s.request("report", "r1"), "billing");
    const handle = await fedkitFor(s.config, s.request("export", "r2"));
    await expect(handle.credentials("billing")).rejects.toMatchObject({ code: "policy_refused" });
    expect(s.log).toHaveLength(1);
  });
});

describe("a refused grant stays refused, audited per request", () => {
  it("every request for an unmapped target, or a user-only target as the function, is refused with its own id", async () => {
    const s = site();
    for (const requestId of ["x1", "x2", "x3"]) {
      const handle = await fedkitFor(s.config, s.request("export", requestId));
      await expect(handle.credentials("billing")).rejects.toMatchObject({ code: "policy_refused" });
      await expect(handle.credentials("private")).rejects.toMatchObject({ code: "policy_refused" });
      expect(() => handle.client("billing")).toThrow(/not mapped/);
    }
    for (const requestId of ["y1", "y2"]) {
      const handle = await fedkitFor(s.config, s.request("report", requestId));
      await expect(handle.credentials("private")).rejects.toMatchObject({
        code: "policy_refused",
        message: 'fedkit: function "report" may use target "private" only as user.',
        hint: expect.stringContaining('functions["report"]["private"]'),
        subject: { sub: `site:${SITE_ID}:context:production:function:report` },
      });
    }
    const [unmapped] = refusals(s.audit.events);
    expect(unmapped).toMatchObject({
      target: { role: "billing" },
      subject: { sub: `site:${SITE_ID}:context:production:function:export`, trust: "minted" },
      error: {
        code: "policy_refused",
        message: 'fedkit: function "export" is not mapped to target "billing".',
      },
      labels: { function: "export", site: SITE_ID, context: "production" },
    });
    expect(refusals(s.audit.events).map((event) => event.correlationId)).toEqual([
      "x1",
      "x1",
      "x1",
      "x2",
      "x2",
      "x2",
      "x3",
      "x3",
      "x3",
      "y1",
      "y2",
    ]);
    expect(s.log).toEqual([]);
  });

  it("an unknown target is a config error on every request, never cached as something else", async () => {
    const s = site();
    await s.who(s.config, s.request("report", "r1"), "reports");
    for (const requestId of ["r2", "r3"]) {
      const handle = await fedkitFor(s.config, s.request("report", requestId));
      await expect(handle.credentials("nope")).rejects.toMatchObject({
        code: "config",
        message: 'fedkit: no target "nope" in the config.',
      });
    }
  });
});

describe("a new config object gets bindings of its own", () => {
  it("a changed role, a removed grant or a new target in a new config object is seen at once", async () => {
    const s = site();
    expect(await s.who(s.config, s.request("report", "r1"), "reports")).toMatch(/^reports-role\|/);
    const moved: FedkitConfig = {
      ...s.config,
      targets: { ...s.config.targets, reports: { cloud: "fake", role: "moved-role" } },
    };
    expect(await s.who(moved, s.request("report", "r2"), "reports")).toMatch(/^moved-role\|/);
    const revoked: FedkitConfig = { ...s.config, functions: { ...s.config.functions, report: {} } };
    const handle = await fedkitFor(revoked, s.request("report", "r3"));
    await expect(handle.credentials("reports")).rejects.toMatchObject({ code: "policy_refused" });
    // The original config object keeps its own binding.
    expect(await s.who(s.config, s.request("report", "r4"), "reports")).toMatch(/^reports-role\|/);
  });
});

describe("audit events of a cached binding belong to the request that caused them", () => {
  it("cloud refusals carry each request's correlation id and deploy label; a later success is not served the old rejection", async () => {
    const s = site();
    s.denied.add("billing-role");
    const failures: FederationError[] = [];
    for (const [requestId, deployId] of [
      ["d1", "deploy-1"],
      ["d2", "deploy-2"],
    ] as const) {
      const handle = await fedkitFor(s.config, s.request("report", requestId, { deployId }));
      failures.push(
        await handle.credentials("billing").then(
          () => Promise.reject(new Error("served")),
          (e) => e,
        ),
      );
      // A second call of the same request: the remembered failure, still this request's.
      failures.push(
        await handle.credentials("billing").then(
          () => Promise.reject(new Error("served")),
          (e) => e,
        ),
      );
    }
    expect(failures.map((error) => error.code)).toEqual([
      "access_denied",
      "access_denied",
      "access_denied",
      "access_denied",
    ]);
    // The first is the exchange's failure, the others the failure memory's refusals.
    const events = s.audit.events.filter((event) => event.type === "failure" || event.type === "refusal");
    expect(
      events.map((event) => [event.correlationId, event.labels?.["deploy"], event.labels?.["function"]]),
    ).toEqual([
      ["d1", "deploy-1", "report"],
      ["d1", "deploy-1", "report"],
      ["d2", "deploy-2", "report"],
      ["d2", "deploy-2", "report"],
    ]);
    // Once the cloud accepts and the failure memory has let go, the same cached binding serves credentials.
    s.denied.clear();
    s.clock.now += 10 * 60_000;
    expect(await s.who(s.config, s.request("report", "d3"), "billing")).toMatch(/^billing-role\|/);
  });

  it("a background refresh started by a later request's hit is audited with that request's id", async () => {
    const s = site();
    await s.who(s.config, s.request("report", "first"), "reports");
    // Past the refresh time of the held credentials (an hour long), within their validity: a hit that refreshes.
    s.clock.now += 50 * 60_000;
    const handle = await fedkitFor(s.config, s.request("report", "later", { deployId: "deploy-9" }));
    await handle.credentials("reports");
    await handle.federation.flush();
    const exchanges = s.audit.events.filter((event) => event.type === "exchange" || event.type === "refresh");
    expect(exchanges.map((event) => [event.correlationId, event.labels?.["deploy"]])).toEqual([
      ["first", undefined],
      ["later", "deploy-9"],
    ]);
    expect(s.log).toHaveLength(2);
  });
});

describe("the withFedkit path on a ready isolate", () => {
  it("the handle comes synchronously once the key set has loaded; a hit is the engine's settled promise, shared", async () => {
    const s = site();
    // The isolate's first request loads the key set: the only one that waits.
    const first = handleFor(s.config, s.request("report", "h1"));
    expect(first).toBeInstanceOf(Promise);
    const { who } = (await (await first).credentials("reports")) as unknown as FakeCredentials;
    expect(who).toMatch(/^reports-role\|site:/);
    const second = handleFor(s.config, s.request("report", "h2"));
    expect(second).not.toBeInstanceOf(Promise);
    const handle = second as Fedkit;
    expect(handle.requestId).toBe("h2");
    // The engine's first hit after the exchange makes its shared resolved promise; from then on no wrapping, per
    // call or per request: every hit is that same settled promise (one exchange in all).
    await handle.credentials("reports");
    const settled = handle.credentials("reports");
    expect(handle.credentials("reports")).toBe(settled);
    expect((handleFor(s.config, s.request("report", "h3")) as Fedkit).credentials("reports")).toBe(settled);
    expect(((await settled) as unknown as FakeCredentials).who).toBe(who);
    expect(s.log).toHaveLength(1);
    // Another function's request gets its own binding, never the one served last.
    const other = handleFor(s.config, s.request("export", "h4")) as Fedkit;
    expect(((await other.credentials("reports")) as unknown as FakeCredentials).who).toMatch(
      /:function:export\|/,
    );
  });

  it("a key set that does not load keeps every request on the waiting path, each refused", async () => {
    const s = site();
    s.env.keys = "not json";
    for (const id of ["k1", "k2"]) {
      const pending = handleFor(s.config, s.request("report", id));
      expect(pending).toBeInstanceOf(Promise);
      await expect(pending).rejects.toMatchObject({ code: "config" });
    }
  });

  it("wrappers of spreads of one config share the isolate's federation; a config differing in a field gets its own", async () => {
    const s = site();
    const seen: unknown[] = [];
    const wrap = (config: FedkitConfig, name: string) =>
      withFedkit({ ...config, function: name }, async (_request, fedkit) => {
        seen.push(fedkit.federation);
        return new Response("ok");
      });
    const call = (handler: ReturnType<typeof wrap>) =>
      handler(new Request("https://reports.example.com/"), { deploy: { context: "production" } });
    await call(wrap(s.config, "report"));
    await call(wrap(s.config, "export"));
    await call(wrap({ ...s.config, exposeErrorDetails: true }, "report"));
    expect(seen).toHaveLength(3);
    expect(seen[1]).toBe(seen[0]);
    expect(seen[2]).not.toBe(seen[0]);
  });

  it("withFedkit runs the handler without an await before it once the isolate is ready", async () => {
    const s = site();
    let entered = 0;
    const wrapped = withFedkit({ ...s.config, function: "report" }, async (_request, fedkit) => {
      entered++;
      await fedkit.credentials("reports");
      return new Response("ok");
    });
    const call = () =>
      wrapped(new Request("https://reports.example.com/report"), { deploy: { context: "production" } });
    const cold = call();
    expect(entered).toBe(0); // the first request waits for the key set
    expect((await cold).status).toBe(200);
    const warm = call();
    expect(entered).toBe(2); // entered synchronously, inside the call
    expect((await warm).status).toBe(200);
  });
});

describe("one credential cache shared by the deploy contexts of one config", () => {
  it("the contexts' federations share the cache object, and neither is served the other's credentials", async () => {
    const s = site();
    const cache = memoryCache({ now: () => s.clock.now });
    // The same config object (and its runtime's cache) serves both contexts, as one isolate would.
    const config: FedkitConfig = { ...s.config, runtime: { ...s.config.runtime, cache } };
    const inProduction = `reports-role|site:${SITE_ID}:context:production:function:report|fake:production`;
    const inPreview = `reports-role|site:${SITE_ID}:context:deploy-preview:function:report|fake:deploy-preview`;
    expect(await s.who(config, s.request("report", "a1"), "reports")).toBe(inProduction);
    s.env.keys = preview;
    for (const requestId of ["p1", "p2"]) {
      expect(
        await s.who(config, s.request("report", requestId, { deployContext: "deploy-preview" }), "reports"),
      ).toBe(inPreview);
    }
    expect(await s.who(config, s.request("report", "a2"), "reports")).toBe(inProduction);
    // One exchange per context, each stored under a key of its own in the one cache.
    expect(s.log).toEqual([inProduction, inPreview]);
    expect(cache.size).toBe(2);
  });
});
