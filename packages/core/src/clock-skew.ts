/**
 * Clock skew as the cloud saw it: a token the issuer minted moments ago that a cloud calls expired or not yet
 * valid says the two clocks disagree, not that the trust is wrong. Providers measure it from the cloud's `Date`
 * header and say so in the hint, so nobody "fixes" a trust policy for a clock problem.
 *
 * @packageDocumentation
 */
import type { SubjectToken } from "./types.js";

/**
 * Seconds between the token's `iat` and the cloud's clock when it answered (its `Date` header): positive when
 * the cloud's clock is later. `undefined` without a usable `Date` header or numeric `iat`.
 *
 * @example
 * ```ts
 * measureClockSkew(new Headers({ date: "Mon, 07 Dec 2026 01:00:40 GMT" }), token); // e.g. 400
 * ```
 * @public
 */
export function measureClockSkew(headers: Headers, token: SubjectToken): number | undefined {
  const date = Date.parse(headers.get("date") ?? "");
  const iat = token.claims["iat"];
  // Number.isFinite is false for anything that is not a number.
  if (!Number.isFinite(date) || !Number.isFinite(iat)) return undefined;
  return Math.round(date / 1000 - (iat as number));
}

/**
 * The hint for a token a cloud refused as expired or not yet valid: clock skew (with the measured seconds when
 * known) between the issuer and the cloud, never a trust change.
 *
 * @example
 * ```ts
 * clockSkewHint("Google STS", "expired", measureClockSkew(response.headers, token), token);
 * ```
 * @public
 */
export function clockSkewHint(
  cloud: string,
  refusal: "expired" | "not_yet_valid",
  skewSeconds: number | undefined,
  token: SubjectToken,
): string {
  const { iat, exp } = token.claims;
  const lived = typeof iat === "number" && typeof exp === "number" ? `; it lives ${exp - iat} s` : "";
  const measured =
    skewSeconds === undefined
      ? "no Date header to measure the skew"
      : `${cloud}'s clock read ${Math.abs(skewSeconds)} s ${skewSeconds < 0 ? "before" : "after"} its iat${lived}`;
  return `${cloud} found the token ${refusal === "expired" ? "already expired" : "not yet valid"} (${measured}): clock skew between the issuer and ${cloud}; change no trust policy, fix the issuer's clock (NTP).`;
}
