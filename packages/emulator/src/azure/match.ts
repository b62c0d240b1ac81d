/**
 * Matching an assertion against an app's federated identity credentials, as Entra does: issuer, subject and
 * audience compared exactly (case-sensitive); the most specific mismatch is reported.
 *
 * @packageDocumentation
 */
import { aadsts, type EntraFailure } from "./errors.js";
import type { EntraApp, FederatedCredential } from "./state.js";

/** The claims that take part in matching. @public */
export interface AssertionClaims {
  readonly iss: string;
  readonly sub: string;
  readonly aud: readonly string[];
}

/**
 * Returns the matching credential, or the failure Entra reports: 70021 when the app has no credential in effect,
 * 700211 (issuer), 700212 (audience), 7002138 (subject differs only by case), 700213 (subject).
 *
 * @example
 * ```ts
 * const result = matchCredential(app, { iss, sub, aud: ["api://AzureADTokenExchange"] }, Date.now());
 * if ("code" in result) console.log(`AADSTS${result.code}: ${result.message}`);
 * ```
 * @public
 */
export function matchCredential(
  app: EntraApp,
  claims: AssertionClaims,
  now: number,
): FederatedCredential | EntraFailure {
  const inEffect = app.federatedCredentials.filter((fic) => fic.effectiveAt <= now);
  const audText = claims.aud.join(",");
  if (inEffect.length === 0) return aadsts.noMatch(claims.iss, claims.sub, audText);
  const byIssuer = inEffect.filter((fic) => fic.issuer === claims.iss);
  if (byIssuer.length === 0) return aadsts.issuerNoMatch(claims.iss);
  const byAudience = byIssuer.filter((fic) => claims.aud.includes(fic.audience));
  if (byAudience.length === 0) return aadsts.audienceNoMatch(audText);
  const exact = byAudience.find((fic) => fic.subject === claims.sub);
  if (exact) return exact;
  const lower = claims.sub.toLowerCase();
  if (byAudience.some((fic) => fic.subject.toLowerCase() === lower)) return aadsts.subjectCase(claims.sub);
  return aadsts.subjectNoMatch(claims.sub);
}
