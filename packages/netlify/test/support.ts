/// <reference types="node" />
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The sample site, relative to this file. */
export const SAMPLE_DIR = fileURLToPath(new URL("../../../apps/netlify-aws-s3/", import.meta.url));
export const SITE_ID = "5b0c2a71-1c3e-4d6b-9a51-0f7a2f1e9c11";
export const BUCKET = "fedkit-reports";
export const OBJECT_KEY = "reports/latest.csv";
export const OBJECT_BODY = "quarter,revenue\nQ1,1200\nQ2,1350\n";
export const ROLE_NAME = "netlify-reports-reader";

/** The edge runtime imports the built packages (Deno resolves `@fedkit/netlify` to dist/). */
export function builtPackagesPresent(): boolean {
  return ["core", "aws", "netlify"].every((name) =>
    existsSync(fileURLToPath(new URL(`../../${name}/dist/index.js`, import.meta.url))),
  );
}

/** Read-only access to the sample's objects. */
export const READ_POLICY = {
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: `arn:aws:s3:::${BUCKET}/reports/*` }],
};
