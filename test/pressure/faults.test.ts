// Behaviour under pressure, end to end: each provider (AWS STS, Google STS, Entra) talks to the emulator through
// a loopback fault proxy that injects 5xx bursts, throttling with and without Retry-After, resets, hangs, slow
// answers, truncated and oversized bodies. Asserted: transient faults are retried within the overall deadline;
// a slow answer is waited for, not re-sent; a hang costs one request and ends at the deadline; an oversized body
// is refused without retry; and a failure is remembered per (subject, target): a new subject is still tried.
import { awsProvider } from "@fedkit/aws";
import { azureProvider } from "@fedkit/azure";
import {
  callbackToken,
  createFederation,
  type FederationError,
  type Provider,
  type RetryPolicy,
  staticToken,
} from "@fedkit/core";
import { memoryAudit } from "@fedkit/core/audit";
import { addGcpProvider, type Emulator, entraState, gcpStateOf, startEmulator } from "@fedkit/emulator";
import { gcpProvider } from "@fedkit/gcp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FaultProxy, startFaultProxy } from "../support/fault-proxy.js";

const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const CLIENT = "00000000-1111-2222-3333-444444444444";
const SUBJECTS = Array.from({ length: 12 }, (_, i) => `fault-subject-${i}`);

let emulator: Emulator;
const proxies: Record<string, FaultProxy> = {};
const providers: Record<string, () => Provider> = {};

beforeAll(async () => {
  emulator = await startEmulator({
    aws: {},
    gcp: { projectNumber: "123456", pools: [{ poolId: "fault-pool", providers: [] }] },
    azure: { tenants: [{ tenantId: TENANT }], apps: [{ clientId: CLIENT }] },
  });
  const urls = emulator.urls;
  const oidc = emulator.aws.createOpenIdConnectProvider({ url: urls.idp, clientIds: ["sts.amazonaws.com"] });
  const role = emulator.aws.putRole({
    name: "fault-reader",
    trustPolicy: {
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Federated: oidc.arn },
          Action: "sts:AssumeRoleWithWebIdentity",
          Condition: { StringEquals: { [`${oidc.hostPath}:aud`]: "sts.amazonaws.com" } },
        },
      ],
    },
    permissionPolicies: [],
  });
  const audience = addGcpProvider(gcpStateOf(emulator), "fault-pool", {
    providerId: "site",
    attributeMapping: { "google.subject": "assertion.sub" },
    issuerUri: urls.idp,
  });
  for (const subject of SUBJECTS)
    entraState(emulator.state).addFederatedCredential(CLIENT, { issuer: emulator.idp.issuer, subject });
  proxies["aws"] = await startFaultProxy(urls.sts);
  proxies["gcp"] = await startFaultProxy(urls.gcpSts!);
  proxies["azure"] = await startFaultProxy(urls.entra!);
  providers["aws"] = () =>
    awsProvider({
      roleArn: role.arn,
      region: "us-east-1",
      endpoint: proxies["aws"]!.origin,
      allowCustomEndpoint: true,
      env: {},
    });
  providers["gcp"] = () =>
    gcpProvider({ audience, stsEndpoint: proxies["gcp"]!.origin, allowCustomEndpoint: true });
  providers["azure"] = () =>
    azureProvider({
      clientId: CLIENT,
      tenantId: TENANT,
      scope: "https://storage.azure.com/.default",
      authorityHost: proxies["azure"]!.origin,
      allowCustomAuthority: true,
      env: () => ({}),
    });
});
afterAll(async () => {
  await Promise.all(Object.values(proxies).map((p) => p.close()));
  await emulator?.stop();
});

const FAST: Partial<RetryPolicy> = { baseDelayMs: 10, maxDelayMs: 50, deadlineMs: 3_000 };

function federation(sub: string, retry: Partial<RetryPolicy> = FAST) {
  return createFederation({
    audit: memoryAudit(),
    retry,
    source: callbackToken(async ({ audience }) => emulator.idp.mint({ sub, aud: audience })),
  });
}

/** One exchange through the proxy: what it returned and how many requests the proxy saw. */
async function exchange(cloud: string, sub: string, retry?: Partial<RetryPolicy>) {
  const proxy = proxies[cloud]!;
  const before = proxy.requests;
  const started = performance.now();
  const outcome = await federation(sub, retry)
    .getCredentials(providers[cloud]!())
    .then(
      (credentials) => ({ credentials, error: undefined }),
      (error: unknown) => ({ credentials: undefined, error: error as FederationError }),
    );
  return { ...outcome, requests: proxy.requests - before, ms: performance.now() - started };
}

describe.each(["aws", "gcp", "azure"])("%s through the fault proxy", (cloud) => {
  it("a burst of two 503s is retried; the third attempt succeeds", async () => {
    proxies[cloud]!.script({ kind: "status", status: 503 }, { kind: "status", status: 503 });
    const r = await exchange(cloud, SUBJECTS[0]!);
    expect(r.error).toBeUndefined();
    expect(r.requests).toBe(3);
  });

  it("429 with Retry-After: 1 is honoured (waits ~1 s), then succeeds", async () => {
    proxies[cloud]!.script({ kind: "status", status: 429, retryAfter: "1" });
    const r = await exchange(cloud, SUBJECTS[1]!);
    expect(r.error).toBeUndefined();
    expect(r.requests).toBe(2);
    expect(r.ms).toBeGreaterThanOrEqual(900);
  });

  it("429 without Retry-After backs off and succeeds", async () => {
    proxies[cloud]!.script({ kind: "status", status: 429 });
    const r = await exchange(cloud, SUBJECTS[2]!);
    expect(r.error).toBeUndefined();
    expect(r.requests).toBe(2);
  });

  it("a connection reset is retried", async () => {
    proxies[cloud]!.script({ kind: "reset" });
    const r = await exchange(cloud, SUBJECTS[3]!);
    expect(r.error).toBeUndefined();
    expect(r.requests).toBe(2);
  });

  it("a slow answer (600 ms to headers) is waited for: one request, not one per attempt", async () => {
    proxies[cloud]!.script({ kind: "slow", ms: 600 });
    const r = await exchange(cloud, SUBJECTS[4]!, { ...FAST, deadlineMs: 2_000 });
    expect(r.error).toBeUndefined();
    expect(r.requests).toBe(1);
  });

  it("a truncated body is retried, and the next complete answer is used", async () => {
    proxies[cloud]!.script({ kind: "truncate" });
    const r = await exchange(cloud, SUBJECTS[5]!);
    expect(r.error).toBeUndefined();
    expect(r.requests).toBe(2);
  });

  it("an oversized body is refused as bad_response, not retried", async () => {
    proxies[cloud]!.script({ kind: "oversize", bytes: 400_000 });
    const r = await exchange(cloud, SUBJECTS[6]!);
    expect(r.error?.code).toBe("bad_response");
    expect(r.requests).toBe(1);
  });

  it("a hang costs one request and ends at the deadline; failure memory is per subject", async () => {
    proxies[cloud]!.script({ kind: "hang" });
    const provider = providers[cloud]!();
    // One token per subject (an unverified token is its own identity: a fresh token would be a new subject).
    const tokenOf = async (sub: string) =>
      staticToken(await emulator.idp.mint({ sub, aud: provider.audience }));
    const fed = createFederation({
      audit: memoryAudit(),
      retry: { ...FAST, deadlineMs: 500 },
      source: await tokenOf(SUBJECTS[7]!),
    });
    const before = proxies[cloud]!.requests;
    const hung = await fed.getCredentials(provider).catch((e: unknown) => e as FederationError);
    expect((hung as FederationError).code).toBe("timeout");
    expect(proxies[cloud]!.requests - before).toBe(1);
    // The same subject, at once: refused from memory, no request.
    const again = await fed.getCredentials(provider).catch((e: unknown) => e as FederationError);
    expect((again as FederationError).message).toContain("remembered failure");
    expect(proxies[cloud]!.requests - before).toBe(1);
    // Other subjects in the same federation are each tried (one attempt each while the provider struggles).
    for (const other of SUBJECTS.slice(8, 12)) {
      const creds = await fed
        .getCredentials(provider, { source: await tokenOf(other) })
        .catch((e: unknown) => e);
      expect(creds).not.toBeInstanceOf(Error);
    }
    expect(proxies[cloud]!.requests - before).toBe(5);
  });
});
