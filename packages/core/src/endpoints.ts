/**
 * Endpoints are an attack surface: a subject token is a bearer credential, so it only ever goes to the official
 * hosts of its cloud and partition, unless the user explicitly opted into another origin (the emulator on
 * loopback, a private link).
 *
 * Host patterns: an exact host (`sts.amazonaws.com`), a leading `*.` that matches one or more labels
 * (`*.core.windows.net` matches `acct.blob.core.windows.net`), or a `*` label elsewhere that matches exactly one
 * label (`sts.*.amazonaws.com` matches `sts.eu-west-1.amazonaws.com` but not `a.b.amazonaws.com`).
 *
 * @packageDocumentation
 */
import { FederationError } from "./errors.js";
import type { EndpointRule } from "./types.js";

/**
 * Official AWS STS hosts per partition. Each cloud's table is its own export so a bundle that only talks to one
 * cloud does not carry the others' hosts.
 * @public
 */
export const AWS_STS_HOSTS = {
  aws: [
    "sts.amazonaws.com",
    "sts.*.amazonaws.com",
    "sts-fips.*.amazonaws.com",
    "sts.*.api.aws",
    "sts-fips.*.api.aws",
  ],
  "aws-cn": ["sts.*.amazonaws.com.cn", "sts.*.api.amazonwebservices.com.cn"],
  "aws-us-gov": [
    "sts.us-gov-west-1.amazonaws.com",
    "sts.us-gov-east-1.amazonaws.com",
    "sts-fips.*.amazonaws.com",
  ],
  "aws-iso": ["sts.*.c2s.ic.gov"],
  "aws-iso-b": ["sts.*.sc2s.sgov.gov"],
} as const;

/**
 * Official Entra authority hosts per Azure cloud: where a subject token goes as a client assertion. Where an
 * Entra *access token* may go depends on its resource, and is `@fedkit/azure`'s `azureTokenHosts`.
 * @public
 */
export const AZURE_HOSTS_BY_CLOUD = {
  public: { authority: ["login.microsoftonline.com", "login.microsoft.com"] },
  usgov: { authority: ["login.microsoftonline.us"] },
  china: { authority: ["login.chinacloudapi.cn", "login.partner.microsoftonline.cn"] },
} as const;

/** Official Google hosts (STS, IAM Credentials, APIs) in the default universe. @public */
export const GCP_HOSTS: {
  readonly sts: readonly string[];
  readonly iamcredentials: readonly string[];
  readonly apis: readonly string[];
} = /* @__PURE__ */ Object.freeze({
  sts: /* @__PURE__ */ Object.freeze(["sts.googleapis.com", "sts.mtls.googleapis.com"]),
  iamcredentials: /* @__PURE__ */ Object.freeze([
    "iamcredentials.googleapis.com",
    "iamcredentials.mtls.googleapis.com",
  ]),
  apis: /* @__PURE__ */ Object.freeze(["*.googleapis.com"]),
});

/** The frozen, de-duplicated union of a table's host lists (of one field of each entry, when `field` is given). */
function union(table: object, field?: string): readonly string[] {
  const lists = Object.values(table).map((v) => (field ? v[field] : v) as readonly string[]);
  return Object.freeze([...new Set(lists.flat())]);
}

/** Entra authority hosts of every Azure cloud. @public */
export const ENTRA_AUTHORITY_HOSTS: readonly string[] = /* @__PURE__ */ union(
  AZURE_HOSTS_BY_CLOUD,
  "authority",
);

/**
 * Official hosts per cloud and partition. {@link OFFICIAL_HOSTS} is the union a provider uses by default; a
 * provider that knows its partition can use the narrower set.
 * @public
 */
export const OFFICIAL_HOSTS_BY_PARTITION = { aws: AWS_STS_HOSTS, azure: AZURE_HOSTS_BY_CLOUD } as const;

/**
 * The official host set of each cloud: where a subject token or a credential may be sent without an opt-in.
 * Providers use the per-cloud exports above ({@link AWS_STS_HOSTS}, {@link GCP_HOSTS}, ...) so bundles stay small.
 *
 * @example
 * ```ts
 * const rule = { cloud: "aws", officialHosts: OFFICIAL_HOSTS.aws.sts };
 * checkEndpoint("https://sts.eu-west-1.amazonaws.com/", rule); // ok
 * ```
 * @public
 */
export const OFFICIAL_HOSTS: {
  readonly aws: { readonly sts: readonly string[] };
  readonly gcp: {
    readonly sts: readonly string[];
    readonly iamcredentials: readonly string[];
    readonly apis: readonly string[];
  };
  readonly azure: { readonly authority: readonly string[] };
} = /* @__PURE__ */ Object.freeze({
  aws: { sts: /* @__PURE__ */ union(AWS_STS_HOSTS) },
  gcp: GCP_HOSTS,
  azure: { authority: ENTRA_AUTHORITY_HOSTS },
});

/**
 * Whether `host` (lower case, no port) matches one host pattern (see the module docs for the syntax).
 * @public
 */
export function hostMatches(host: string, pattern: string): boolean {
  const p = pattern.toLowerCase();
  if (p.startsWith("*.")) {
    const suffix = p.slice(1);
    return (
      host.length > suffix.length && host.endsWith(suffix) && isHostLabels(host.slice(0, -suffix.length))
    );
  }
  if (!p.includes("*")) return host === p;
  const hostLabels = host.split(".");
  const patternLabels = p.split(".");
  if (hostLabels.length !== patternLabels.length) return false;
  return patternLabels.every((label, i) => {
    const actual = hostLabels[i] ?? "";
    return label === "*" ? actual !== "" : label === actual;
  });
}

function isHostLabels(prefix: string): boolean {
  return prefix.split(".").every((label) => /^[a-z0-9-]+$/.test(label));
}

function toUrl(url: string | URL, cloud: string): URL {
  try {
    return new URL(url);
  } catch (cause) {
    throw new FederationError("config", `Endpoint is not a valid URL (${cloud}).`, {
      provider: cloud,
      cause,
      hint: "Pass an absolute URL such as https://sts.amazonaws.com/.",
    });
  }
}

function normalizeOrigin(origin: string): string | undefined {
  try {
    return new URL(origin).origin;
  } catch {
    return undefined;
  }
}

/**
 * Checks that `url` may receive a token under `rule`: either its origin is one the user opted into
 * (`rule.allowedOrigins`), or it is `https:` on the default port, has no credentials in it, and its host matches
 * one of `rule.officialHosts`. Returns the parsed URL.
 *
 * @throws FederationError `endpoint_refused` naming the host and how to opt in; `config` for a malformed URL.
 * @example
 * ```ts
 * checkEndpoint("http://127.0.0.1:4566/", {
 *   cloud: "aws",
 *   officialHosts: OFFICIAL_HOSTS.aws.sts,
 *   allowedOrigins: ["http://127.0.0.1:4566"],
 * });
 * ```
 * @public
 */
export function checkEndpoint(url: string | URL, rule: EndpointRule): URL {
  const parsed = toUrl(url, rule.cloud);
  if (parsed.username !== "" || parsed.password !== "") {
    throw refused(parsed, rule, "it carries user info");
  }
  for (const allowed of rule.allowedOrigins ?? []) {
    if (normalizeOrigin(allowed) === parsed.origin) return parsed;
  }
  if (parsed.protocol !== "https:") throw refused(parsed, rule, "only https is allowed for official hosts");
  if (parsed.port !== "") throw refused(parsed, rule, "official hosts are only reached on the default port");
  const host = parsed.hostname.toLowerCase().replace(/\.$/, "");
  if (rule.officialHosts.some((pattern) => hostMatches(host, pattern))) return parsed;
  throw refused(parsed, rule, `it is not an official ${rule.cloud} host`);
}

function refused(url: URL, rule: EndpointRule, why: string): FederationError {
  return new FederationError("endpoint_refused", `Refused to send a token to ${url.origin}: ${why}.`, {
    provider: rule.cloud,
    hint:
      `Use an official ${rule.cloud} host (${rule.officialHosts.slice(0, 3).join(", ")}, ...), or opt this ` +
      `origin in (emulator, private link): allowedOrigins: ["${url.origin}"] / allowCustomEndpoint.`,
  });
}

/**
 * Whether a URL points at this machine (`localhost`, `127.0.0.0/8`, `::1`): where an emulator may run.
 *
 * @example
 * ```ts
 * isLoopbackOrigin("http://127.0.0.1:4566"); // true
 * ```
 * @public
 */
export function isLoopbackOrigin(url: string | URL): boolean {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return false;
  }
  if (host === "localhost" || host.endsWith(".localhost") || host === "[::1]") return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}
