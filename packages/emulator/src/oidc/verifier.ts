import {
  type CryptoKey,
  compactVerify,
  decodeJwt,
  decodeProtectedHeader,
  importJWK,
  type JWK,
  type JWSHeaderParameters,
  type JWTPayload,
} from "jose";
import type { JWKS } from "../config.js";
import { IssuerVerificationError } from "./errors.js";
import { fetchJson, isLoopbackUrl } from "./fetch-json.js";

/** Options of {@link IssuerVerifier}. @public */
export interface IssuerVerifierOptions {
  /** Clock in epoch ms; default `Date.now` at call time. */
  now?: () => number;
  /** Used for discovery and JWKS; default the global `fetch` at call time. */
  fetch?: typeof fetch;
  /** How long a fetched JWKS is trusted, default 600. */
  jwksCacheSeconds?: number;
  /** Minimum time between two refetches triggered by an unknown `kid`, default 30. */
  refetchCooldownSeconds?: number;
  /** Whether loopback issuers may be plain http, default true. */
  allowHttpLoopback?: boolean;
}

/** Options of one {@link IssuerVerifier.verify} call. @public */
export interface VerifyOptions {
  /** The issuer the token must name; default: trust whatever `iss` says and fetch its discovery. */
  issuer?: string;
  /** Allowed `alg` values, default RS256/384/512, PS256/384/512, ES256/384. */
  algorithms?: string[];
  /** Tolerance for `exp`/`nbf`/`iat` in seconds, default 0 (set it to the cloud's own skew). */
  skewSeconds?: number;
  /** Verify against these keys (an uploaded JWKS) instead of fetching the issuer's. */
  jwks?: JWKS;
}

/** A verified token. @public */
export interface VerifiedToken {
  payload: JWTPayload;
  header: JWSHeaderParameters;
}

interface IssuerEntry {
  keys: JWK[];
  fetchedAt: number;
  lastRefetchAt: number;
  pending?: Promise<JWK[]>;
}

const DEFAULT_ALGS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384"];
const MAX_TOKEN_CHARS = 64 * 1024;

/**
 * Verifies JWTs the way the clouds verify federated tokens: `<iss>/.well-known/openid-configuration`, then its
 * `jwks_uri`, cached for `jwksCacheSeconds` on the injected clock; a token naming an unknown `kid` triggers at
 * most one refetch per `refetchCooldownSeconds`; plain http only for loopback issuers.
 *
 * @example
 * ```ts
 * const verifier = new IssuerVerifier({ now: () => clock });
 * const { payload } = await verifier.verify(token, { skewSeconds: 60 });
 * ```
 * @public
 */
export class IssuerVerifier {
  readonly #options: IssuerVerifierOptions;
  readonly #issuers = new Map<string, IssuerEntry>();
  readonly #imported = new WeakMap<JWK, Map<string, Promise<CryptoKey | Uint8Array>>>();

  constructor(options: IssuerVerifierOptions = {}) {
    this.#options = options;
  }

  #now(): number {
    return (this.#options.now ?? Date.now)();
  }

  /** Forgets cached keys of one issuer (or all), as if the cache time had passed. */
  invalidate(issuer?: string): void {
    if (issuer === undefined) this.#issuers.clear();
    else this.#issuers.delete(issuer);
  }

  /** Verifies signature, `alg`, issuer, and `exp`/`nbf`/`iat`; throws {@link IssuerVerificationError}. */
  async verify(token: string, options: VerifyOptions = {}): Promise<VerifiedToken> {
    if (typeof token !== "string" || token.length > MAX_TOKEN_CHARS || token.split(".").length !== 3) {
      throw new IssuerVerificationError(
        "malformed",
        "the token is not a compact JWS (three dot-separated parts)",
      );
    }
    let header: JWSHeaderParameters;
    let claims: JWTPayload;
    try {
      header = decodeProtectedHeader(token) as JWSHeaderParameters;
      claims = decodeJwt(token);
    } catch (cause) {
      throw new IssuerVerificationError(
        "malformed",
        "the token's header or payload is not valid JSON",
        undefined,
        {
          cause,
        },
      );
    }
    const iss = claims.iss;
    if (typeof iss !== "string" || iss === "") {
      throw new IssuerVerificationError("malformed", "the token has no iss claim");
    }
    if (options.issuer !== undefined && iss !== options.issuer) {
      throw new IssuerVerificationError("issuer_mismatch", `iss ${iss} is not ${options.issuer}`, iss);
    }
    const alg = header.alg ?? "";
    if (!(options.algorithms ?? DEFAULT_ALGS).includes(alg)) {
      throw new IssuerVerificationError("alg_not_allowed", `alg ${alg || "(none)"} is not allowed`, iss);
    }
    const jwk = options.jwks ? pickKey(options.jwks.keys as JWK[], header) : await this.#keyFor(iss, header);
    if (!jwk) {
      throw new IssuerVerificationError(
        "kid_not_found",
        `no key ${header.kid ?? "(no kid)"} in the JWKS of ${iss}`,
        iss,
      );
    }
    try {
      await compactVerify(token, await this.#import(jwk, alg), { algorithms: [alg] });
    } catch (cause) {
      throw new IssuerVerificationError(
        "bad_signature",
        `the signature does not verify with key ${jwk.kid ?? ""}`,
        iss,
        {
          cause,
        },
      );
    }
    checkTimes(claims, this.#now() / 1000, options.skewSeconds ?? 0, iss);
    return { payload: claims, header };
  }

  async #keyFor(iss: string, header: JWSHeaderParameters): Promise<JWK | undefined> {
    const now = this.#now();
    const ttl = (this.#options.jwksCacheSeconds ?? 600) * 1000;
    let entry = this.#issuers.get(iss);
    if (!entry || now - entry.fetchedAt >= ttl) entry = await this.#refresh(iss, entry);
    const found = pickKey(entry.keys, header);
    if (found) return found;
    const cooldown = (this.#options.refetchCooldownSeconds ?? 30) * 1000;
    if (entry.pending) return pickKey(await entry.pending, header);
    if (now - entry.lastRefetchAt < cooldown) return undefined;
    entry = await this.#refresh(iss, entry);
    return pickKey(entry.keys, header);
  }

  /** One fetch per issuer at a time; concurrent callers share it. */
  async #refresh(iss: string, previous: IssuerEntry | undefined): Promise<IssuerEntry> {
    if (previous?.pending) {
      await previous.pending;
      return previous;
    }
    const entry: IssuerEntry = previous ?? {
      keys: [],
      fetchedAt: Number.NEGATIVE_INFINITY,
      lastRefetchAt: 0,
    };
    entry.lastRefetchAt = this.#now();
    entry.pending = this.#fetchKeys(iss);
    if (!previous) this.#issuers.set(iss, entry);
    try {
      entry.keys = await entry.pending;
      entry.fetchedAt = this.#now();
      return entry;
    } catch (error) {
      // A failed fetch must not poison the cache: the next token retries discovery.
      if (entry.fetchedAt === Number.NEGATIVE_INFINITY) this.#issuers.delete(iss);
      throw error;
    } finally {
      delete entry.pending;
    }
  }

  async #fetchKeys(iss: string): Promise<JWK[]> {
    const allowHttp = this.#options.allowHttpLoopback ?? true;
    const fetchImpl = this.#options.fetch ?? globalThis.fetch;
    if (!allowedUrl(iss, allowHttp)) {
      throw new IssuerVerificationError("discovery_failed", `issuer ${iss} must be an https URL`, iss);
    }
    const discoveryUrl = `${iss.replace(/\/+$/, "")}/.well-known/openid-configuration`;
    let discovery: Record<string, unknown>;
    try {
      discovery = await fetchJson(fetchImpl, discoveryUrl);
    } catch (cause) {
      throw new IssuerVerificationError(
        "discovery_failed",
        `cannot fetch ${discoveryUrl}: ${(cause as Error).message}`,
        iss,
        {
          cause,
        },
      );
    }
    if (discovery["issuer"] !== iss) {
      throw new IssuerVerificationError(
        "issuer_mismatch",
        `discovery of ${iss} names issuer ${String(discovery["issuer"])}`,
        iss,
      );
    }
    const jwksUri = discovery["jwks_uri"];
    if (typeof jwksUri !== "string" || !allowedUrl(jwksUri, allowHttp)) {
      throw new IssuerVerificationError(
        "discovery_failed",
        `discovery of ${iss} has no usable https jwks_uri`,
        iss,
      );
    }
    try {
      const jwks = await fetchJson(fetchImpl, jwksUri);
      if (!Array.isArray(jwks["keys"])) throw new Error("no keys array");
      return jwks["keys"] as JWK[];
    } catch (cause) {
      throw new IssuerVerificationError(
        "jwks_failed",
        `cannot fetch the JWKS ${jwksUri}: ${(cause as Error).message}`,
        iss,
        {
          cause,
        },
      );
    }
  }

  #import(jwk: JWK, alg: string): Promise<CryptoKey | Uint8Array> {
    let byAlg = this.#imported.get(jwk);
    if (!byAlg) {
      byAlg = new Map();
      this.#imported.set(jwk, byAlg);
    }
    let key = byAlg.get(alg);
    if (!key) {
      key = importJWK(jwk, alg);
      byAlg.set(alg, key);
    }
    return key;
  }
}

function allowedUrl(url: string, allowHttpLoopback: boolean): boolean {
  if (url.startsWith("https://")) return true;
  return allowHttpLoopback && url.startsWith("http://") && isLoopbackUrl(url);
}

function ktyFor(alg: string): string {
  return alg.startsWith("ES") ? "EC" : alg.startsWith("Ed") ? "OKP" : "RSA";
}

function pickKey(keys: JWK[], header: JWSHeaderParameters): JWK | undefined {
  const alg = header.alg ?? "";
  const usable = keys.filter(
    (key) =>
      key.kty === ktyFor(alg) &&
      (key.use === undefined || key.use === "sig") &&
      (!key.alg || key.alg === alg),
  );
  if (header.kid !== undefined) return usable.find((key) => key.kid === header.kid);
  // Without a kid, clouds accept a token only when the choice is unambiguous.
  return usable.length === 1 ? usable[0] : undefined;
}

function checkTimes(claims: JWTPayload, nowSeconds: number, skew: number, iss: string): void {
  const { exp, nbf, iat } = claims;
  if (typeof exp !== "number")
    throw new IssuerVerificationError("malformed", "the token has no numeric exp", iss);
  if (exp <= nowSeconds - skew) {
    throw new IssuerVerificationError(
      "expired",
      `the token expired at ${new Date(exp * 1000).toISOString()}`,
      iss,
    );
  }
  if (typeof nbf === "number" && nbf > nowSeconds + skew) {
    throw new IssuerVerificationError(
      "not_yet_valid",
      `the token is not valid before ${new Date(nbf * 1000).toISOString()}`,
      iss,
    );
  }
  if (typeof iat === "number" && iat > nowSeconds + skew) {
    throw new IssuerVerificationError("not_yet_valid", `the token was issued in the future (iat)`, iss);
  }
}
