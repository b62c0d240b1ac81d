// Deno runtime tests over the BUILT packages (dist/): what an edge isolate actually runs. Run by
// scripts/deno-test.mjs with `deno test --allow-net=127.0.0.1 --allow-env --allow-read --allow-run`.

import { awsFetch, awsProvider } from "@fedkit/aws";
import { createFederation, FederationError, staticToken, verifySubjectToken } from "@fedkit/core";
import { memoryAudit } from "@fedkit/core/audit";
import {
  createSiteIssuer,
  type FedkitConfig,
  generateIssuerKeys,
  importIssuerKeySet,
  issuerRoutes,
  withFedkit,
} from "../dist/index.js";
import { loopbackConfig } from "./loopback-config.ts";

function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

const SITE = "5b0c2a71-1c3e-4d6b-9a51-0f7a2f1e9c11";
const STS_XML = `<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleWithWebIdentityResult><Credentials><AccessKeyId>ASIAEXAMPLEKEY000001</AccessKeyId><SecretAccessKey>secret</SecretAccessKey><SessionToken>session-token</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials><AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/r/s</Arn><AssumedRoleId>AROA:s</AssumedRoleId></AssumedRoleUser></AssumeRoleWithWebIdentityResult><ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></AssumeRoleWithWebIdentityResponse>`;

/** A stand-in for STS and S3 on loopback that records what reached it. */
function fakeAws() {
  const seen: { sts: URLSearchParams[]; s3: Headers[] } = { sts: [], s3: [] };
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (request) => {
    if (request.method === "POST") {
      seen.sts.push(new URLSearchParams(await request.text()));
      return new Response(STS_XML, { headers: { "content-type": "text/xml" } });
    }
    seen.s3.push(request.headers);
    return new Response("object body", { headers: { "content-type": "text/csv" } });
  });
  const origin = `http://127.0.0.1:${server.addr.port}`;
  return { origin, seen, stop: () => server.shutdown() };
}

Deno.test("site issuer: mints RS256 with a non-extractable key; core verifies it against the JWKS", async () => {
  const { secret } = await generateIssuerKeys({ context: "production" });
  const keys = await importIssuerKeySet(secret);
  assert(keys.signingKey.key.extractable === false, "signing key must be non-extractable");
  const issuer = createSiteIssuer({
    siteUrl: "https://site.example",
    siteId: SITE,
    context: "production",
    keys,
  });
  const token = await issuer.mint({ audience: "sts.amazonaws.com", functionName: "report" });
  const verified = await verifySubjectToken(token.raw, {
    jwks: { keys: keys.publicKeys as never },
    issuer: "https://site.example/oidc/production",
    audience: "sts.amazonaws.com",
  });
  assert(verified.claims.sub === `site:${SITE}:context:production:function:report`, "subject grammar");
});

Deno.test("core + aws: a federation exchanges through awsProvider and awsFetch signs with the session", async () => {
  const aws = fakeAws();
  try {
    const { secret } = await generateIssuerKeys({ context: "production" });
    const issuer = createSiteIssuer({
      siteUrl: "https://site.example",
      siteId: SITE,
      context: "production",
      keys: await importIssuerKeySet(secret),
    });
    const token = await issuer.mint({ audience: "sts.amazonaws.com", functionName: "report" });
    const federation = createFederation({ source: staticToken(token), audit: memoryAudit() });
    const provider = awsProvider({
      roleArn: "arn:aws:iam::123456789012:role/r",
      region: "eu-west-1",
      endpoint: `${aws.origin}/sts`,
      allowCustomEndpoint: true,
    });
    const s3 = awsFetch(federation, provider, { service: "s3", allowedOrigins: [aws.origin] });
    const response = await s3(`${aws.origin}/bucket/key.csv`);
    assert((await response.text()) === "object body", "signed fetch reached S3");
    assert(
      aws.seen.s3[0]?.get("authorization")?.startsWith("AWS4-HMAC-SHA256 Credential=ASIAEXAMPLEKEY000001/"),
      "SigV4 header",
    );
    assert(aws.seen.s3[0]?.get("x-amz-security-token") === "session-token", "session token sent");
  } finally {
    await aws.stop();
  }
});

Deno.test("withFedkit: mapped target works, unmapped is policy_refused, missing keys is a config error", async () => {
  const aws = fakeAws();
  try {
    const { secret } = await generateIssuerKeys({ context: "production" });
    const env: Record<string, string> = { FEDKIT_ISSUER_KEYS: secret };
    const config: FedkitConfig = loopbackConfig(aws.origin, (name) => env[name]);
    const context = {
      requestId: "deno-1",
      deploy: { context: "production" },
      waitUntil: (p: Promise<unknown>) => void p,
    };
    const handler = (name: string) =>
      withFedkit({ ...config, function: name }, async (_req, fedkit) => {
        const s3 = fedkit.client<(u: string) => Promise<Response>>("reports");
        return s3(`${aws.origin}/bucket/key.csv`);
      });
    const ok = await handler("report")(new Request("https://site.example/report"), context);
    assert(ok.status === 200 && (await ok.text()) === "object body", "mapped function streams the object");
    assert(aws.seen.sts[0]?.get("Action") === "AssumeRoleWithWebIdentity", "exchanged at STS");
    const refused = await handler("other")(new Request("https://site.example/other"), context);
    const body = await refused.json();
    assert(
      refused.status === 403 && body.error.code === "policy_refused" && body.error.requestId === "deno-1",
      "refused",
    );
    const missing = await withFedkit(
      { ...config, runtime: { env: () => undefined }, function: "report" },
      () => new Response(),
    )(new Request("https://site.example/report"), context);
    assert(
      missing.status === 500 && (await missing.json()).error.code === "config",
      "config error, not a crash",
    );
  } finally {
    await aws.stop();
  }
});

Deno.test("deno run: a script that served a request through withFedkit exits once its work is done", async () => {
  // fedkit's request deadlines share timers that cannot be cancelled (AbortSignal.timeout), and Deno holds a
  // process while such a timer is listened to: a script once stayed alive until the 8 s deadline after its
  // request was served. The child must exit well before that deadline.
  const aws = fakeAws();
  try {
    const { secret } = await generateIssuerKeys({ context: "production" });
    const started = performance.now();
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--no-lock",
        "--no-check",
        "--allow-net=127.0.0.1",
        "--allow-env",
        "--allow-read",
        new URL("./one-request.ts", import.meta.url).pathname,
        aws.origin,
      ],
      env: { FEDKIT_ISSUER_KEYS: secret },
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    // A child that hangs is stopped after 20 s, so the assertion below fails instead of the suite stalling.
    const stop = setTimeout(() => child.kill("SIGKILL"), 20_000);
    const output = await child.output();
    clearTimeout(stop);
    const seconds = (performance.now() - started) / 1000;
    const printed = new TextDecoder().decode(output.stdout).trim();
    assert(
      output.success && printed === "200 object body",
      `child served the request: ${printed} ${new TextDecoder().decode(output.stderr)}`,
    );
    assert(aws.seen.sts.length === 1 && aws.seen.s3.length === 1, "one exchange and one signed GET");
    assert(seconds < 4, `the child exited ${seconds.toFixed(1)} s after it started; the deadline is 8 s`);
  } finally {
    await aws.stop();
  }
});

Deno.test("issuerRoutes: discovery and JWKS of the running context, public keys only", async () => {
  const { secret } = await generateIssuerKeys({ context: "production" });
  const routes = issuerRoutes({
    siteId: SITE,
    siteUrl: "https://site.example",
    targets: {},
    functions: {},
    runtime: { env: (name) => (name === "FEDKIT_ISSUER_KEYS" ? secret : undefined) },
  });
  const ctx = { deploy: { context: "production" } };
  const discovery = await (
    await routes(new Request("https://evil.example/oidc/production/.well-known/openid-configuration"), ctx)
  ).json();
  assert(discovery.issuer === "https://site.example/oidc/production", "issuer from config, never from Host");
  const jwks = await (
    await routes(new Request("https://site.example/oidc/production/.well-known/jwks.json"), ctx)
  ).json();
  assert(jwks.keys.length === 1 && jwks.keys[0].d === undefined, "public key only");
  assert(!(new FederationError("config", "x") instanceof TypeError), "core error class loads");
});
