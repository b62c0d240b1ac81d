/// <reference types="node" />
/**
 * The Deno Deploy sample in real Deno (the `deno` binary from npm) against the emulated clouds: its tokens come
 * from a getIdToken stand-in (jsr:@deno/oidc works only on Deno Deploy) that returns Deno-Deploy-shaped tokens
 * from the emulated issuer; the trust is `denoDeployTrust`'s. Reads S3 and GCS as production; a preview
 * context's tokens are refused. Runs the BUILT packages (dist), like a deployed isolate.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Emulator, platformsOf } from "@fedkit/emulator";
import { denoDeployTrust } from "@fedkit/platforms";
import {
  BODY,
  BUCKET,
  OBJECT,
  type Registered,
  registerTrust,
  SERVICE_ACCOUNT,
  startClouds,
} from "@fedkit/test-support/clouds";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const app = fileURLToPath(new URL("..", import.meta.url));
const root = join(app, "..", "..");
const built = ["core", "aws", "gcp", "issuer", "platforms"].every((p) =>
  existsSync(join(root, "packages", p, "dist", "index.js")),
);
const deno = join(dirname(createRequire(join(app, "package.json")).resolve("deno/package.json")), "deno");
const revision = {
  orgSlug: "acme",
  orgId: "o1",
  appSlug: "reports",
  appId: "a1",
  contextName: "production",
  contextId: "c1",
};

let emulator: Emulator;
let registered: Registered;
let mint: Server;
let context = "production";

beforeAll(async () => {
  if (!built) return;
  emulator = await startClouds();
  registered = registerTrust(
    emulator,
    denoDeployTrust({
      org: "acme",
      app: "reports",
      appId: "a1",
      context: "production",
      issuer: platformsOf(emulator).issuer("deno-deploy"),
    }),
  );
  mint = createServer(async (req, res) => {
    let audience = "";
    for await (const chunk of req) audience += chunk;
    res.end(
      await platformsOf(emulator).mint("deno-deploy", { ...revision, contextName: context }, { audience }),
    );
  });
  await new Promise<void>((ok) => mint.listen(0, "127.0.0.1", ok));
});
afterAll(async () => {
  mint?.close();
  await emulator?.stop();
});

async function startApp(): Promise<{ url: string; child: ChildProcess }> {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const child = spawn(deno, ["run", "--no-lock", "--allow-net", "--allow-env", "--allow-read", "main.ts"], {
    cwd: app,
    env: {
      ...process.env,
      PORT: String(port),
      FEDKIT_TOKEN_URL: `http://127.0.0.1:${(mint.address() as { port: number }).port}/`,
      REPORTS_ROLE_ARN: registered.roleArn,
      REPORTS_OBJECT_URL: `${emulator.urls.s3}/${BUCKET}/${OBJECT}`,
      GCP_PROVIDER: registered.gcpProvider,
      GCP_SERVICE_ACCOUNT: SERVICE_ACCOUNT,
      GCS_OBJECT_URL: `${emulator.urls.gcs}/storage/v1/b/${BUCKET}/o/${encodeURIComponent(OBJECT)}?alt=media`,
      FEDKIT_AWS_STS_ENDPOINT: emulator.urls.sts,
      FEDKIT_GCP_STS_ENDPOINT: emulator.urls.gcpSts!,
      FEDKIT_GCP_IAM_CREDENTIALS_ENDPOINT: emulator.urls.iamCredentials!,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  await new Promise<void>((ok, fail) => {
    const seen = (chunk: Buffer) => {
      output += chunk;
      if (output.includes("Listening on")) ok();
    };
    child.stdout!.on("data", seen);
    child.stderr!.on("data", seen);
    child.once("exit", (code) => fail(new Error(`deno exited ${code}: ${output}`)));
  });
  return { url: `http://127.0.0.1:${port}`, child };
}

describe.skipIf(!built)("Deno Deploy sample in Deno (needs a build: packages/*/dist)", () => {
  it("reads S3 and GCS with getIdToken tokens; a preview context's tokens are refused", async () => {
    context = "production";
    const { url, child } = await startApp();
    try {
      expect(await (await fetch(`${url}/report`)).text()).toBe(BODY);
      expect(await (await fetch(`${url}/gcs`)).text()).toBe(BODY);
    } finally {
      child.kill();
    }
    // A fresh isolate of a preview deployment: its tokens carry deployment:acme/reports/preview.
    context = "preview";
    const preview = await startApp();
    try {
      const refused = await fetch(`${preview.url}/report`);
      expect(refused.status).toBe(502);
      expect(await refused.json()).toEqual({ error: { code: "access_denied" } });
      const gcs = await fetch(`${preview.url}/gcs`);
      expect(gcs.status).toBe(502);
    } finally {
      preview.child.kill();
    }
  }, 60_000);
});
