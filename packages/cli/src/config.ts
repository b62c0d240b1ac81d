/**
 * Loading the user's fedkit config the way the runtime sees it: the module at `--config` (default
 * `netlify/fedkit.config.js` under the working directory), its default export, with the site URL the runtime
 * would use (`--site-url`, else `FEDKIT_SITE_URL`, else the config's `siteUrl`).
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { type CliIo, refusal, usageError } from "./io.js";
import type { FedkitConfig } from "./issuer-api.js";

/** The default config path, relative to the working directory. @internal */
export const DEFAULT_CONFIG = "netlify/fedkit.config.js";

/** Loads the config module and applies the runtime's site URL. @internal */
export async function loadConfig(
  io: CliIo,
  path: string | undefined,
  siteUrl: string | undefined,
): Promise<FedkitConfig> {
  const file = resolve(io.cwd, path ?? DEFAULT_CONFIG);
  if (!existsSync(file)) {
    throw usageError(
      `No fedkit config at ${file}.`,
      `Run in the site's folder or pass --config <path to fedkit.config.js>.`,
    );
  }
  const module = (await import(pathToFileURL(file).href)) as { default?: FedkitConfig };
  const config = module.default;
  if (typeof config !== "object" || config === null || typeof config.targets !== "object") {
    throw refusal(`${file} has no default export with \`targets\`.`, "Export the config object as default.");
  }
  const url = siteUrl ?? io.env["FEDKIT_SITE_URL"] ?? config.siteUrl;
  return { ...config, siteUrl: url };
}

/** Values that only the samples use: trust generated with them would trust, or name, someone else's resources. */
export const SAMPLE_PLACEHOLDERS: readonly { readonly value: string; readonly what: string }[] = [
  { value: "123456789012", what: "the documentation AWS account id / GCP project number" },
  { value: "5b0c2a71-1c3e-4d6b-9a51-0f7a2f1e9c11", what: "the samples' Netlify site id" },
  { value: "fedkit-reports.netlify.app", what: "the samples' site domain" },
  { value: "97e0a5b7-d745-40b6-94fe-5f77d35c6e05", what: "the Azure sample's app (client) id" },
  { value: "72f988bf-86f1-41af-91ab-2d7cd011db47", what: "the Azure sample's tenant id (Microsoft's own)" },
  { value: "example.com", what: "a documentation domain" },
];

/** Refuses trust output that carries a sample placeholder, naming each one found. @internal */
export function checkPlaceholders(output: string): void {
  const found = SAMPLE_PLACEHOLDERS.filter((p) => output.includes(p.value));
  if (found.length === 0) return;
  throw refusal(
    `The trust names sample placeholders: ${found.map((p) => `${p.value} (${p.what})`).join("; ")}.`,
    "Set your own values (FEDKIT_SITE_ID, FEDKIT_SITE_URL, the target's ids, in the config or its env vars), or pass --allow-placeholders to print it anyway.",
  );
}
