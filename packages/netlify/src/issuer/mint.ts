import type { Clock, RandomSource, SubjectToken, TokenClaims } from "@fedkit/core";
import { base64urlEncode, base64urlJson } from "./encoding.js";
import { IssuerKeyContextError, issuerConfigError } from "./errors.js";
import { issuerUrl } from "./issuer-url.js";
import { algorithmParams, type IssuerKeySet } from "./keyset.js";
import { type SubjectForm, subjectFor } from "./subject.js";

/** The longest lifetime a minted token may have, in seconds. @public */
export const MAX_TOKEN_LIFETIME_SECONDS = 300;
/** How far `nbf` is set before `iat`, for verifiers whose clocks run behind. @public */
export const NOT_BEFORE_SKEW_SECONDS = 60;
/** The claim AWS reads session tags from. @public */
export const AWS_TAGS_CLAIM = "https://aws.amazon.com/tags";

const RESERVED = new Set(["iss", "sub", "aud", "exp", "nbf", "iat", "jti", AWS_TAGS_CLAIM]);
// AWS session-tag values: letters, digits, spaces and _.:/=+-@; wildcards and policy variables cannot appear.
const TAG_KEY = /^[\p{L}\p{N}_.:/=+\-@]{1,128}$/u;
const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$/u;

/** How a site issuer is set up. @public */
export interface SiteIssuerOptions {
  /** The production origin, `https://<site-domain>`; the issuer is `<siteUrl>/oidc/<context>`. */
  readonly siteUrl: string;
  /** Netlify's site id (`context.site.id`, `SITE_ID`). */
  readonly siteId: string;
  /** The deploy context the keys belong to. */
  readonly context: string;
  /** The imported key set of this context (or a loader, called once at the first mint). */
  readonly keys: IssuerKeySet | (() => Promise<IssuerKeySet>);
  /** Default token lifetime, at most 300 s (the default). */
  readonly lifetimeSeconds?: number;
  readonly deployId?: string;
  readonly branch?: string;
  readonly now?: Clock;
  readonly random?: RandomSource;
}

/** What one minted token is for. @public */
export interface MintRequest {
  /** The single audience the target cloud expects (`sts.amazonaws.com`, a GCP provider name, ...). */
  readonly audience: string;
  /** The function the token speaks for; required by the `function` subject form. */
  readonly functionName?: string;
  /** `function` (default) or the coarser `site`. Ignored when `subject` is given. */
  readonly subjectForm?: SubjectForm;
  /** A subject built by fedkit itself (the per-user form); callers normally leave it out. */
  readonly subject?: string;
  readonly lifetimeSeconds?: number;
  /** Extra non-secret claims; registered claim names are refused. */
  readonly claims?: Readonly<Record<string, unknown>>;
  /** AWS session tags, placed in `https://aws.amazon.com/tags`. */
  readonly awsTags?: Readonly<Record<string, string>>;
  readonly transitiveTagKeys?: readonly string[];
}

/** A site issuer of one deploy context. @public */
export interface SiteIssuer {
  readonly issuer: string;
  readonly context: string;
  readonly siteId: string;
  /** Signs a fresh token (about a millisecond for RS256). */
  mint(request: MintRequest): Promise<SubjectToken>;
  /** The imported key set (public keys and the non-extractable signing key). */
  keySet(): Promise<IssuerKeySet>;
}

/**
 * Creates the issuer of one deploy context, which mints short-lived, single-audience tokens.
 *
 * @example
 * ```ts
 * const issuer = createSiteIssuer({ siteUrl: "https://reports.example.com", siteId, context: "production",
 *   keys: () => importIssuerKeySet(Netlify.env.get("FEDKIT_ISSUER_KEYS")) });
 * const token = await issuer.mint({ audience: "sts.amazonaws.com", functionName: "report" });
 * ```
 * @public
 */
export function createSiteIssuer(options: SiteIssuerOptions): SiteIssuer {
  const issuer = issuerUrl(options.siteUrl, options.context);
  const defaultLifetime = checkLifetime(options.lifetimeSeconds ?? MAX_TOKEN_LIFETIME_SECONDS);
  const loadKeys = options.keys;
  let keys: Promise<IssuerKeySet> | undefined;
  const keySet = () => {
    keys ??= (typeof loadKeys === "function" ? loadKeys() : Promise.resolve(loadKeys)).then((set) => {
      // Every key set names its context (importIssuerKeySet refuses one without); a hand-built set must too.
      if (set.context !== options.context) {
        throw new IssuerKeyContextError(String(set.context), options.context);
      }
      return set;
    });
    // A failed load is retried at the next call rather than cached forever.
    keys.catch(() => {
      keys = undefined;
    });
    return keys;
  };

  return {
    issuer,
    context: options.context,
    siteId: options.siteId,
    keySet,
    async mint(request) {
      if (typeof request.audience !== "string" || request.audience === "") {
        throw new TypeError("mint(): `audience` must be a non-empty string (one audience per token).");
      }
      const set = await keySet();
      const now = Math.floor((options.now ?? Date.now)() / 1000);
      const lifetime = checkLifetime(request.lifetimeSeconds ?? defaultLifetime);
      const random = options.random ?? ((bytes: Uint8Array) => crypto.getRandomValues(bytes));
      const sub =
        request.subject ??
        subjectFor(
          { siteId: options.siteId, context: options.context, functionName: request.functionName },
          request.subjectForm ?? "function",
        );
      const claims: Record<string, unknown> = {
        ...extraClaims(request.claims),
        iss: issuer,
        sub,
        aud: request.audience,
        iat: now,
        nbf: now - NOT_BEFORE_SKEW_SECONDS,
        exp: now + lifetime,
        jti: base64urlEncode(random(new Uint8Array(16))),
        site_id: options.siteId,
        context: options.context,
      };
      if (options.deployId !== undefined) claims["deploy_id"] = options.deployId;
      if (options.branch !== undefined) claims["branch"] = options.branch;
      if (request.functionName !== undefined) claims["function"] = request.functionName;
      if (request.awsTags !== undefined)
        claims[AWS_TAGS_CLAIM] = awsTagsClaim(request.awsTags, request.transitiveTagKeys);
      const header = { alg: set.signingKey.alg, kid: set.signingKey.kid, typ: "JWT" };
      const input = `${base64urlJson(header)}.${base64urlJson(claims)}`;
      const signature = await crypto.subtle.sign(
        algorithmParams(set.signingKey.alg).name === "ECDSA"
          ? { name: "ECDSA", hash: "SHA-256" }
          : "RSASSA-PKCS1-v1_5",
        set.signingKey.key,
        new TextEncoder().encode(input),
      );
      const raw = `${input}.${base64urlEncode(new Uint8Array(signature))}`;
      return { raw, claims: claims as TokenClaims, header, trust: "minted" };
    },
  };
}

function checkLifetime(seconds: number): number {
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > MAX_TOKEN_LIFETIME_SECONDS) {
    throw issuerConfigError(
      `Token lifetime ${seconds} s is out of range.`,
      `Use a whole number of seconds from 1 to ${MAX_TOKEN_LIFETIME_SECONDS}.`,
    );
  }
  return seconds;
}

function extraClaims(claims: Readonly<Record<string, unknown>> | undefined): Record<string, unknown> {
  if (claims === undefined) return {};
  for (const name of Object.keys(claims)) {
    if (RESERVED.has(name))
      throw new TypeError(`mint(): claim "${name}" is set by the issuer and cannot be overridden.`);
  }
  return { ...claims };
}

function awsTagsClaim(tags: Readonly<Record<string, string>>, transitive: readonly string[] | undefined) {
  const principalTags: Record<string, string[]> = {};
  for (const [key, value] of Object.entries(tags)) {
    if (!TAG_KEY.test(key) || !TAG_VALUE.test(value) || key.toLowerCase().startsWith("aws:")) {
      throw issuerConfigError(
        `AWS session tag ${JSON.stringify(key)} has a key or value AWS would refuse.`,
        "Tag keys: 1-128 of letters, digits and _.:/=+-@ (not aws:); values: up to 256 of those and spaces.",
      );
    }
    principalTags[key] = [value];
  }
  if (Object.keys(principalTags).length > 50) {
    throw issuerConfigError("More than 50 AWS session tags.", "AWS accepts at most 50 session tags.");
  }
  return transitive === undefined
    ? { principal_tags: principalTags }
    : { principal_tags: principalTags, transitive_tag_keys: [...transitive] };
}
