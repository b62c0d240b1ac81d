/**
 * Why a token could not be verified against its issuer. Each emulated cloud maps the reason to its own error
 * code and wording (AWS `InvalidIdentityToken`/`ExpiredTokenException`, Google `invalid_grant`, Entra AADSTS…).
 * @public
 */
export type IssuerVerificationReason =
  | "malformed"
  | "discovery_failed"
  | "jwks_failed"
  | "kid_not_found"
  | "bad_signature"
  | "alg_not_allowed"
  | "expired"
  | "not_yet_valid"
  | "issuer_mismatch";

/**
 * Thrown by {@link IssuerVerifier.verify}. The message never contains the token.
 *
 * @example
 * ```ts
 * declare function expiredAnswer(): Response; // the service's "token expired" answer
 * try { await verifier.verify(token); }
 * catch (e) { if (e instanceof IssuerVerificationError && e.reason === "expired") return expiredAnswer(); }
 * ```
 * @public
 */
export class IssuerVerificationError extends Error {
  override readonly name = "IssuerVerificationError";
  readonly reason: IssuerVerificationReason;
  /** The issuer the token named (or the one expected), when known. */
  readonly issuer: string | undefined;

  constructor(
    reason: IssuerVerificationReason,
    message: string,
    issuer?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.reason = reason;
    this.issuer = issuer;
  }
}
