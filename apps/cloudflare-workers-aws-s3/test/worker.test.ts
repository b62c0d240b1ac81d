/// <reference types="node" />
/**
 * The Cloudflare Workers sample in workerd (miniflare 4), against the emulated clouds:
 * - with `oidc_tokens` bindings (a stub binding that behaves as documented: `getToken()` returns a newly signed
 *   JWT for the binding's one audience; ES256 by default, RS256 for the Azure binding): reads S3, reads GCS and
 *   reads a private Azure blob from Azurite with an Entra storage token; an ES256 binding for Azure is refused
 *   by Entra (RS256 only);
 * - without bindings: the Worker is its own issuer (serves its discovery and JWKS behind an https front, since
 *   Entra trusts https issuers only) and reads S3, GCS and the Azure blob.
 * The Worker's own fetches go from workerd straight to the emulator and Azurite over TLS: miniflare hands the
 * certificates of NODE_EXTRA_CA_CERTS (the test CA, set by test/global-setup.ts) to workerd's network service as
 * `trustedCertificates`, so verification stays on and nothing is proxied through Node.
 * workerd needs Node >= 22 (miniflare 4's engines): on older Node this file skips and says so.
 */
import { fileURLToPath } from "node:url";
import { type Emulator, platformsOf } from "@fedkit/emulator";
import { generateIssuerKeys } from "@fedkit/issuer";
import { cloudflareWorkersTrust } from "@fedkit/platforms/trust";
import {
  type BlobStore,
  BODY,
  type Registered,
  registerTrust,
  sampleVars,
  siteIssuerTrust,
  startBlobStore,
  startClouds,
} from "@fedkit/test-support/clouds";
import { loadTestTls } from "@fedkit/test-support/tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { httpsFront } from "../../../packages/netlify/test/azure-support.js";
import { bundleForEdge } from "../../../packages/platforms/test/bundle.js";

const NODE_MAJOR = Number(process.versions.node.split(".")[0]);
const skip = NODE_MAJOR < 22;
if (skip)
  console.warn(
    `cloudflare-workers-aws-s3: skipped, miniflare 4 (workerd) needs Node >= 22, this is ${process.version}`,
  );

const WORKER = { accountId: "acct1", workerId: "8f3c2a1e9b7d4c60", workerName: "reports" };
// The stub binding: a WorkerEntrypoint whose getToken() asks Node (MINT) for a token of its props' audience.
const STUB = `import { WorkerEntrypoint } from "cloudflare:workers";
export class OidcTokens extends WorkerEntrypoint {
  async getToken() {
    const answer = await this.env.MINT.fetch("http://mint/", { method: "POST", body: JSON.stringify(this.ctx.props) });
    if (!answer.ok) throw new Error("mint failed");
    return answer.text();
  }
}
export default { fetch: () => new Response("stub") };`;

let emulator: Emulator;
let script: string;
let registered: Registered;
let blobs: BlobStore;

const describeWorkers = skip ? describe.skip : describe;

beforeAll(async () => {
  if (skip) return;
  emulator = await startClouds();
  blobs = await startBlobStore(emulator);
  script = await bundleForEdge(fileURLToPath(new URL("../src/index.ts", import.meta.url)));
  const issuer = platformsOf(emulator).issuer("cloudflare-workers", WORKER.accountId);
  registered = registerTrust(
    emulator,
    cloudflareWorkersTrust({ issuer, subject: `worker:${WORKER.workerId}`, algorithm: "RS256" }),
  );
}, 120_000);
afterAll(async () => {
  await blobs?.azurite.stop();
  await emulator?.stop();
});

type MiniflareT = import("miniflare").Miniflare;

async function freePort(): Promise<number> {
  const { createServer } = await import("node:net");
  const server = createServer();
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const { port } = server.address() as { port: number };
  await new Promise((ok) => server.close(ok));
  return port;
}

async function startWorker(options: {
  bindings: boolean;
  azureAlg?: "ES256" | "RS256";
  extraVars?: Record<string, string>;
  port?: number;
  siteUrl?: string;
  trust?: Registered;
}): Promise<MiniflareT> {
  const { Miniflare } = await import("miniflare");
  const trust = options.trust ?? registered;
  const gcpAudience = `https:${trust.gcpProvider}`;
  const stub = (audience: string, alg?: string) => ({
    name: "oidc-stub",
    entrypoint: "OidcTokens",
    props: { audience, ...(alg ? { alg } : {}) },
  });
  const mf = new Miniflare({
    ...(options.port ? { host: "127.0.0.1", port: options.port } : {}),
    workers: [
      {
        name: "reports",
        modules: true,
        script,
        compatibilityDate: "2026-07-01",
        bindings: {
          SITE_URL: options.siteUrl ?? "http://127.0.0.1",
          SITE_ID: "reports-worker",
          ...sampleVars(emulator, trust, blobs),
          ...options.extraVars,
        },
        serviceBindings: options.bindings
          ? {
              AWS_TOKEN: stub("sts.amazonaws.com"),
              GCP_TOKEN: stub(gcpAudience),
              AZURE_TOKEN: stub("api://AzureADTokenExchange", options.azureAlg ?? "RS256"),
            }
          : {},
      },
      {
        name: "oidc-stub",
        modules: true,
        script: STUB,
        compatibilityDate: "2026-07-01",
        serviceBindings: {
          MINT: async (request: { json(): Promise<unknown> }) => {
            const { audience, alg } = (await request.json()) as { audience: string; alg?: "ES256" | "RS256" };
            const token = await platformsOf(emulator).mint("cloudflare-workers", WORKER, {
              audience,
              ...(alg ? { alg } : {}),
            });
            return new Response(token) as never;
          },
        },
      },
    ],
  });
  await mf.ready;
  return mf;
}

describeWorkers("Cloudflare Workers sample in workerd", () => {
  it("with oidc_tokens bindings: reads S3, reads GCS and reads the Azure blob", async () => {
    const mf = await startWorker({ bindings: true });
    try {
      const report = await mf.dispatchFetch("http://reports.example/report");
      expect(report.status).toBe(200);
      expect(await report.text()).toBe(BODY);
      const gcs = await mf.dispatchFetch("http://reports.example/gcs");
      expect(await gcs.text()).toBe(BODY);
      const azure = await mf.dispatchFetch("http://reports.example/azure");
      expect(azure.status).toBe(200);
      expect(await azure.text()).toBe(blobs.body);
    } finally {
      await mf.dispose();
    }
  });

  it("an ES256 binding (the default) is refused by Entra, which accepts RS256 only", async () => {
    const mf = await startWorker({ bindings: true, azureAlg: "ES256" });
    try {
      const azure = await mf.dispatchFetch("http://reports.example/azure");
      expect(azure.status).not.toBe(200);
      expect(await azure.text()).not.toContain(blobs.body);
    } finally {
      await mf.dispose();
    }
  });

  it("without bindings: the Worker is its own issuer, serves discovery and JWKS, and reads S3, GCS and the blob", async () => {
    const production = await generateIssuerKeys({ context: "production" });
    const port = await freePort();
    // Entra fetches discovery from https issuers only: an https front (the test CA) before the Worker's http port,
    // as Cloudflare's edge terminates TLS before a deployed Worker.
    const front = await httpsFront(await loadTestTls(), () => `http://127.0.0.1:${port}`);
    const issuer = `${front.url}/oidc/production`;
    const subject = "site:reports-worker:context:production:function:worker";
    // What a user applies for the Worker's own issuer: exact subject, one GCP pool for this Worker.
    const own = registerTrust(emulator, siteIssuerTrust(issuer, subject, "shared"));
    const mf = await startWorker({
      bindings: false,
      port,
      siteUrl: front.url,
      trust: own,
      extraVars: { FEDKIT_ISSUER_KEYS: production.secret },
    });
    try {
      const discovery = await fetch(`${issuer}/.well-known/openid-configuration`);
      expect(await discovery.json()).toMatchObject({ issuer, jwks_uri: `${issuer}/.well-known/jwks.json` });
      const jwks = (await (await fetch(`${issuer}/.well-known/jwks.json`)).json()) as {
        keys: Record<string, unknown>[];
      };
      expect(jwks.keys.length).toBeGreaterThan(0);
      expect(jwks.keys.every((key) => key.d === undefined)).toBe(true);
      const report = await fetch(`${front.url}/report`);
      expect(await report.text()).toBe(BODY);
      const gcs = await fetch(`${front.url}/gcs`);
      expect(await gcs.text()).toBe(BODY);
      const blob = await fetch(`${front.url}/azure`);
      expect(blob.status).toBe(200);
      expect(await blob.text()).toBe(blobs.body);
    } finally {
      await mf.dispose();
      await front.close();
    }
  });
});
