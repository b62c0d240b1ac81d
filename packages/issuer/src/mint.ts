import type { Clock, RandomSource, SubjectToken, TokenClaims } from "@fedkit/core";
import { base64url, defaultRandom, utf8 } from "@fedkit/core/provider";
import { ISSUER_SET_CLAIMS } from "./documents.js";
import { IssuerKeyContextError, issuerConfigError } from "./errors.js";
import { issuerUrl } from "./issuer-url.js";
import { type IssuerKeySet, importIssuerKeySet } from "./keyset.js";
import { MAX_TOKEN_LIFETIME_SECONDS, NOT_BEFORE_SKEW_SECONDS } from "./limits.js";
import { type IssuerSigner, webCryptoSigner } from "./signer.js";
import { type SubjectForm, subjectFor } from "./subject.js";

/** How a site issuer is set up. @public */
export interface SiteIssuerOptions {
  /** The production origin, `https://<site-domain>`; the issuer is `<siteUrl>/oidc/<context>`. */
  readonly siteUrl: string;
  /** The site's id on its platform (Netlify's `context.site.id`); the subject's `site:` segment. */
  readonly siteId: string;
  /** The deploy context the keys belong to. */
  readonly context: string;
  /**
   * The key set of this context: the key-set variable's text (imported and checked against `context`), an
   * imported set, or a loader called once at the first mint. Give `keys` or `signer`, not both.
   */
  readonly keys?: string | IssuerKeySet | (() => Promise<IssuerKeySet>);
  /**
   * Signs instead of a key set's WebCrypto key (an HSM, a cloud KMS), or a loader called once. The JWKS then
   * publishes what you give the discovery handler; see {@link IssuerSigner}.
   */
  readonly signer?: IssuerSigner | (() => Promise<IssuerSigner>);
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
  /**
   * Extra non-secret claims: the hook through which a cloud shapes its own claims (AWS session tags come from
   * `awsSessionTagsClaim` of `@fedkit/aws`); the issuer knows no cloud. Claims the issuer sets are refused.
   */
  readonly claims?: Readonly<Record<string, unknown>>;
}

/** A site issuer of one deploy context. @public */
export interface SiteIssuer {
  readonly issuer: string;
  readonly context: string;
  readonly siteId: string;
  /** Signs a fresh token (about a millisecond for RS256). */
  mint(request: MintRequest): Promise<SubjectToken>;
  /**
   * The imported key set (public keys and the non-extractable signing key). Rejects with a `config` error on an
   * issuer built from a `signer` alone.
   */
  keySet(): Promise<IssuerKeySet>;
  /** The signer tokens are signed with, checked against the issuer's context. */
  signer(): Promise<IssuerSigner>;
}

/**
 * Creates the issuer of one deploy context, which mints short-lived, single-audience tokens.
 *
 * @example
 * ```ts
 * const issuer = createSiteIssuer({ siteUrl: "https://reports.example.com", siteId: "5b0c2a71", context: "production",
 *   keys: process.env.FEDKIT_ISSUER_KEYS });
 * const token = await issuer.mint({ audience: "sts.amazonaws.com", functionName: "report" });
 * ```
 * @public
 */
export function createSiteIssuer(options: SiteIssuerOptions): SiteIssuer {
  const { siteId, context, deployId, branch } = options;
  const issuer = issuerUrl(options.siteUrl, context);
  const defaultLifetime = checkLifetime(options.lifetimeSeconds ?? MAX_TOKEN_LIFETIME_SECONDS);
  if ((options.keys === undefined) === (options.signer === undefined)) {
    throw new TypeError("createSiteIssuer(): pass exactly one of `keys` or `signer`.");
  }
  const keySet = once(async () => {
    const keys = options.keys;
    if (keys === undefined)
      throw issuerConfigError(
        "This issuer has a signer, no key set.",
        "Publish the signer's key (issuerHandler's publicKeys).",
      );
    const set =
      typeof keys === "string"
        ? await importIssuerKeySet(keys, undefined, context)
        : typeof keys === "function"
          ? await keys()
          : keys;
    // Every key set names its context (importIssuerKeySet refuses one without); a hand-built set must too.
    if (set.context !== context) throw new IssuerKeyContextError(String(set.context), context);
    return set;
  });
  const signer = once(async () => {
    const given = options.signer;
    const chosen =
      given === undefined
        ? webCryptoSigner(await keySet())
        : typeof given === "function"
          ? await given()
          : given;
    if (chosen.context !== undefined && chosen.context !== context) {
      throw new IssuerKeyContextError(chosen.context, context, "the signer");
    }
    if (chosen.kid !== chosen.publicJwk.kid || chosen.alg !== chosen.publicJwk.alg)
      throw issuerConfigError(
        "The signer's kid/alg differ from its publicJwk's.",
        "Build publicJwk from the signing key.",
      );
    return chosen;
  });

  return {
    issuer,
    context,
    siteId,
    keySet,
    signer,
    async mint(request) {
      if (typeof request.audience !== "string" || request.audience === "")
        throw new TypeError("mint(): `audience` must be a non-empty string.");
      const key = await signer();
      const now = Math.floor((options.now ?? Date.now)() / 1000);
      const lifetime = checkLifetime(request.lifetimeSeconds ?? defaultLifetime);
      const sub =
        request.subject ??
        subjectFor(
          { siteId, context, functionName: request.functionName },
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
        jti: base64url((options.random ?? defaultRandom)(new Uint8Array(16))),
        site_id: siteId,
        context,
      };
      if (deployId !== undefined) claims["deploy_id"] = deployId;
      if (branch !== undefined) claims["branch"] = branch;
      if (request.functionName !== undefined) claims["function"] = request.functionName;
      const header = { alg: key.alg, kid: key.kid, typ: "JWT" };
      const input = `${jsonPart(header)}.${jsonPart(claims)}`;
      const raw = `${input}.${base64url(await key.sign(utf8(input)))}`;
      return { raw, claims: claims as TokenClaims, header, trust: "minted" };
    },
  };
}

/** One JWS segment: base64url of the JSON's UTF-8 bytes (core's codec, which also decodes subject tokens). */
const jsonPart = (value: unknown) => base64url(utf8(JSON.stringify(value)));

/** Runs a loader once; a failed load is retried at the next call rather than cached forever. */
function once<T>(load: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= load();
    pending.catch(() => {
      pending = undefined;
    });
    return pending;
  };
}

function checkLifetime(seconds: number): number {
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > MAX_TOKEN_LIFETIME_SECONDS) {
    throw issuerConfigError(
      `Token lifetime ${seconds} s is out of range.`,
      `Use 1 to ${MAX_TOKEN_LIFETIME_SECONDS} whole seconds.`,
    );
  }
  return seconds;
}

/** The caller's extra claims, once none of them is one the issuer sets (the mint spreads them into a copy). */
function extraClaims(claims: Readonly<Record<string, unknown>> = {}): Readonly<Record<string, unknown>> {
  for (const name of Object.keys(claims)) {
    // Registered claims and the ones the issuer sets itself (twelve names: a scan, no set to build).
    if ((ISSUER_SET_CLAIMS as readonly string[]).includes(name))
      throw new TypeError(`mint(): claim "${name}" is set by the issuer.`);
  }
  return claims;
}
