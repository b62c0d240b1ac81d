/**
 * Subject tokens and where they come from.
 *
 * @packageDocumentation
 */
import type { Clock } from "./runtime.js";

/** Decoded JWT claims. @public */
export interface TokenClaims {
  readonly iss?: string;
  readonly sub?: string;
  readonly aud?: string | readonly string[];
  readonly exp?: number;
  readonly nbf?: number;
  readonly iat?: number;
  readonly jti?: string;
  readonly [claim: string]: unknown;
}

/**
 * How far a token's claims can be believed.
 * - `verified`: signature, an allowed issuer, audience and expiry were checked by fedkit.
 * - `minted`: fedkit signed it itself (the site issuer).
 * - `unverified`: decoded only; its claims must not decide anything that matters (cache keys use a hash of the
 *   raw token instead).
 * @public
 */
export type TokenTrust = "verified" | "minted" | "unverified";

/**
 * A subject token: the raw JWT that goes to the cloud, and its decoded claims.
 * The `raw` value is a secret: it is never logged, audited or put in an error.
 * @public
 */
export interface SubjectToken {
  readonly raw: string;
  readonly claims: TokenClaims;
  readonly header: { readonly alg?: string; readonly kid?: string; readonly typ?: string };
  readonly trust: TokenTrust;
}

/** What a {@link SubjectTokenSource} is asked for. @public */
export interface TokenRequest {
  /** The audience the target cloud expects in `aud`; sources that mint tokens use it, others check it. */
  readonly audience: string;
  /** The clock of the federation, for expiry checks. */
  readonly now: Clock;
  readonly signal?: AbortSignal;
}

/**
 * Where subject tokens come from: a static value, an environment variable, an incoming request's bearer
 * token, a file (Node), the site issuer (Netlify), or a chain of these.
 * @public
 */
export interface SubjectTokenSource {
  /** A short name for audit and errors (`static`, `env:FOO`, `request`, `site-issuer`, ...). */
  readonly name: string;
  getToken(request: TokenRequest): Promise<SubjectToken>;
  /**
   * Optional: the token `getToken` would yield for `audience` at time `now` (milliseconds, the federation's
   * clock), if it is already at hand without any I/O or verification (a static token, a token already minted
   * for that audience and still fresh), else `undefined`. Lets the engine's cache-hit path skip an `await`;
   * sources whose token can change between calls (environment, file, request) leave it out or return
   * `undefined`, and the engine then calls `getToken`. Sources that serve one token ignore both arguments.
   */
  peek?(audience: string, now: number): SubjectToken | undefined;
}
