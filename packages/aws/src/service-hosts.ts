/**
 * Where a signed request may go. A SigV4 request carries the session token and a signature bound to the host,
 * so the leak risk is smaller than a bearer's, but the same rule holds: AWS's own service hosts only, nothing a
 * customer runs under an AWS name, and the host must be the service being signed for. Any other origin (the
 * emulator on loopback, a proxy) is the caller's explicit `allowedOrigins` opt-in. STS keeps its narrower
 * table in `@fedkit/core`.
 *
 * @packageDocumentation
 */
import { hostMatches } from "@fedkit/core/provider";
import { isRegionShaped } from "./partition.js";

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
export const OFFICIAL_SERVICE_HOSTS: readonly string[] = [
  ...AWS_SERVICE_HOSTS.aws,
  ...AWS_SERVICE_HOSTS["aws-cn"],
];

/**
 * Names under the official suffixes that answer with somebody's own code or content, not an AWS API: EC2
 * instances' public DNS names, load balancers (which forward headers to their targets). Refused without an
 * opt-in. S3 website endpoints and PrivateLink endpoint services are recognised by their service label below.
 */
const CUSTOMER_HOSTS: readonly string[] = [
  "*.compute.amazonaws.com",
  "*.compute-1.amazonaws.com",
  "*.elb.amazonaws.com",
  "*.compute.amazonaws.com.cn",
  "*.elb.amazonaws.com.cn",
];

const SUFFIXES = [".api.amazonwebservices.com.cn", ".amazonaws.com.cn", ".amazonaws.com", ".api.aws"];
/** `s3-eu-west-1`, `s3-website-eu-west-1`, `s3-fips-us-east-1`: the legacy dash-region S3 labels. */
const LEGACY_S3 = /^(s3(?:-website|-fips)?)-([a-z]{2}(?:-[a-z]+)+-\d{1,2})$/;

/** What the host of an AWS service URL says: the endpoint's service label and region, when it names them. */
export interface AwsHost {
  /** The endpoint prefix (`s3`, `execute-api`, `appsync-api`, `dynamodb`, `s3-website`, ...). */
  readonly label: string;
  /** The region the host names, or `undefined` for a global endpoint (`s3.amazonaws.com`, `iam.amazonaws.com`). */
  readonly region: string | undefined;
}

/**
 * Reads the service label and region of an AWS host: `<...>.<label>[.dualstack].<region>[.vpce].<suffix>`,
 * S3's legacy `<...>.s3-<region>.amazonaws.com` and `s3-external-1`, or a global `<...>.<label>.<suffix>`.
 * `undefined` when the host is not under an AWS suffix.
 * @internal
 */
export function parseAwsHost(hostname: string): AwsHost | undefined {
  const host = hostname.toLowerCase().replace(/\.$/, "");
  const suffix = SUFFIXES.find((s) => host.endsWith(s));
  if (suffix === undefined) return undefined;
  const labels = host.slice(0, -suffix.length).split(".");
  if (labels.at(-1) === "vpce") labels.pop();
  const last = labels.at(-1) ?? "";
  if (isRegionShaped(last)) {
    labels.pop();
    if (labels.at(-1) === "dualstack") labels.pop();
    const label = labels.at(-1);
    return label === undefined ? undefined : { label, region: last };
  }
  if (last === "s3-external-1") return { label: "s3", region: "us-east-1" };
  const legacy = LEGACY_S3.exec(last);
  if (legacy) return { label: legacy[1] === "s3-website" ? "s3-website" : "s3", region: legacy[2] };
  return { label: last, region: undefined };
}

/**
 * Known endpoint labels and their signing names (most are their own): signing for another service at a known
 * label is a contradiction.
 */
const SIGNING_NAMES: ReadonlyMap<string, readonly string[]> = /* @__PURE__ */ signingNames([
  ["s3", "s3-fips s3-accesspoint s3-accesspoint-fips s3-control s3-control-fips"],
  ["s3-object-lambda", "s3-object-lambda"],
  ["appsync", "appsync-api appsync-realtime-api"],
  ["ses", "email email-fips"],
  ["iot iotdata", "iot"],
  ["bedrock", "bedrock-runtime bedrock-agent-runtime"],
  ["dynamodb", "dynamodb-fips"],
  // Labels that are their own signing name.
  [
    "",
    "s3 execute-api dynamodb sqs sns lambda kms secretsmanager ssm sts iam states events logs monitoring " +
      "kinesis firehose ecr es aoss sagemaker athena glue cognito-idp",
  ],
]);

/** `[signing names or "" for the label itself, labels]` rows, space-separated, as a map by label. */
function signingNames(rows: readonly (readonly [string, string])[]): Map<string, readonly string[]> {
  const map = new Map<string, readonly string[]>();
  for (const [names, labels] of rows)
    for (const label of labels.split(" ")) map.set(label, names ? names.split(" ") : [label]);
  return map;
}

/**
 * Why a request signed for `service` may not go to `url`, or `undefined`: a customer-controlled name (EC2,
 * load balancer, S3 website, PrivateLink endpoint service), or an endpoint whose service label contradicts
 * `service`. Unknown labels pass: AWS refuses a signature for the wrong service, and new services appear.
 * @internal
 */
export function awsHostRefusal(url: URL, service: string): string | undefined {
  const host = url.hostname.toLowerCase().replace(/\.$/, "");
  if (CUSTOMER_HOSTS.some((pattern) => hostMatches(host, pattern))) {
    return "it is an EC2 instance or load balancer name, not an AWS service endpoint";
  }
  const parsed = parseAwsHost(host);
  if (parsed === undefined) return undefined;
  if (parsed.label === "s3-website") return "it is an S3 website endpoint (public content), not the S3 API";
  if (parsed.label.startsWith("vpce-svc-")) return "it is a PrivateLink endpoint service run by a customer";
  const names = SIGNING_NAMES.get(parsed.label);
  if (names === undefined || names.includes(service)) return undefined;
  return `it is a ${names.join("/")} endpoint, but the request is signed for "${service}"`;
}

/**
 * Validates an `allowedOrigins` option: each entry an `http(s)` origin without path, query or user info.
 * @throws TypeError naming the bad entry.
 * @internal
 */
export function checkAllowedOrigins(
  origins: readonly string[] | undefined,
  where: string,
): readonly string[] {
  if (origins === undefined) return [];
  if (!Array.isArray(origins)) throw new TypeError(`${where}: allowedOrigins must be an array of origins`);
  return origins.map((origin) => {
    let url: URL | undefined;
    try {
      url = typeof origin === "string" ? new URL(origin) : undefined;
    } catch {}
    if (
      !url ||
      (url.protocol !== "https:" && url.protocol !== "http:") ||
      url.username ||
      url.password ||
      url.pathname !== "/" ||
      url.search ||
      url.hash
    ) {
      throw new TypeError(
        `${where}: allowedOrigins entry ${JSON.stringify(origin)} is not an origin; use e.g. "http://127.0.0.1:4566"`,
      );
    }
    return url.origin;
  });
}

/** The hint every AWS `endpoint_refused` carries. @internal */
export const AWS_OPT_IN_HINT =
  "Signed requests carry the session token, so they go only to official AWS service hosts over https " +
  "(*.amazonaws.com, *.amazonaws.com.cn, *.api.aws). To send them elsewhere (an emulator, a proxy), opt the " +
  "origin in with allowedOrigins.";
