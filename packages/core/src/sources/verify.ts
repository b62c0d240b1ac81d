/**
 * Verifying subject tokens with jose against a JWKS, so their claims can be trusted (and used in cache keys).
 *
 * @packageDocumentation
 */

import {
  createLocalJWKSet,
  createRemoteJWKSet,
  customFetch,
  errors,
  type JSONWebKeySet,
  type JWTVerifyGetKey,
  jwtVerify,
} from "jose";
import { isLoopbackOrigin } from "../endpoints.js";
import { FederationError } from "../errors.js";
import { decodeSubjectToken, summarizeSubject } from "../tokens.js";
import type { Clock, FetchLike, SubjectToken } from "../types.js";
import { readCapped } from "../util/body.js";
import { assertVerifyOptions } from "./verify-options.js";

/**
 * Where verification keys come from: a JWKS URL (fetched and cached by jose's `createRemoteJWKSet`), a local
 * key set `{ keys: [...] }`, or a jose key resolver you built yourself (`remoteJwks(...)`).
 * @public
 */
export type JwksSource = string | URL | JSONWebKeySet | JWTVerifyGetKey;

/** Options of {@link verifySubjectToken} and `requestBearerToken`. @public */
export interface VerifyOptions {
  jwks: JwksSource;
  /** Allowed `iss` value(s). */
  issuer: string | string[];
  /** Allowed `aud` value(s). */
  audience: string | string[];
  /** Allowed JWS algorithms. Default: RS256, ES256, PS256, EdDSA. */
  algorithms?: string[];
  /** Tolerated clock skew in seconds. Default 60. */
  clockToleranceSeconds?: number;
  /**
   * Oldest token accepted, in seconds since its `iat` (clock skew tolerated on top). A token without `iat` is
   * refused when this is set. Default: no limit beyond `exp`.
   */
  maxTokenAge?: number;
  /** Clock. Default `Date.now`. */
  now?: Clock;
  /** Fetch for a remote JWKS. Default `globalThis.fetch` at call time. */
  fetch?: FetchLike;
}

const DEFAULT_ALGORITHMS = ["RS256", "ES256", "PS256", "EdDSA"];

/**
 * Largest JWKS fedkit reads, in bytes: 128 KiB. Public key sets are a few KiB (Entra's, with `x5c` certificate
 * chains for every key, stays under 20 KiB); a larger answer is refused while it streams, never read in full.
 * @public
 */
export const MAX_JWKS_BYTES = 131_072;

const remoteSets = new Map<string, JWTVerifyGetKey>();

/**
 * A cached remote key set for `url` (https, or http on loopback for tests and emulators).
 *
 * @example
 * ```ts
 * const jwks = remoteJwks("https://token.actions.githubusercontent.com/.well-known/jwks");
 * ```
 * @public
 */
export function remoteJwks(url: string | URL, options: { fetch?: FetchLike } = {}): JWTVerifyGetKey {
  const parsed = new URL(url);
  if (parsed.protocol !== "https:" && !isLoopbackOrigin(parsed)) {
    throw new TypeError(`remoteJwks: the JWKS URL must be https (or http on loopback), got ${parsed.origin}`);
  }
  const fetchImpl = options.fetch ?? ((input: string, init: RequestInit) => globalThis.fetch(input, init));
  // `manual`, not `error`: workerd refuses `redirect: "error"`; a redirect answer is refused below instead.
  return createRemoteJWKSet(parsed, {
    [customFetch]: async (input: string, init: RequestInit) =>
      cappedJwks(
        refuseRedirect(await fetchImpl(input, { ...init, redirect: "manual" }), parsed.host),
        parsed.host,
      ),
  });
}

/** A JWKS is read only where the issuer serves it: keys fetched through a redirect could be anybody's. */
function refuseRedirect(response: Response, host: string): Response {
  const opaque = response.type === "opaqueredirect";
  const status = opaque ? 0 : response.status;
  if (!opaque && !response.redirected && (status < 300 || status > 399 || status === 304)) return response;
  response.body?.cancel().catch(() => {});
  throw new FederationError(
    "bad_response",
    `The JWKS at ${host} answered a redirect (HTTP ${status}); fedkit follows none.`,
    {
      provider: "core",
      status,
      hint: "Set jwks to the URL the issuer's discovery document names as jwks_uri, served without a redirect.",
    },
  );
}

/** A 200 answer re-made from its body read up to {@link MAX_JWKS_BYTES}; other statuses go to jose as they are. */
async function cappedJwks(response: Response, host: string): Promise<Response> {
  if (response.status !== 200) return response;
  let text: string;
  try {
    text = await readCapped(response, MAX_JWKS_BYTES, `The JWKS at ${host}`, "core");
  } catch (cause) {
    if (!(cause instanceof FederationError) || cause.code !== "bad_response") throw cause;
    throw new FederationError(
      "bad_response",
      `The JWKS at ${host} is larger than ${MAX_JWKS_BYTES} bytes; fedkit refuses to read it.`,
      {
        provider: "core",
        status: 200,
        hint: "Check the jwks URL: it must serve the issuer's public key set (a few KiB), not another document.",
        cause,
      },
    );
  }
  return new Response(text, { status: 200, headers: { "content-type": "application/json" } });
}

function resolveKeys(jwks: JwksSource, fetchImpl: FetchLike | undefined): JWTVerifyGetKey {
  if (typeof jwks === "function") return jwks;
  if (typeof jwks === "string" || jwks instanceof URL) {
    const href = new URL(jwks).href;
    // Keyed by URL without a custom fetch only: a custom fetch is a test or a special transport, not shared.
    if (fetchImpl !== undefined) return remoteJwks(href, { fetch: fetchImpl });
    let set = remoteSets.get(href);
    if (set === undefined) {
      set = remoteJwks(href);
      if (remoteSets.size >= 32) remoteSets.delete(remoteSets.keys().next().value as string);
      remoteSets.set(href, set);
    }
    return set;
  }
  if (typeof jwks === "object" && jwks !== null && Array.isArray(jwks.keys)) return createLocalJWKSet(jwks);
  throw new TypeError("jwks must be a JWKS URL, a { keys: [...] } key set, or a jose key resolver");
}

/**
 * Verifies signature, issuer, audience, expiry and `nbf` of `raw` and returns it as a `verified` token.
 *
 * @throws FederationError `expired_subject_token`, `audience_mismatch`, `issuer_untrusted`,
 * `invalid_subject_token` (signature, format, unknown key) or `network`/`timeout` (JWKS unreachable).
 * @example
 * ```ts
 * const token = await verifySubjectToken(jwt, { jwks: "https://idp.example/jwks", issuer: "https://idp.example", audience: "my-app" });
 * ```
 * @public
 */
export async function verifySubjectToken(raw: string, options: VerifyOptions): Promise<SubjectToken> {
  assertVerifyOptions(options, "verifySubjectToken");
  const unverified = decodeSubjectToken(raw, "unverified");
  const keys = resolveKeys(options.jwks, options.fetch);
  const now = options.now ?? (() => Date.now());
  try {
    await jwtVerify(unverified.raw, keys, {
      issuer: options.issuer,
      audience: options.audience,
      algorithms: options.algorithms ?? DEFAULT_ALGORITHMS,
      // A verified token without exp would earn cached credentials with no end (its claims are the cache key).
      requiredClaims: ["exp"],
      ...(options.maxTokenAge === undefined ? {} : { maxTokenAge: options.maxTokenAge }),
      clockTolerance: options.clockToleranceSeconds ?? 60,
      currentDate: new Date(now()),
    });
  } catch (cause) {
    throw verificationError(cause, unverified, options);
  }
  return decodeSubjectToken(unverified.raw, "verified");
}

function verificationError(cause: unknown, token: SubjectToken, options: VerifyOptions): FederationError {
  const subject = summarizeSubject(token);
  const details = { provider: "core", subject, cause };
  // Our own errors from the JWKS fetch (an oversized key set) pass through as they are.
  if (cause instanceof FederationError) return cause;
  if (cause instanceof errors.JWTExpired && cause.claim === "iat") {
    return new FederationError("expired_subject_token", "The bearer token is older than maxTokenAge.", {
      ...details,
      hint: `Tokens older than ${options.maxTokenAge}s (from iat) are refused; get a fresh token from the identity provider.`,
    });
  }
  if (cause instanceof errors.JWTExpired) {
    return new FederationError("expired_subject_token", "The bearer token has expired.", {
      ...details,
      hint: "Get a fresh token from the identity provider.",
    });
  }
  if (cause instanceof errors.JWTClaimValidationFailed) {
    if (cause.reason === "missing" && (cause.claim === "exp" || cause.claim === "iat")) {
      const why = cause.claim === "exp" ? "tokens that never expire are refused" : "maxTokenAge needs it";
      return new FederationError(
        "invalid_subject_token",
        `The bearer token has no ${cause.claim} claim; ${why}.`,
        {
          ...details,
          hint:
            cause.claim === "exp"
              ? "Configure the identity provider to set exp (every OIDC provider does by default)."
              : "Configure the identity provider to set iat, or drop maxTokenAge.",
        },
      );
    }
    if (cause.claim === "aud") {
      return new FederationError("audience_mismatch", "The bearer token's aud is not an allowed audience.", {
        ...details,
        hint: `Allowed: ${JSON.stringify(options.audience)}. Request the token for that audience.`,
      });
    }
    if (cause.claim === "iss") {
      return new FederationError("issuer_untrusted", "The bearer token's iss is not an allowed issuer.", {
        ...details,
        hint: `Allowed: ${JSON.stringify(options.issuer)}.`,
      });
    }
    // Only a failed time check means "not valid yet"; a non-numeric nbf is a malformed token.
    if (cause.claim === "nbf" && cause.reason === "check_failed") {
      return new FederationError("expired_subject_token", "The bearer token is not valid yet (nbf).", {
        ...details,
        hint: "Check clock sync between the issuer and this machine.",
      });
    }
  }
  if (cause instanceof errors.JWKSInvalid) {
    return new FederationError(
      "bad_response",
      "The JWKS endpoint answered something that is not a key set.",
      {
        ...details,
        hint: 'Check the jwks URL: it must serve {"keys": [...]} (the issuer\'s jwks_uri).',
      },
    );
  }
  if (cause instanceof errors.JOSEError && /JSON Web Key Set HTTP response/.test(cause.message)) {
    return new FederationError("provider_unavailable", "The JWKS endpoint did not answer 200 OK.", {
      ...details,
      retryable: true,
      hint: "Check the jwks URL and that the issuer is up.",
    });
  }
  if (cause instanceof errors.JWKSTimeout) {
    return new FederationError("timeout", "Fetching the JWKS timed out.", { ...details, retryable: true });
  }
  if (!(cause instanceof errors.JOSEError) && cause instanceof TypeError) {
    return new FederationError("network", "Fetching the JWKS failed.", {
      ...details,
      retryable: true,
      hint: "Check the JWKS URL and egress to it.",
    });
  }
  return new FederationError(
    "invalid_subject_token",
    "The bearer token failed verification (signature, key or claims).",
    {
      ...details,
      hint: "Check that the token comes from the configured issuer and that its key is in the JWKS.",
    },
  );
}
