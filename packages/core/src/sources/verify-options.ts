/**
 * Option checks shared by `verifySubjectToken` and `requestBearerToken`; internal, not re-exported.
 *
 * @packageDocumentation
 */
import type { VerifyOptions } from "./verify.js";

/**
 * jose skips its issuer and audience checks when they are undefined, so a missing value (an unset environment
 * variable in JavaScript) would silently accept any issuer or audience the JWKS signs for. Refuse it instead.
 * @internal
 */
export function assertVerifyOptions(options: VerifyOptions, where: string): void {
  for (const field of ["issuer", "audience"] as const) {
    const value = options?.[field];
    const list = Array.isArray(value) ? value : [value];
    if (list.length === 0 || list.some((v) => typeof v !== "string" || v === "")) {
      throw new TypeError(
        `${where}: options.${field} must be a non-empty string or array of strings (got ${JSON.stringify(value) ?? "undefined"}); tokens are only verified against an explicit ${field}.`,
      );
    }
  }
  const age = options.maxTokenAge;
  if (age !== undefined && !(typeof age === "number" && Number.isFinite(age) && age > 0)) {
    throw new TypeError(
      `${where}: options.maxTokenAge must be a positive number of seconds (got ${String(age)}); leave it out for no limit beyond exp.`,
    );
  }
}
