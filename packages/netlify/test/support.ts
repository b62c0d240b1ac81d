/// <reference types="node" />
// Shared by the sample-site tests (AWS, GCP, Azure): the AWS sample's constants, the built-packages gate, the
// offline edge bundle, the issuer env every sample reads and the fedkit audit lines of its output.
import { existsSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { generateIssuerKeys } from "@fedkit/netlify";
import { describe, it } from "vitest";
import { findDenoBin } from "../src/node/local-site.js";

/** The sample site, relative to this file. */
export const SAMPLE_DIR = fileURLToPath(new URL("../../../apps/netlify-aws-s3/", import.meta.url));
export const SITE_ID = "5b0c2a71-1c3e-4d6b-9a51-0f7a2f1e9c11";
export const BUCKET = "fedkit-reports";
export const OBJECT_KEY = "reports/latest.csv";
export const OBJECT_BODY = "quarter,revenue\nQ1,1200\nQ2,1350\n";
export const ROLE_NAME = "netlify-reports-reader";

/** The edge runtime imports the built packages (Deno resolves `@fedkit/netlify` to dist/). */
export function builtPackagesPresent(names: readonly string[] = ["core", "aws", "netlify"]): boolean {
  return names.every((name) =>
    existsSync(fileURLToPath(new URL(`../../${name}/dist/index.js`, import.meta.url))),
  );
}

/** Read-only access to the sample's objects. */
export const READ_POLICY = {
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: `arn:aws:s3:::${BUCKET}/reports/*` }],
};

/** The placeholder suite shown instead of an e2e suite when the packages are not built. */
export function skippedWithoutBuild(title: string, built: boolean): void {
  describe.skipIf(built)(title, () => {
    it.skip("needs built packages: run `npm run build` (the edge runtime imports @fedkit/netlify from dist/)", () => {});
  });
}

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
