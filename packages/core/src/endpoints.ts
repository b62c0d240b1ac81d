/**
 * Endpoints are an attack surface: a subject token is a bearer credential, so it only ever goes to the official
 * hosts of its cloud and partition, unless the user explicitly opted into another origin (the emulator on
 * loopback, a private link). This is the mechanism only: each cloud's host tables live in that cloud's package
 * (`@fedkit/aws`'s `AWS_STS_HOSTS`, `@fedkit/gcp`'s `GCP_HOSTS`, `@fedkit/azure`'s `ENTRA_AUTHORITY_HOSTS`), which
 * passes them to {@link checkEndpoint} as an {@link EndpointRule}.
 *
 * Host patterns: an exact host (`sts.amazonaws.com`), a leading `*.` that matches one or more labels
 * (`*.core.windows.net` matches `acct.blob.core.windows.net`), a `*` label elsewhere that matches exactly one
 * label (`sts.*.amazonaws.com` matches `sts.eu-west-1.amazonaws.com` but not `a.b.amazonaws.com`), or a regular
 * expression over the whole host. A `*` label matches ANY label, a customer's too (`sts.s3.amazonaws.com` is an
 * S3 bucket's host): where only some labels are the service's (a region), say which with a regular expression.
 *
 * @packageDocumentation
 */
import { fail } from "./errors.js";
import type { EndpointRule, HostPattern } from "./types.js";
import { memoPerArray } from "./util/per-array.js";

/**
 * Whether `host` (lower case, no port, no trailing dot) matches one host pattern (see the module docs for the
 * syntax). A regular expression is matched against the whole host, as if written `^(?:…)$` whatever anchors or
 * `|` it has, and without its `g`, `m` or `y` flag (no memory of the previous call, no line-by-line match). It
 * must escape every dot outside a character class: `/sts.amazonaws.com/` would also match `stsxamazonaws.com`, a
 * name anyone may register.
 *
 * @throws TypeError for a pattern that is neither a string nor a RegExp, or a RegExp with an unescaped dot.
 * @example
 * ```ts
 * hostMatches("sts.eu-west-1.amazonaws.com", /sts\.[a-z]{2}(?:-[a-z]+)+-\d{1,2}\.amazonaws\.com/); // true
 * hostMatches("sts.s3.amazonaws.com", /sts\.[a-z]{2}(?:-[a-z]+)+-\d{1,2}\.amazonaws\.com/); // false
 * ```
 * @public
 */
export function hostMatches(host: string, pattern: HostPattern): boolean {
  if (typeof pattern !== "string") {
    // A dot left once escapes (`\.`, `\]`) and then character classes are gone matches any character.
    if (
      !(pattern instanceof RegExp) ||
      pattern.source
        .replace(/\\./g, "")
        .replace(/\[[^\]]*\]/g, "")
        .includes(".")
    ) {
      throw new TypeError(`Host pattern ${pattern}: use a string, or a RegExp with escaped dots (\\.).`);
    }
    // Whole host, no line-by-line match, no memory of the previous call; built per check (once per exchange).
    return new RegExp(`^(?:${pattern.source})$`, pattern.flags.replace(/[gmy]/g, "")).test(host);
  }
  const p = pattern.toLowerCase();
  if (p.startsWith("*.")) {
    const suffix = p.slice(1);
    // What the wildcard covers: one or more whole labels (so never nothing: the host itself is not matched).
    return host.endsWith(suffix) && /^[a-z\d-]+(?:\.[a-z\d-]+)*$/.test(host.slice(0, -suffix.length));
  }
  if (!p.includes("*")) return host === p;
  const hostLabels = host.split(".");
  const patternLabels = p.split(".");
  return (
    hostLabels.length === patternLabels.length &&
    patternLabels.every((label, i) => (label === "*" ? hostLabels[i] !== "" : label === hostLabels[i]))
  );
}

export function parseEndpoint(url: string | URL, cloud: string): URL {
  try {
    return new URL(url);
  } catch (cause) {
    throw fail("config", `Endpoint is not a valid URL (${cloud}).`, cloud, "Pass an absolute https URL.", {
      cause,
    });
  }
}

const NONE: readonly string[] = [];
const originsOf = memoPerArray(
  (origins: readonly string[]): ReadonlySet<string> =>
    new Set(
      origins
        .flatMap((origin) => (URL.canParse(origin) ? [new URL(origin).origin] : []))
        // An opaque origin ("null": `localhost:4566` without "http://", `file:`, `data:`) is every such URL's.
        .filter((origin) => origin !== "null"),
    ),
);

/**
 * The origins of `allowedOrigins` (unparsable items and items without an origin skipped), parsed once per array
 * (and again if its items change): a provider's rule and a client made per request (awsFetch under withFedkit)
 * hand in the same array.
 * @internal
 */
export const optInOrigins = (allowedOrigins: readonly string[] = NONE): ReadonlySet<string> =>
  originsOf(allowedOrigins);

/**
 * Checks that `url` may receive a token under `rule`: either its origin is one the user opted into
 * (`rule.allowedOrigins`), or it is `https:` on the default port, has no credentials in it, and its host matches
 * one of `rule.officialHosts`. Returns the parsed URL.
 *
 * @throws FederationError `endpoint_refused` naming the host (and, for an origin on this machine, how to opt it
 *   in); `config` for a malformed URL.
 * @example
 * ```ts
 * checkEndpoint("http://127.0.0.1:4566/", {
 *   cloud: "aws",
 *   officialHosts: ["sts.amazonaws.com", "sts.*.amazonaws.com"],
 *   allowedOrigins: ["http://127.0.0.1:4566"],
 * });
 * ```
 * @public
 */
export function checkEndpoint(url: string | URL, rule: EndpointRule): URL {
  const parsed = parseEndpoint(url, rule.cloud);
  return checkUrl(parsed, rule, optInOrigins(rule.allowedOrigins).has(parsed.origin));
}

/**
 * Why {@link checkEndpoint} would refuse `url` under `rule` (`optedIn`: its origin is one the user opted into), or
 * `undefined` when it may receive a token. No error is built: a provider asking whether a custom endpoint is an
 * official host (and needs no opt-in) pays no error's construction and scrubbing for a "no".
 *
 * @example
 * ```ts
 * endpointRefusal(new URL("https://sts.amazonaws.com/"), { cloud: "aws", officialHosts: ["sts.amazonaws.com"] }, false);
 * // undefined
 * ```
 * @public
 */
export function endpointRefusal(
  url: URL,
  rule: EndpointRule,
  optedIn: boolean | undefined,
): string | undefined {
  // The URL parser lower-cases an https host (the only kind compared below); a trailing dot is still there.
  const host = url.hostname.replace(/\.$/, "");
  return url.username || url.password
    ? "it carries user info"
    : optedIn
      ? undefined
      : url.protocol !== "https:"
        ? "official hosts take only https"
        : url.port
          ? "official hosts take only the default port"
          : rule.officialHosts.some((pattern) => hostMatches(host, pattern))
            ? undefined
            : `not an official ${rule.cloud} host`;
}

/**
 * {@link checkEndpoint} on a parsed URL whose opt-in was decided by the caller (the authorized fetch matches a
 * set of origins parsed once per client, not once per request); `hintSuffix` says how to opt in with that client.
 * The hint names the opt-in only for an origin on this machine (an emulator): a refused remote host may come from
 * whoever built the URL, and a hint must not hand the developer the line that would trust it.
 * @internal
 */
export function checkUrl(url: URL, rule: EndpointRule, optedIn: boolean | undefined, hintSuffix = ""): URL {
  const why = endpointRefusal(url, rule, optedIn);
  if (why === undefined) return url;
  throw fail(
    "endpoint_refused",
    `Refused to send a token to ${url.origin}: ${why}.`,
    rule.cloud,
    `Use an official ${rule.cloud} host.${isLoopbackOrigin(url) ? ` An emulator on this machine: allowedOrigins: ["${url.origin}"] / allowCustomEndpoint.${hintSuffix}` : ""}`,
  );
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
