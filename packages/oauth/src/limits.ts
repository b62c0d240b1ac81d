/**
 * Limits services document for the subject token, checked before it leaves: refusing locally costs no
 * exchange and explains more than the service's consolidated `invalid_grant`.
 *
 * @packageDocumentation
 */
import type { SubjectToken } from "@fedkit/core";
import { FederationError } from "@fedkit/core";
import { summarizeSubject } from "@fedkit/core/provider";

/** A service's documented limits on subject tokens. @internal */
export interface SubjectLimits {
  readonly provider: string;
  /** Largest `exp - iat` in seconds (Anthropic: the issuer's `max_jwt_lifetime_seconds`, 3600 by default). */
  readonly maxLifetimeSeconds?: number;
  /** Claims the service requires (OpenAI: `iat`; Anthropic: `iat`). */
  readonly requiredClaims?: readonly string[];
}

/** Throws `invalid_subject_token` when the token breaks one of `limits`. @internal */
export function checkSubjectLimits(subject: SubjectToken, limits: SubjectLimits): void {
  const fail = (message: string, hint: string) =>
    new FederationError("invalid_subject_token", `${limits.provider}: ${message}`, {
      provider: limits.provider,
      subject: summarizeSubject(subject),
      hint,
    });
  for (const claim of limits.requiredClaims ?? []) {
    if (subject.claims[claim] === undefined) {
      throw fail(`the subject token has no ${claim} claim.`, `Have the issuer put ${claim} in its tokens.`);
    }
  }
  const { iat, exp } = subject.claims;
  if (limits.maxLifetimeSeconds !== undefined && typeof iat === "number" && typeof exp === "number") {
    if (exp - iat > limits.maxLifetimeSeconds) {
      throw fail(
        `the subject token lives ${exp - iat} s (exp - iat); the service accepts at most ${limits.maxLifetimeSeconds} s.`,
        "Mint shorter-lived tokens. Raise maxJwtLifetimeSeconds only to what the issuer is registered with.",
      );
    }
  }
}
