// What each sample site's deployed code runs when it works: the three samples (apps/*, bundled as
// samples.bench.mjs deploys them, with source maps beside the chunks) serve two requests each in a fresh Deno
// isolate under V8's precise coverage (`deno run --coverage`): the first request mints a token, exchanges it and
// sends the signed or bearer request; the second is a cache hit. The clouds are one loopback server in this Node
// process answering as STS, S3, Google STS, IAM Credentials, Cloud Storage, Entra and Blob Storage answer a
// success (formats as documented; nothing is verified: the client's path is the same either way).
// Issue 13 asks for the bytes evaluated on the success path beside each deployed size: this suite reports them,
// gzip, and splits shipped and run bytes by package. Run through `npm run bench` or, after a build,
// `node bench/success-path.bench.mjs`; writes bench/results/success-path.json.
import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import { generateIssuerKeys } from "@fedkit/netlify";
import { result, writeSuite } from "./lib/harness.mjs";
import { bundleHandler, bundleSample, SAMPLES, SAMPLES_WORK } from "./lib/sample-bundle.mjs";
import { successPath } from "./lib/success-path.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");
const work = join(SAMPLES_WORK, "success-path");
const deno = join(
  dirname(createRequire(join(root, "packages", "netlify", "package.json")).resolve("deno/package.json")),
  "deno",
);
const OBJECT_BODY = "region,total\neu,42\n";
// Real sizes: STS secrets are 40 characters, session tokens and Google/Entra access tokens about 1 KB.
const SECRET = Buffer.from("bench-secret-access-key-bench-secr").toString("base64").slice(0, 40);
const LONG_TOKEN = `ya29.${Buffer.alloc(760, 7).toString("base64")}`.slice(0, 1024);
const inAnHour = () => new Date(Date.now() + 3_600_000).toISOString();

const requests = {};
const json = (res, body) => {
  res.writeHead(200, { "content-type": "application/json; charset=utf-8" });
  res.end(JSON.stringify(body));
};
const server = createServer((req, res) => {
  req.resume();
  req.on("end", () => {
    const path = new URL(req.url, "http://x").pathname;
    const kind =
      req.method === "GET"
        ? "storage"
        : path === "/v1/token"
          ? "google-sts"
          : path.endsWith(":generateAccessToken")
            ? "iam-credentials"
            : path.endsWith("/oauth2/v2.0/token")
              ? "entra"
              : "aws-sts";
    requests[kind] = (requests[kind] ?? 0) + 1;
    if (kind === "storage") {
      res.writeHead(200, { "content-type": "text/csv", "content-length": Buffer.byteLength(OBJECT_BODY) });
      res.end(OBJECT_BODY);
    } else if (kind === "google-sts")
      json(res, {
        access_token: LONG_TOKEN,
        issued_token_type: "urn:ietf:params:oauth:token-type:access_token",
        token_type: "Bearer",
        expires_in: 3600,
      });
    else if (kind === "iam-credentials") json(res, { accessToken: LONG_TOKEN, expireTime: inAnHour() });
    else if (kind === "entra")
      json(res, { token_type: "Bearer", expires_in: 3599, ext_expires_in: 3599, access_token: LONG_TOKEN });
    else {
      res.writeHead(200, { "content-type": "text/xml" });
      res.end(
        `<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleWithWebIdentityResult><Credentials><AccessKeyId>ASIABENCH0000001</AccessKeyId><SecretAccessKey>${SECRET}</SecretAccessKey><SessionToken>${LONG_TOKEN}</SessionToken><Expiration>${inAnHour()}</Expiration></Credentials><SubjectFromWebIdentityToken>bench</SubjectFromWebIdentityToken></AssumeRoleWithWebIdentityResult><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></AssumeRoleWithWebIdentityResponse>`,
      );
    }
  });
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const origin = `http://127.0.0.1:${server.address().port}`;
const keys = await generateIssuerKeys({ context: "production" });
// Every sample's variables at once: each config reads its own (the emulator's names, as `fedkit dev` sets them).
const env = JSON.stringify({
  FEDKIT_ISSUER_KEYS: keys.secret,
  FEDKIT_SITE_ID: "5b0c2a71-1c3e-4d6b-9a51-0f7a2f1e9c11",
  SITE_URL: "https://fedkit-reports.netlify.app",
  OBJECT_BODY,
  REPORTS_BUCKET_URL: `${origin}/fedkit-reports`,
  REPORTS_ROLE_ARN: "arn:aws:iam::123456789012:role/netlify-reports-reader",
  FEDKIT_AWS_STS_ENDPOINT: `${origin}/`,
  FEDKIT_GCP_STS_ENDPOINT: `${origin}/v1/token`,
  FEDKIT_GCP_IAM_CREDENTIALS_ENDPOINT: origin,
  FEDKIT_GCS_ORIGIN: origin,
  FEDKIT_ENTRA_AUTHORITY: origin,
  FEDKIT_BLOB_ORIGIN: origin,
  BLOB_CONTAINER_URL: `${origin}/private`,
});

// Asynchronous, never spawnSync: this process's event loop serves the loopback clouds the Deno side calls.
function denoSuccessRun(moduleUrl, coverageDir) {
  return new Promise((resolve, reject) => {
    const args = ["run", "--no-lock", "--no-check", "--quiet", `--coverage=${coverageDir}`, "-A"];
    const child = spawn(deno, [...args, join(here, "deno", "runner.mjs"), "success", moduleUrl, env], {
      env: { ...process.env, DENO_DIR: join(work, "deno-dir"), NO_COLOR: "1" },
    });
    let err = "";
    child.stderr.on("data", (c) => {
      err += c;
    });
    child.once("error", reject);
    child.once("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`deno success ${moduleUrl} failed (${code}): ${err}`)),
    );
  });
}

const gzip = (bytes) => gzipSync(bytes, { level: 9 }).byteLength;
/** A success-path row's details: bytes shipped and run, their share, and both per owner (package, handler). */
const ranDetail = (ran, shippedGzip) => ({
  ranBytes: ran.ranBytes,
  shippedBytes: ran.shippedBytes,
  shippedGzip,
  ranShare: Math.round((ran.ranBytes / ran.shippedBytes) * 1000) / 1000,
  owners: Object.fromEntries(ran.owners.map((o) => [o.owner, [o.shipped, o.ran]])),
});
const jsChunks = (bundle) => bundle.outputFiles.filter((f) => f.path.endsWith(".js"));

/** Serves the success path from a source-mapped bundle under V8 coverage, and reads what of it ran. */
async function ranOf(name, mapped) {
  const coverageDir = join(work, "coverage", name);
  rmSync(coverageDir, { recursive: true, force: true });
  await denoSuccessRun(pathToFileURL(mapped.file).href, coverageDir);
  return successPath(
    coverageDir,
    jsChunks(mapped).map((f) => ({
      path: f.path,
      code: f.text,
      map: JSON.parse(mapped.outputFiles.find((m) => m.path === `${f.path}.map`).text),
    })),
  );
}

const results = [];
for (const sample of SAMPLES) {
  // The deployed chunks and the same chunks built with source maps: they must be the same bytes.
  const deployed = await bundleSample(sample);
  const mapped = await bundleSample(sample, { sourceMaps: true });
  const deployedText = jsChunks(deployed).map((f) => f.text);
  if (
    jsChunks(mapped).length !== deployedText.length ||
    jsChunks(mapped).some((f, i) => f.text !== deployedText[i])
  )
    throw new Error(`${sample.app}: the source-mapped bundle differs from the deployed one`);
  const ran = await ranOf(sample.app, mapped);
  const shippedGzip = jsChunks(deployed).reduce((sum, f) => sum + gzip(f.contents), 0);
  results.push(
    result({
      id: `success-path-${sample.cloud}-gzip`,
      label: `${sample.app} ${sample.fn}.ts: the deployed code a working request runs (import, first request, a cache hit), gzip`,
      subject: "fedkit",
      metric: "size",
      value: ran.ranGzip,
      unit: "bytes",
      reference: true,
      detail: ranDetail(ran, shippedGzip),
    }),
  );
}

// The floors beside them (bench/deno/, as the deno suite runs them): the same AWS job on jose + aws4fetch with
// none of fedkit's checks, and the least code doing it with no library, bundled as the samples are (minified,
// split, with source maps) and run the same way: the floors table of docs/benchmarks.md sets the code each side
// runs beside its first request's CPU.
const FLOORS = [
  ["jose-aws4fetch", "jose+aws4fetch (bench/deno/jose-aws4fetch-handler.mjs, none of fedkit's checks)"],
  ["least-code", "least-code (bench/deno/least-code-handler.mjs, no library, no checks)"],
];
for (const [name, who] of FLOORS) {
  const mapped = await bundleHandler(`${name}-handler`, { sourceMaps: true });
  const ran = await ranOf(name, mapped);
  results.push(
    result({
      id: `success-path-${name}-gzip`,
      label: `${who}: the code a working request runs (import, first request, a cache hit), gzip`,
      subject: name,
      metric: "size",
      value: ran.ranGzip,
      unit: "bytes",
      reference: true,
      detail: ranDetail(
        ran,
        jsChunks(mapped).reduce((sum, f) => sum + gzip(f.contents), 0),
      ),
    }),
  );
}
server.close();
writeSuite(
  "success-path",
  `What each sample's deployed chunks run on the success path (V8 precise block coverage in Deno; loopback clouds: ${Object.entries(
    requests,
  )
    .map(([kind, n]) => `${n} ${kind}`)
    .join(", ")} requests): the gzip of the code that ran, and shipped and run bytes per package.`,
  results,
);
