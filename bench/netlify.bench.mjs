// @fedkit/netlify benchmarks: the sample's edge function (apps/netlify-aws-s3 report.ts: site issuer + STS +
// signed S3 GET) next to the same function written with the AWS SDK v3 (fromWebToken + S3Client): size as Netlify's
// bundler (@netlify/edge-bundler, eszip) produces it, raw and gzip. The esbuild sizes of the sample are in the
// samples suite; import and requests in Deno, fedkit's sample against the SDK's working Node build, in the deno
// suite (this file's SDK entry is only bundled, never run).
// Run through `npm run bench` (built packages); writes bench/results/netlify.json.
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { result, writeSuite } from "./lib/harness.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const sample = join(here, "..", "apps", "netlify-aws-s3", "netlify");
// Scratch space (git-ignored) inside the bench workspace, so both sites resolve packages from bench/node_modules.
const work = join(here, ".netlify", "netlify-bench");
const require = createRequire(join(here, "..", "packages", "netlify", "package.json"));
const denoDir = dirname(require.resolve("deno/package.json"));
process.env.PATH = `${denoDir}${delimiter}${process.env.PATH}`;

const SDK_ENTRY = `import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { fromWebToken } from "@aws-sdk/credential-providers";
import { createSiteIssuer, importIssuerKeySet } from "@fedkit/netlify";
import fedkit from "../fedkit.config.js";

let issuer;
export default async (request) => {
  issuer ??= createSiteIssuer({ siteUrl: fedkit.siteUrl, siteId: fedkit.siteId, context: "production",
    keys: () => importIssuerKeySet(Netlify.env.get("FEDKIT_ISSUER_KEYS")) });
  const token = await issuer.mint({ audience: "sts.amazonaws.com", functionName: "report" });
  const s3 = new S3Client({ region: "eu-west-1", credentials: fromWebToken({
    roleArn: fedkit.targets.reports.roleArn, webIdentityToken: token.raw, roleSessionName: "report" }) });
  const key = new URL(request.url).searchParams.get("key") ?? "reports/latest.csv";
  const object = await s3.send(new GetObjectCommand({ Bucket: "fedkit-reports", Key: key }));
  return new Response(object.Body.transformToWebStream(), { headers: { "cache-control": "private, no-store" } });
};
export const config = { path: "/report" };
`;

// Two one-function sites, each as Netlify would see it.
function site(name, file, source) {
  const dir = join(work, name, "netlify");
  rmSync(join(work, name), { recursive: true, force: true });
  mkdirSync(join(dir, "edge-functions"), { recursive: true });
  copyFileSync(join(sample, "fedkit.config.js"), join(dir, "fedkit.config.js"));
  writeFileSync(join(dir, "edge-functions", file), source);
  return { base: join(work, name), entry: join(dir, "edge-functions", file) };
}
const fedkitSite = site(
  "fedkit",
  "report.ts",
  readFileSync(join(sample, "edge-functions", "report.ts"), "utf8"),
);
const sdkSite = site("sdk", "report.js", SDK_ENTRY);

async function netlifyBundle({ base }) {
  const { bundle } = await import(pathToNetlify("@netlify/edge-bundler"));
  const out = join(base, "dist");
  await bundle([join(base, "netlify", "edge-functions")], out, [], {
    basePath: base,
    rootPath: here, // npm packages are looked up in node_modules between basePath and rootPath
    cacheDirectory: join(base, "cache"),
    importMapPaths: [join(here, "..", "packages", "netlify", "test", "fixtures", "offline-import-map.json")],
    onBeforeDownload: () => {
      throw new Error("offline");
    },
  });
  const eszip = readFileSync(
    join(
      out,
      readdirSync(out).find((f) => f.endsWith(".eszip")),
    ),
  );
  return { bytes: eszip.byteLength, gzipBytes: gzipSync(eszip, { level: 9 }).byteLength };
}

function pathToNetlify(name) {
  return require.resolve(name);
}

const results = [];
const fedkitEszip = await netlifyBundle(fedkitSite);
const sdkEszip = await netlifyBundle(sdkSite);
results.push(
  result({
    id: "netlify-edge-eszip-gzip-fedkit",
    label: "edge function, Netlify bundler eszip (gzip): fedkit",
    subject: "fedkit",
    metric: "eszip-gzip",
    value: fedkitEszip.gzipBytes,
    unit: "B",
    detail: { rawBytes: fedkitEszip.bytes },
  }),
  result({
    id: "netlify-edge-eszip-gzip-sdk",
    label: "edge function, Netlify bundler eszip (gzip): AWS SDK v3",
    subject: "aws-sdk-v3",
    metric: "eszip-gzip",
    value: sdkEszip.gzipBytes,
    unit: "B",
    comparedTo: "netlify-edge-eszip-gzip-fedkit",
    detail: { rawBytes: sdkEszip.bytes },
  }),
);
writeSuite(
  "netlify",
  "The sample edge function (site issuer + STS + signed S3 GET), fedkit vs the AWS SDK v3: size as Netlify's edge bundler deploys it (eszip).",
  results,
);
