/**
 * Where a signed request may go. A SigV4 request carries the session token and a signature bound to the host,
 * so the leak risk is smaller than a bearer's, but the same rule holds: AWS's own service hosts only, nothing a
 * customer runs under an AWS name, and the host must be the service and region being signed for. Any other origin
 * (the emulator on loopback, a proxy) is the caller's explicit `allowedOrigins` opt-in. STS keeps its narrower
 * table in `sts-hosts.ts`.
 *
 * @packageDocumentation
 */
import { memoPerArray } from "@fedkit/core/provider";
import { awsError } from "./errors.js";
import { isRegionShaped } from "./partition.js";
import { regionHint } from "./s3-region.js";

/**
 * AWS service hosts per partition (regional, dual-stack and FIPS endpoints, virtual-hosted S3 buckets, VPC
 * endpoints). `aws-us-gov` shares the commercial suffixes.
 * @public
 */
export const AWS_SERVICE_HOSTS: {
  readonly aws: readonly string[];
  readonly "aws-cn": readonly string[];
} = /* @__PURE__ */ Object.freeze({
  aws: /* @__PURE__ */ Object.freeze(["*.amazonaws.com", "*.api.aws"]),
  "aws-cn": /* @__PURE__ */ Object.freeze(["*.amazonaws.com.cn", "*.api.amazonwebservices.com.cn"]),
});

/** Every partition's service hosts. @internal */
export const OFFICIAL_SERVICE_HOSTS: readonly string[] = /* @__PURE__ */ Object.values(
  AWS_SERVICE_HOSTS,
).flat();

/** The labels in front of one of {@link AWS_SERVICE_HOSTS}' suffixes. */
const UNDER_SUFFIX = /^(.+)\.(?:amazonaws\.com(?:\.cn)?|api\.aws|api\.amazonwebservices\.com\.cn)$/;
/**
 * EC2 instances' public DNS names and load balancers (which forward headers to their targets): somebody's own
 * code under an AWS name. Application and Classic load balancers end `<region>.elb.<suffix>`, Network Load
 * Balancers `elb.<region>.<suffix>` (the optional label; no AWS API is named `compute.<label>` or `elb.<label>`).
 * S3 website endpoints and PrivateLink endpoint services are told by their label below.
 */
const CUSTOMER_HOST =
  /\.(?:compute|elb)(?:\.[a-z\d-]+)?\.amazonaws\.com(?:\.cn)?$|\.compute-1\.amazonaws\.com$/;
/** `s3-eu-west-1`, `s3-website-eu-west-1`, `s3-fips-us-east-1`: the legacy dash-region S3 labels. */
const LEGACY_S3 = /^(s3(?:-website|-fips)?)-([a-z]{2}(?:-[a-z]+)+-\d{1,2})$/;

/**
 * Known endpoint labels and their signing names, `label[,label...]=name[,name...]` (most labels are their own
 * signing name, written alone): signing for another service at a known label is a contradiction.
 */
const SIGNING_NAMES: ReadonlyMap<string, readonly string[]> = /* @__PURE__ */ new Map(
  /* @__PURE__ */ (
    "s3,s3-fips,s3-accesspoint,s3-accesspoint-fips,s3-control,s3-control-fips=s3 s3-object-lambda " +
    "appsync-api,appsync-realtime-api=appsync email,email-fips=ses iot=iot,iotdata " +
    "bedrock-runtime,bedrock-agent-runtime=bedrock dynamodb,dynamodb-fips=dynamodb execute-api sqs sns lambda " +
    "kms secretsmanager ssm sts iam states events logs monitoring kinesis firehose ecr es aoss sagemaker athena " +
    "glue cognito-idp"
  )
    .split(" ")
    .flatMap((row) => {
      const [labels = "", names = labels] = row.split("=");
      return labels.split(",").map((label) => [label, names.split(",")] as const);
    }),
);

/**
 * Why a request signed for `service` may not go to `url`, or `undefined` (hosts outside AWS's suffixes are left to
 * the official-host check): a customer-controlled name (EC2,
 * load balancer, S3 website, PrivateLink endpoint service), or an endpoint whose service label contradicts
 * `service`. Unknown labels pass: AWS refuses a signature for the wrong service, and new services appear.
 * With `region`, a host naming another region is a `config` error (a signature for one region is refused by
 * another); global endpoints name none.
 * @throws FederationError `config` for a host of another region.
 * @internal
 */
export function awsHostRefusal(url: URL, service: string, region?: string): string | undefined {
  const host = url.hostname.toLowerCase().replace(/\.$/, "");
  if (CUSTOMER_HOST.test(host)) return "it is an EC2 instance or load balancer name";
  // `<...>.<label>[.dualstack].<region>[.vpce].<suffix>`, S3's legacy `<...>.s3-<region>.<suffix>` and
  // `s3-external-1`, or a global `<...>.<label>.<suffix>` (no region named).
  const labels = UNDER_SUFFIX.exec(host)?.[1]?.split(".") ?? [];
  if (labels.at(-1) === "vpce") labels.pop();
  const last = labels.pop() ?? "";
  const legacy = LEGACY_S3.exec(last);
  let label: string | undefined = legacy ? (legacy[1] === "s3-website" ? "s3-website" : "s3") : last;
  let named = legacy?.[2];
  if (isRegionShaped(last)) {
    named = last;
    if (labels.at(-1) === "dualstack") labels.pop();
    label = labels.pop();
  } else if (last === "s3-external-1") [label, named] = ["s3", "us-east-1"];
  if (!label) return undefined;
  if (label === "s3-website") return "it is an S3 website endpoint, not the S3 API";
  if (label.startsWith("vpce-svc-")) return "it is a PrivateLink endpoint service run by a customer";
  const names = SIGNING_NAMES.get(label);
  if (names && !names.includes(service))
    return `it is a ${names.join("/")} endpoint, but the request is signed for "${service}"`;
  if (region && named && named !== region) {
    throw awsError(
      "config",
      `awsFetch: ${url.host} is in region ${named}, not ${region}.`,
      regionHint(named, region),
    );
  }
  return undefined;
}

/**
 * Validates `awsFetch`'s `allowedOrigins` option: each entry an `http(s)` origin without path, query or user info.
 * @throws TypeError naming the bad entry.
 * @internal
 */
export function checkAllowedOrigins(origins: readonly string[] | undefined): readonly string[] {
  if (origins === undefined) return NONE;
  if (!Array.isArray(origins)) throw new TypeError("awsFetch: allowedOrigins must be an array of origins");
  return checkedOrigins(origins);
}

const NONE: readonly string[] = Object.freeze([]);

// Checked once per array, and again when its items change (memoPerArray compares them on each call; an array that
// throws throws on every call): a client made per request (`withFedkit`'s `fedkit.client()`) is handed its target's
// array every time. The checked array is frozen, and is itself the key under which core keeps the parsed origins,
// so neither is recomputed.
const checkedOrigins = memoPerArray((origins: readonly unknown[]) =>
  Object.freeze(
    origins.map((origin) => {
      const url = typeof origin === "string" && URL.canParse(origin) ? new URL(origin) : undefined;
      // An origin serialises back to itself plus "/": no user info, path, query or fragment.
      if (!url || !/^https?:$/.test(url.protocol) || url.href !== `${url.origin}/`) {
        throw new TypeError(
          `awsFetch: allowedOrigins entry ${JSON.stringify(origin)} is not an origin like "http://127.0.0.1:4566"`,
        );
      }
      return url.origin;
    }),
  ),
);
