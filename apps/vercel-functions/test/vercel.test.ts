/// <reference types="node" />
/**
 * The Vercel Functions sample against the emulated clouds (Azurite for the blob), with Vercel-shaped tokens from
 * the emulated issuer in the `x-vercel-oidc-token` header and the trust `vercelTrust` generates:
 * - Node.js runtime — STAND-IN: no Vercel runtime installs from npm, so `api/node.ts`'s `GET` is called in Node
 *   as Vercel's Node.js runtime calls a Web-standard function (a `Request` in, a `Response` out);
 * - Edge runtime — Vercel's open-source Edge Runtime (`edge-runtime` on npm, which runs Vercel Edge Functions
 *   locally under production's conditions): `api/edge.ts` bundled for the browser conditions and run in its VM
 *   (Web APIs only, no Node built-ins), its `process.env` given as Vercel gives it. edge-runtime 4.0.1 has no
 *   `AbortSignal.any`; @fedkit/core combines its signals without it there, and nothing is added to the VM.
 * In both, production reads S3, GCS and the blob; a preview deployment's token is refused by every cloud.
 * The emulator and Azurite serve TLS from the test CA (NODE_EXTRA_CA_CERTS, test/global-setup.ts).
 */
import { fileURLToPath } from "node:url";
import { type Emulator, platformsOf } from "@fedkit/emulator";
import { vercelTrust } from "@fedkit/platforms/trust";
import {
  type BlobStore,
  BODY,
  type Registered,
  registerTrust,
  sampleVars,
  startBlobStore,
  startClouds,
} from "@fedkit/test-support/clouds";
import { EdgeRuntime } from "edge-runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleForEdge } from "../../../packages/platforms/test/bundle.js";
import { GET } from "../api/node.js";

const deployment = { team: "acme", teamId: "team_1", project: "reports", projectId: "prj_1" };

let emulator: Emulator;
let blobs: BlobStore;
let registered: Registered;
let vars: Record<string, string>;
let edgeCode: string;

beforeAll(async () => {
  emulator = await startClouds();
  blobs = await startBlobStore(emulator);
  registered = registerTrust(
    emulator,
    vercelTrust({
      ...deployment,
      environment: "production",
      issuer: platformsOf(emulator).issuer("vercel", deployment.team),
    }),
  );
  vars = { VERCEL_OIDC_AUDIENCE: registered.audience!, ...sampleVars(emulator, registered, blobs) };
  // The Node.js runtime gives a function its project's variables in process.env.
  Object.assign(process.env, vars);
  edgeCode = await bundleForEdge(fileURLToPath(new URL("../api/edge.ts", import.meta.url)), {
    globalName: "edgeFunction",
  });
});
afterAll(async () => {
  for (const name of Object.keys(vars ?? {})) delete process.env[name];
  await blobs?.azurite.stop();
  await emulator?.stop();
});

/** A request as Vercel hands it to a function of the `environment` deployment: its token in the header. */
async function vercelRequest(cloud: string, environment: string): Promise<Request> {
  const token = await platformsOf(emulator).mint("vercel", { ...deployment, environment });
  return new Request(`https://reports.vercel.app/api/report?cloud=${cloud}`, {
    headers: { "x-vercel-oidc-token": token, "x-vercel-id": `iad1::${environment}-${cloud}` },
  });
}

/** Reads of the three clouds through one runtime's function, for one deployment environment. */
async function readAllThrough(
  call: (request: Request) => Promise<Response>,
  environment: string,
): Promise<Record<string, { status: number; body: string }>> {
  const reads: Record<string, { status: number; body: string }> = {};
  for (const cloud of ["aws", "gcp", "azure"]) {
    const answer = await call(await vercelRequest(cloud, environment));
    reads[cloud] = { status: answer.status, body: await answer.text() };
  }
  return reads;
}

function expectProductionReads(reads: Record<string, { status: number; body: string }>): void {
  expect(reads).toEqual({
    aws: { status: 200, body: BODY },
    gcp: { status: 200, body: BODY },
    azure: { status: 200, body: blobs.body },
  });
}

function expectPreviewRefused(reads: Record<string, { status: number; body: string }>): void {
  for (const read of Object.values(reads)) {
    expect(read.status).toBe(502);
    // The refusal names the error's code and nothing else: no token, no cloud message.
    expect(Object.keys((JSON.parse(read.body) as { error: object }).error)).toEqual(["code"]);
    expect(read.body).not.toContain(BODY);
    expect(read.body).not.toContain(blobs.body);
  }
  expect(JSON.parse(reads["aws"]!.body)).toEqual({ error: { code: "access_denied" } });
}

describe("Vercel Functions sample", () => {
  it("Node.js runtime (STAND-IN: GET called as Vercel calls it): production reads S3, GCS and the blob; preview is refused", async () => {
    expectProductionReads(await readAllThrough(GET, "production"));
    expectPreviewRefused(await readAllThrough(GET, "preview"));
  });

  /** The edge function in a fresh Edge Runtime VM, as shipped: nothing evaluated before the bundle. */
  function edgeFunction(): (request: Request) => Promise<Response> {
    const runtime = new EdgeRuntime({
      initialCode: `${edgeCode}
addEventListener("fetch", (event) => event.respondWith(edgeFunction.default(event.request)));`,
      extend: (context) => Object.assign(context, { process: { env: { ...vars } } }),
    });
    // Inside the VM there is no Node: the bundle runs on Web APIs only.
    expect(runtime.evaluate("typeof require")).toBe("undefined");
    // edge-runtime 4.0.1 lacks AbortSignal.any: the reads below run on core's fallback, not on a polyfill.
    expect(runtime.evaluate("typeof AbortSignal.any")).toBe("undefined");
    return async (request) =>
      (await runtime.dispatchFetch(request.url, {
        headers: Object.fromEntries(request.headers),
      })) as unknown as Response;
  }

  it("Edge runtime (Vercel's edge-runtime VM, which has no AbortSignal.any) as shipped: production reads S3, GCS and the blob; preview is refused", async () => {
    const call = edgeFunction();
    expectProductionReads(await readAllThrough(call, "production"));
    expectPreviewRefused(await readAllThrough(call, "preview"));
  });
});
