/// <reference types="node" />
/**
 * The Deno Deploy sample in real Deno (the `deno` binary from npm) against the emulated clouds: its tokens come
 * from a getIdToken stand-in (jsr:@deno/oidc works only on Deno Deploy) that returns Deno-Deploy-shaped tokens
 * from the emulated issuer; the trust is `denoDeployTrust`'s. Reads S3, GCS and a private Azure blob (Azurite,
 * with an Entra storage token) as production; a preview context's tokens are refused. Runs the BUILT packages
 * (dist), like a deployed isolate. Deno trusts the test CA of the emulator and Azurite through DENO_CERT (set by
 * test/global-setup.ts); TLS verification stays on.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Emulator, platformsOf } from "@fedkit/emulator";
import { denoDeployTrust } from "@fedkit/platforms/trust";
import {
  type BlobStore,
  BODY,
  type Registered,
  registerTrust,
  sampleVars,
  startBlobStore,
  startClouds,
} from "@fedkit/test-support/clouds";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const app = fileURLToPath(new URL("..", import.meta.url));
const root = join(app, "..", "..");
const built = ["core", "aws", "gcp", "azure", "issuer", "platforms"].every((p) =>
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
let blobs: BlobStore;
let mint: Server;
let context = "production";
// Deno's page names both algorithms ("currently ES256"); the stand-in signs with the one a run chooses.
let alg: "ES256" | "RS256" = "RS256";

beforeAll(async () => {
  if (!built) return;
  emulator = await startClouds();
  blobs = await startBlobStore(emulator);
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
      await platformsOf(emulator).mint(
        "deno-deploy",
        { ...revision, contextName: context },
        { audience, alg },
      ),
    );
  });
  await new Promise<void>((ok) => mint.listen(0, "127.0.0.1", ok));
});
afterAll(async () => {
  mint?.close();
  await blobs?.azurite.stop();
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
      ...sampleVars(emulator, registered, blobs),
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

/** Runs `check` against a fresh isolate (a new Deno process: nothing cached) of the sample. */
async function withApp(check: (url: string) => Promise<void>): Promise<void> {
  const { url, child } = await startApp();
  try {
    await check(url);
  } finally {
    child.kill();
  }
}

describe.skipIf(!built)("Deno Deploy sample in Deno (needs a build: packages/*/dist)", () => {
  it("reads S3, GCS and the Azure blob with RS256 getIdToken tokens; ES256 ones are refused by Entra only; a preview context's tokens are refused everywhere", async () => {
    context = "production";
    alg = "RS256";
    await withApp(async (url) => {
      expect(await (await fetch(`${url}/report`)).text()).toBe(BODY);
      expect(await (await fetch(`${url}/gcs`)).text()).toBe(BODY);
      expect(await (await fetch(`${url}/azure`)).text()).toBe(blobs.body);
    });
    // Deno Deploy's current default, ES256: AWS and GCP accept it, Entra (RS256 only) does not.
    alg = "ES256";
    await withApp(async (url) => {
      expect(await (await fetch(`${url}/report`)).text()).toBe(BODY);
      expect(await (await fetch(`${url}/gcs`)).text()).toBe(BODY);
      const blob = await fetch(`${url}/azure`);
      expect(blob.status).toBe(502);
      expect(await blob.json()).toEqual({ error: { code: "invalid_subject_token" } });
    });
    // A fresh isolate of a preview deployment: its tokens carry deployment:acme/reports/preview.
    context = "preview";
    alg = "RS256";
    await withApp(async (url) => {
      const refused = await fetch(`${url}/report`);
      expect(refused.status).toBe(502);
      expect(await refused.json()).toEqual({ error: { code: "access_denied" } });
      const gcs = await fetch(`${url}/gcs`);
      expect(gcs.status).toBe(502);
      const blob = await fetch(`${url}/azure`);
      expect(blob.status).toBe(502);
      expect(await blob.json()).toEqual({ error: { code: "subject_mismatch" } });
    });
  }, 60_000);
});
