// Shared by the parts of `npm run demo` (scripts/demo.mjs for AWS, scripts/demo/gcp.mjs, scripts/demo/azure.mjs, scripts/demo/llm.mjs):
// loading the built packages and a sample, printing checks, collecting and printing the site's audit lines.
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/** The repository root. */
export const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

// Resolve the built packages the way the sample site would (through the netlify package's dependencies).
const requireFromNetlify = createRequire(join(root, "packages", "netlify", "package.json"));

/** Imports a built package (`@fedkit/...` resolves to its dist/). */
export const load = (name) => import(pathToFileURL(requireFromNetlify.resolve(name)).href);

/**
 * The built `@fedkit/cli`, for `registerTrustInEmulator`: the demo registers trust in the emulator with the same
 * code as `fedkit dev` (the CLI is not a dependency of the netlify package, so it is loaded by path).
 */
export const loadCli = () => import(pathToFileURL(join(root, "packages", "cli", "dist", "index.js")).href);

/** A sample app's directory and its `netlify/fedkit.config.js` default export. */
export async function loadSample(app) {
  const sampleDir = join(root, "apps", app);
  const { default: sampleConfig } = await import(
    pathToFileURL(join(sampleDir, "netlify", "fedkit.config.js")).href
  );
  return { sampleDir, sampleConfig };
}

const color = (code) => (text) => (process.stdout.isTTY ? `\x1b[${code}m${text}\x1b[0m` : text);
export const [green, red, dim, bold] = [color(32), color(31), color(2), color(1)];

/** A list of step verdicts: `check()` prints one with its detail, `ok()` says whether all passed. */
export function checks() {
  const results = [];
  return {
    results,
    check(label, ok, detail = "") {
      results.push(ok);
      console.log(`${ok ? green("✔") : red("✖")} ${label}${detail ? dim(`  ${detail}`) : ""}`);
    },
    ok: () => results.length > 0 && results.every(Boolean),
  };
}

/**
 * Collects the fedkit audit lines (JSON) of a local site's output; other lines are shown only when serving.
 * `lines` holds the JSON; pass `output` to serveLocalSite.
 */
export function auditCollector(serve) {
  const lines = [];
  return {
    lines,
    output(line) {
      const json = line.slice(line.indexOf("{"));
      if (json.includes('"source":"fedkit"')) lines.push(json);
      else if (serve) console.log(dim(line));
    },
  };
}

/** The issuer variables every sample reads: production signs, deploy-preview's public key is published. */
export function issuerEnv(siteUrl, siteId, production, preview) {
  return {
    FEDKIT_CONTEXT: "production",
    FEDKIT_SITE_URL: siteUrl,
    FEDKIT_SITE_ID: siteId,
    FEDKIT_ISSUER_KEYS: production.secret,
    FEDKIT_ISSUER_PUBLIC_KEYS: JSON.stringify({ "deploy-preview": { keys: [preview.publicJwk] } }),
  };
}

/** Waits for the site's last lines, prints the audit lines under `heading` and returns them parsed. */
export async function printAudit(lines, heading) {
  await new Promise((r) => setTimeout(r, 300));
  console.log(bold(`\n${heading}`));
  for (const line of lines) console.log(dim(line));
  return lines.map((l) => JSON.parse(l));
}

/** Resolves on Ctrl-C (`--serve` keeps everything running until then). */
export const untilInterrupted = () => new Promise((resolve) => process.once("SIGINT", resolve));
