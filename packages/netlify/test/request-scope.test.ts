// The per-request handle shares what the requests of one isolate, function and deploy have in common (a
// `HandleScope`: function name, labels, isolate state), built when the function or deploy changes instead of per
// request. These tests hold what that sharing must not change: each request's handle and audit events carry its
// own function, deploy and id, whatever the request before it was; and the handle shows nothing of the isolate's
// tables (whose last promises hold credentials) in its keys, JSON or a log line.
import { inspect } from "node:util";
import type { SubjectToken } from "@fedkit/core";
import {
  type CloudPlugin,
  type Fedkit,
  type FedkitConfig,
  generateIssuerKeys,
  withFedkit,
} from "@fedkit/netlify";
import { beforeAll, describe, expect, it } from "vitest";
import { requestHandle } from "../src/runtime.js";
import { memoryAuditFor } from "./adapter-support.js";
import { SITE_ID } from "./support.js";

/** What the fake cloud hands out: a secret that must never reach a log line of the handle. */
const SECRET = "fake-secret-0d9c";

function fakeCloud(): CloudPlugin {
  return {
    cloud: "fake",
    audience: () => "fake:aud",
    provider: (input) => ({
      cloud: "fake",
      key: `role=${String(input.target["role"])}`,
      audience: "fake:aud",
      target: { role: String(input.target["role"]) },
      async exchange(_subject: SubjectToken) {
        return { credentials: { kind: "fake", expiresAt: Date.now() + 3_600_000, secret: SECRET } };
      },
    }),
    client: (bound, provider) => () => bound.getCredentials(provider),
    trustPolicy: () => ({}),
  };
}

let keys: string;
beforeAll(async () => {
  keys = (await generateIssuerKeys({ context: "production" })).secret;
});

function site() {
  const audit = memoryAuditFor();
  const config: FedkitConfig = {
    siteId: SITE_ID,
    siteUrl: "https://reports.example.com",
    clouds: { fake: fakeCloud() },
    targets: {
      reports: { cloud: "fake", role: "reports-role" },
      billing: { cloud: "fake", role: "billing-role" },
    },
    // `billing` is mapped to neither function: every request for it is refused and audited with its labels.
    functions: { report: { reports: {} }, export: { reports: {} } },
    runtime: { env: (name) => (name === "FEDKIT_ISSUER_KEYS" ? keys : undefined), audit },
  };
  /** withFedkit's per-request call for a production request. */
  const handle = async (functionName: string, requestId: string, deployId?: string) =>
    (await requestHandle(
      config,
      functionName,
      requestId,
      undefined,
      undefined,
      "production",
      deployId,
    )) as Fedkit;
  return { audit, config, handle };
}

describe("a handle's scope is always its own request's function and deploy", () => {
  it("alternating functions and deploys: each handle and each audited refusal carries its own request's facts", async () => {
    const s = site();
    const requests = [
      ["r1", "report", "deploy-1"],
      ["r2", "export", "deploy-1"],
      ["r3", "export", "deploy-2"],
      ["r4", "report", undefined],
      ["r5", "report", "deploy-2"],
      ["r6", "report", "deploy-2"],
      ["r7", "export", undefined],
    ] as const;
    for (const [requestId, functionName, deployId] of requests) {
      const handle = await s.handle(functionName, requestId, deployId);
      expect([handle.requestId, handle.functionName]).toEqual([requestId, functionName]);
      await expect(handle.credentials("billing")).rejects.toMatchObject({ code: "policy_refused" });
    }
    const refusals = s.audit.events.filter((event) => event.type === "refusal");
    expect(
      refusals.map((event) => [event.correlationId, event.labels?.["function"], event.labels?.["deploy"]]),
    ).toEqual(requests);
  });

  it("withFedkit wrappers of two functions, called in turn, each see their own function name", async () => {
    const s = site();
    const seen: string[] = [];
    const wrap = (name: string) =>
      withFedkit({ ...s.config, function: name }, async (_request, fedkit) => {
        seen.push(`${fedkit.requestId}:${fedkit.functionName}`);
        await fedkit.credentials("reports");
        return new Response("ok");
      });
    const report = wrap("report");
    const exporter = wrap("export");
    const request = new Request("https://reports.example.com/");
    const context = (requestId: string) => ({ requestId, deploy: { context: "production", id: "d" } });
    for (const [handler, id] of [
      [report, "w1"],
      [exporter, "w2"],
      [exporter, "w3"],
      [report, "w4"],
    ] as const) {
      expect((await handler(request, context(id))).status).toBe(200);
    }
    expect(seen).toEqual(["w1:report", "w2:export", "w3:export", "w4:report"]);
  });
});

describe("the handle shows nothing of the isolate's state", () => {
  it("after a hit, its keys, JSON and an inspected log line hold the request's own facts and no credential", async () => {
    const s = site();
    const handle = await s.handle("report", "r1");
    await handle.credentials("reports");
    // The binding table now holds the engine's settled promise of these credentials.
    expect(((await handle.credentials("reports")) as unknown as { secret: string }).secret).toBe(SECRET);
    expect(Object.keys(handle).sort()).toEqual(["requestId", "scheduler"]);
    const json = JSON.stringify(handle);
    const logged = inspect(handle, { depth: 20 });
    for (const shown of [json, logged]) {
      expect(shown).toContain("r1");
      expect(shown).not.toContain(SECRET);
      expect(shown).not.toContain("reports-role");
    }
  });
});
