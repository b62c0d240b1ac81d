/**
 * The parts of an STS request both hops share: the form body, the endpoint rule, the send-and-parse step.
 *
 * @packageDocumentation
 */
import {
  type EndpointRule,
  type ExchangeContext,
  endpointRefusal,
  type HttpResponse,
  redactResponse,
} from "@fedkit/core/provider";
import { awsError } from "./errors.js";
import { partitionOf } from "./partition.js";
import { amzDate, type SigningKeyCache, signV4 } from "./signing.js";
import { type StsCallInfo, stsFailure } from "./sts-errors.js";
import { AWS_STS_HOSTS } from "./sts-hosts.js";
import { parseStsResult, peekStsError, StsParseError, type StsResult } from "./sts-response.js";

/** Where STS calls go: the regional endpoint, or an opted-in custom one (the emulator, a VPC endpoint). @public */
export interface StsTarget {
  readonly region: string;
  /** The endpoint URL, without trailing slash. */
  readonly endpoint: string;
  readonly rule: EndpointRule;
}

/**
 * Builds the {@link StsTarget}. A custom endpoint among the partition's official STS hosts (FIPS, dual-stack)
 * needs no opt-in; any other (the emulator, a VPC endpoint) needs `allowCustomEndpoint`.
 * @internal
 */
export function stsTarget(
  region: string,
  regional: string,
  custom?: string,
  allowCustom?: boolean,
): StsTarget {
  const officialHosts = AWS_STS_HOSTS[partitionOf(region)];
  const rule: EndpointRule = { cloud: "aws", officialHosts };
  if (custom === undefined) return { region, endpoint: regional, rule };
  const url = URL.canParse(custom) ? new URL(custom) : undefined;
  if (!url || url.search || url.hash || url.username || url.password) {
    throw awsError(
      "config",
      `endpoint "${custom}" is not a URL without query, fragment or user`,
      "Pass an origin.",
    );
  }
  const endpoint = url.href.replace(/\/+$/, "");
  // An official STS host (https, default port, a region-shaped region label) needs no opt-in; anything else
  // receives tokens only by opt-in.
  if (endpointRefusal(url, rule, false) === undefined) return { region, endpoint, rule };
  if (!allowCustom) {
    throw awsError(
      "config",
      `endpoint ${endpoint} needs allowCustomEndpoint: true`,
      "It would receive tokens: drop endpoint, or set allowCustomEndpoint only for an STS you run.",
    );
  }
  return { region, endpoint, rule: { cloud: "aws", officialHosts, allowedOrigins: [url.origin] } };
}

/**
 * The content type of every STS form POST.
 *
 * @example
 * ```ts
 * await fetch(`${target.endpoint}/`, { method: "POST", headers: STS_FORM_HEADERS, body });
 * ```
 * @internal
 */
export const STS_FORM_HEADERS = {
  "content-type": "application/x-www-form-urlencoded; charset=utf-8",
} as const;

/**
 * The headers of an STS form POST signed with SigV4 by `creds` (a chained `AssumeRole`, `GetWebIdentityToken`).
 *
 * @example
 * ```ts
 * const body = stsForm({ Action: "GetCallerIdentity", Version: "2011-06-15" });
 * const headers = await signedStsHeaders(provider.sts, body, creds, new BoundedMap(4), Date.now());
 * ```
 * @internal
 */
export async function signedStsHeaders(
  target: Pick<StsTarget, "endpoint" | "region">,
  body: string,
  creds: { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string },
  cache: SigningKeyCache,
  nowMs: number,
): Promise<Record<string, string>> {
  const signed = await signV4({
    method: "POST",
    url: `${target.endpoint}/`,
    headers: STS_FORM_HEADERS,
    body,
    accessKeyId: creds.accessKeyId,
    secretAccessKey: creds.secretAccessKey,
    sessionToken: creds.sessionToken,
    service: "sts",
    region: target.region,
    cache,
    datetime: amzDate(nowMs),
  });
  return Object.fromEntries(signed.headers);
}

/**
 * The secrets a SigV4-signed STS call sends in its headers (the session token, the signature), which an answer must
 * not echo into an error.
 * @internal
 */
export function signedSecrets(headers: Readonly<Record<string, string>>): string[] {
  return [
    headers["x-amz-security-token"] ?? "",
    /Signature=(\w+)/.exec(headers["authorization"] ?? "")?.[1] ?? "",
  ];
}

/** What {@link stsForm} encodes: a value, a list (`.member.N`), or a list of structures (`.member.N.Field`). */
export type StsParam =
  | string
  | number
  | readonly string[]
  | readonly Readonly<Record<string, string>>[]
  | undefined;

/** Text the form encoding leaves as it is (URLSearchParams keeps ASCII letters, digits and `*-._`). */
const FORM_SAFE = /^[\w.*-]*$/;

/**
 * One `name=value` pair, encoded as URLSearchParams encodes it. Text of only safe characters (a JWT, a session
 * name, an action) is taken as is: URLSearchParams' encoder walks the ~1 KB token one character at a time in script.
 */
function formPair(name: string, value: string): string {
  return FORM_SAFE.test(name) && FORM_SAFE.test(value)
    ? `${name}=${value}`
    : new URLSearchParams([[name, value]]).toString();
}

/**
 * Encodes STS query parameters; `undefined` values are left out, lists become `Name.member.N`, lists of
 * structures `Name.member.N.Field` (`Tags`, `PolicyArns`). The same text as `formBody` (URLSearchParams) gives.
 *
 * @example
 * ```ts
 * stsForm({ Action: "AssumeRole", Tags: [{ Key: "user", Value: "alice" }] });
 * // "Action=AssumeRole&Tags.member.1.Key=user&Tags.member.1.Value=alice"
 * ```
 * @internal
 */
export function stsForm(params: Readonly<Record<string, StsParam>>): string {
  const pairs: string[] = [];
  for (const name of Object.keys(params)) {
    const value = params[name];
    if (value === undefined) continue;
    if (typeof value !== "object") pairs.push(formPair(name, String(value)));
    else
      value.forEach((item, i) => {
        const member = `${name}.member.${i + 1}`;
        if (typeof item === "string") pairs.push(formPair(member, item));
        else
          for (const field of Object.keys(item)) {
            const text = item[field];
            if (text !== undefined) pairs.push(formPair(`${member}.${field}`, text));
          }
      });
  }
  return pairs.join("&");
}

/**
 * `IDPCommunicationError` and `Throttling` are worth retrying although STS answers them with HTTP 400 (the
 * core retries 429 and 5xx on its own).
 * @internal
 */
export function isTransientSts(response: HttpResponse): boolean {
  if (response.status !== 400) return false;
  const code = peekStsError(response.text)?.code;
  return code === "IDPCommunicationError" || code === "Throttling";
}

/** Sends one STS call through the core's safe client and parses the answer or maps the error. @internal */
export async function callSts(
  ctx: ExchangeContext,
  target: StsTarget,
  body: string,
  headers: Readonly<Record<string, string>>,
  info: StsCallInfo,
): Promise<StsResult> {
  const response = await ctx.send({
    url: `${target.endpoint}/`,
    method: "POST",
    headers,
    body,
    endpoint: target.rule,
    operation: `sts:${info.operation}`,
    isTransient: isTransientSts,
  });
  if (response.status < 200 || response.status > 299) {
    // Every secret this call sent (the web-identity token, the session token, the signature) is cut out: an error
    // text ends up in messages, audit events and logs.
    throw stsFailure(redactResponse(response, [info.subject.raw, ...signedSecrets(headers)]), info);
  }
  try {
    return parseStsResult(response.text, info.operation);
  } catch (cause) {
    if (!(cause instanceof StsParseError)) throw cause;
    throw awsError(
      "bad_response",
      `sts:${info.operation} answered HTTP ${response.status} (${response.headers.get("content-type") ?? "no content-type"}) but ${cause.message}`,
      "Check that the endpoint is AWS STS.",
      { status: response.status, attempts: response.attempts, cause },
    );
  }
}
