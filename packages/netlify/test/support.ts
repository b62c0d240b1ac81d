/// <reference types="node" />
// Shared by the sample-site tests (AWS, GCP, Azure): the AWS sample's constants, the built-packages gate, the
// offline edge bundle, the issuer env every sample reads and the fedkit audit lines of its output.
import { existsSync, mkdtempSync, readdirSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { generateIssuerKeys } from "@fedkit/netlify";
import { findDenoBin } from "../src/node/local-site.js";

/** The sample site, relative to this file. */
export const SAMPLE_DIR = fileURLToPath(new URL("../../../apps/netlify-aws-s3/", import.meta.url));
export const SITE_ID = "5b0c2a71-1c3e-4d6b-9a51-0f7a2f1e9c11";
export const BUCKET = "fedkit-reports";
export const OBJECT_KEY = "reports/latest.csv";
export const OBJECT_BODY = "quarter,revenue\nQ1,1200\nQ2,1350\n";
export const ROLE_NAME = "netlify-reports-reader";

/** Newest modification time of the files under `dir` that pass `keep` (0 when there are none). */
function newestMtime(dir: string, keep: (name: string) => boolean): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && keep(entry.name))
      newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/**
 * The edge runtime imports the built packages (Deno resolves `@fedkit/netlify` to dist/), so a suite that needs
 * them must not run on a missing or stale build, and must not skip silently either: this throws, naming the
 * package and the command, when a package's dist/ is missing or older than a source file. Returns true so call
 * sites read as a gate.
 */
export function builtPackagesPresent(names: readonly string[] = ["core", "aws", "netlify"]): true {
  const problems: string[] = [];
  for (const name of names) {
    const dir = fileURLToPath(new URL(`../../${name}/`, import.meta.url));
    if (!existsSync(join(dir, "dist", "index.js"))) {
      problems.push(`packages/${name}/dist is missing`);
      continue;
    }
    const source = newestMtime(
      join(dir, "src"),
      (file) => file.endsWith(".ts") && !file.endsWith(".test.ts"),
    );
    const built = newestMtime(join(dir, "dist"), (file) => file.endsWith(".js"));
    if (source > built) problems.push(`packages/${name}/dist is older than packages/${name}/src`);
  }
  if (problems.length > 0) {
    throw new Error(
      `${problems.join("; ")}. These tests run the built packages: run \`pnpm turbo run build\` (npm test builds first).`,
    );
  }
  return true;
}

/** Read-only access to the sample's objects. */
export const READ_POLICY = {
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: `arn:aws:s3:::${BUCKET}/reports/*` }],
};

type IssuerKeys = Awaited<ReturnType<typeof generateIssuerKeys>>;

/** The issuer variables every sample reads: production signs, deploy-preview's public key is published. */
export function sampleIssuerEnv(siteUrl: string, production: IssuerKeys, preview: IssuerKeys) {
  return {
    FEDKIT_CONTEXT: "production",
    FEDKIT_SITE_URL: siteUrl,
    FEDKIT_SITE_ID: SITE_ID,
    FEDKIT_ISSUER_KEYS: production.secret,
    FEDKIT_ISSUER_PUBLIC_KEYS: JSON.stringify({ "deploy-preview": { keys: [preview.publicJwk] } }),
  };
}

/** A fedkit audit event as a site prints it (JSON, one per line). */
export interface PrintedAuditEvent {
  readonly type?: string;
  readonly provider?: string;
  readonly correlationId?: string;
  readonly labels?: Record<string, string>;
  readonly [field: string]: unknown;
}

/** The fedkit audit events among a local site's output lines (each line: a prefix, then JSON). */
export function fedkitAudit(output: readonly string[]): PrintedAuditEvent[] {
  return output
    .map((line) => line.slice(line.indexOf("{")))
    .filter((line) => line.includes('"source":"fedkit"'))
    .map((line) => JSON.parse(line));
}

/** A fresh output directory for {@link bundleSample}. */
export function bundleOutDir(label: string): string {
  return mkdtempSync(join(tmpdir(), `fedkit-edge-bundle-${label}`));
}

/**
 * Bundles a sample's edge functions with Netlify's own bundler (@netlify/edge-bundler), offline: the npm `deno`
 * binary is put on PATH, the offline import map is used and any download is refused. Returns the bundler's
 * result and the path of the eszip it wrote (undefined when none).
 */
export async function bundleSample(sampleDir: string, out: string) {
  const { bundle } = await import("@netlify/edge-bundler");
  process.env["PATH"] = `${findDenoBin()}${delimiter}${process.env["PATH"]}`;
  const result = await bundle([join(sampleDir, "netlify", "edge-functions")], out, [], {
    basePath: sampleDir,
    cacheDirectory: join(out, "cache"),
    importMapPaths: [fileURLToPath(new URL("./fixtures/offline-import-map.json", import.meta.url))],
    onBeforeDownload: () => {
      throw new Error("offline: the bundler must use the deno from node_modules");
    },
  });
  const eszip = readdirSync(out).find((f) => f.endsWith(".eszip"));
  return { result, eszip: eszip === undefined ? undefined : join(out, eszip) };
}
