// The peers of the cache-hit figure, measured the way they run: S3Client's own credential provider on a hit
// (`s3.config.credentials()`, what every `send` resolves: fromWebToken wrapped by the client's identity memoizer)
// side by side with smithy's `memoize` (the bare memoizer hit-path.bench.mjs compares fedkit with), interleaved
// batch by batch in one process. Kept apart from hit-path.bench.mjs (fedkit's side) so each file has one owner;
// the goals table shows this ratio beside fedkit's.
// Run through `npm run bench` or, after a build, `node bench/hit-path-peers.bench.mjs`; writes
// bench/results/hit-path-peers.json.
import { Readable } from "node:stream";
import { S3Client } from "@aws-sdk/client-s3";
import { fromWebToken } from "@aws-sdk/credential-providers";
import { compare, ns, result, writeSuite } from "./lib/harness.mjs";
import { memoizedSdkProvider } from "./lib/memoize-peer.mjs";

process.removeAllListeners("warning"); // the SDK's Node-version notice is not a result
let stsCalls = 0;
// STS answers in-process (no network), so the first call fills the cache and every measured call is a hit.
const stsAnswer = () =>
  `<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult><Credentials><AccessKeyId>ASIABENCH0000001</AccessKeyId><SecretAccessKey>s</SecretAccessKey><SessionToken>t</SessionToken><Expiration>${new Date(Date.now() + 3_600_000).toISOString()}</Expiration></Credentials></AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>`;
const s3 = new S3Client({
  region: "eu-west-1",
  credentials: fromWebToken({
    roleArn: "arn:aws:iam::123456789012:role/reports",
    roleSessionName: "bench",
    webIdentityToken: "header.payload.signature",
    clientConfig: {
      region: "eu-west-1",
      requestHandler: {
        handle: async () => {
          stsCalls += 1;
          return {
            response: {
              statusCode: 200,
              headers: { "content-type": "text/xml" },
              body: Readable.from([Buffer.from(stsAnswer())]),
            },
          };
        },
      },
    },
  }),
});
const s3Provider = () => s3.config.credentials();
const first = await s3Provider();
if (first.accessKeyId !== "ASIABENCH0000001" || stsCalls !== 1)
  throw new Error("S3Client provider not primed");

const sdk = await memoizedSdkProvider();

const iterations = Number(process.env.ITERATIONS ?? 400);
const side = await compare(["S3Client credential provider hit", s3Provider], ["smithy memoize hit", sdk], {
  iterations,
  warmup: 20_000,
});
if (stsCalls !== 1) throw new Error(`the S3Client provider called STS ${stsCalls} times: not a hit path`);
const ratio = Math.round(side.ratioMedian * 100) / 100;
writeSuite(
  "hit-path-peers",
  "The peers of the cache hit, as they run: S3Client's credential provider (fromWebToken behind the client's identity memoizer) interleaved with smithy memoize in one process.",
  [
    result({
      id: "hit-s3client-provider",
      label: "cache hit: S3Client's credential provider (s3.config.credentials())",
      subject: "aws-sdk-v3 S3Client",
      metric: "time",
      value: ns(side.a.medianNs),
      unit: "ns",
      comparedTo: "hit-smithy-memoize",
      detail: {
        ratio,
        ratioP95: Math.round(side.ratioP95 * 100) / 100,
        samples: side.a.samples,
        batch: side.a.batch,
      },
    }),
    result({
      id: "hit-smithy-memoize",
      label: "cache hit: smithy memoize (same run)",
      subject: "smithy memoize",
      metric: "time",
      value: ns(side.b.medianNs),
      unit: "ns",
      detail: { samples: side.b.samples, batch: side.b.batch },
    }),
    result({
      id: "hit-s3client-provider-ratio",
      label: "cache hit: S3Client's credential provider / smithy memoize (same run)",
      subject: "aws-sdk-v3 S3Client",
      metric: "ratio",
      value: ratio,
      unit: "x",
      comparedTo: "smithy memoize",
      reference: true,
    }),
  ],
);
s3.destroy();
