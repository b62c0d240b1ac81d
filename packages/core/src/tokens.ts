/**
 * Subject tokens: decoding, the early checks fedkit makes before any exchange (`exp`/`nbf`, `aud`), and the
 * safe-to-log summary of who is presenting.
 *
 * @packageDocumentation
 */
import { type FederationErrorCode, fail, type SubjectSummary } from "./errors.js";
import type { SubjectToken, TokenClaims, TokenTrust } from "./types.js";
import { base64urlText } from "./util/encoding.js";
import { MAX_SUBJECT_TOKEN_LENGTH, tooLong } from "./util/token-size.js";

export { MAX_SUBJECT_TOKEN_LENGTH };

/** Default clock skew tolerated on `exp` and `nbf`, in seconds. @public */
export const DEFAULT_CLOCK_SKEW_SECONDS = 60;

const MAX_CLAIM_LENGTH = 256;
/** Objects and arrays nested in a token's parts deeper than this are refused; real claims nest a few levels. */
const MAX_CLAIM_DEPTH = 64;

/**
 * Decodes a compact JWS into a {@link SubjectToken} without verifying it. The result is `unverified` unless the
 * caller says otherwise: pass `"verified"` only after checking signature, issuer, audience and expiry yourself
 * (see `verifySubjectToken`), because verified claims decide cache keys.
 *
 * @throws FederationError `invalid_subject_token` when the value is not a JWT (the message never echoes it).
 * @example
 * ```ts
 * const token = decodeSubjectToken(process.env.OIDC_TOKEN!);
 * console.log(summarizeSubject(token)); // { iss, sub, aud }
 * ```
 * @public
 */
export function decodeSubjectToken(raw: string, trust: TokenTrust = "unverified"): SubjectToken {
  const value = typeof raw === "string" ? raw.trim() : "";
  if (value === "") {
    throw fail(
      "invalid_subject_token",
      "The subject token is empty or not a string.",
      "core",
      "Pass the raw OIDC token (a JWT).",
    );
  }
  if (raw.length > MAX_SUBJECT_TOKEN_LENGTH) throw tooLong(raw.length);
  let claims: TokenClaims;
  let header: SubjectToken["header"];
  try {
    // Three parts: a JWS in compact form. Five would be a JWE, which no cloud takes as a subject token. Found by
    // position, not split: the signature (most of the token) is never cut out, and no array is made.
    const first = value.indexOf(".");
    const second = value.indexOf(".", first + 1);
    if (first < 0 || second < 0 || value.includes(".", second + 1)) throw new TypeError("expected 3 parts");
    header = headerOf(decodePart(value.slice(0, first)));
    claims = decodePart(value.slice(first + 1, second)) as TokenClaims;
  } catch (cause) {
    throw fail(
      "invalid_subject_token",
      "The subject token is not a decodable JWT.",
      "core",
      "The source must yield the raw JWT (no 'Bearer ', no quotes; not a JWE).",
      { cause: new Error(cause instanceof Error ? cause.name : "decode failed") },
    );
  }
  return Object.freeze({ raw: value, claims: Object.freeze(claims), header: Object.freeze(header), trust });
}

/**
 * Gives every JSON object of `value` a null prototype, in place: a claim named `__proto__`, `constructor` or
 * `toString` is then an ordinary own property (no setter, nothing inherited), so `claims[name]` only ever finds
 * what the token carries and no later copy of the claims can reach `Object.prototype`. `JSON.parse` already made
 * `__proto__` an own property, never the prototype. In place, not rebuilt: `Object.create(null)` objects live in
 * V8's slow (dictionary) mode, and building, freezing and reading them cost a cold exchange more than the parse.
 */
function nullPrototype(value: unknown, depth = 0): unknown {
  if (value !== null && typeof value === "object") {
    // Nesting is capped here, where every decoded claim set passes: a token that decodes can be keyed
    // (canonicalJson recurses too), instead of overflowing the stack there and failing as something else.
    if (depth > MAX_CLAIM_DEPTH) throw new TypeError("claims nested too deep");
    if (!Array.isArray(value)) Object.setPrototypeOf(value, null);
    // Own keys only (arrays keep their prototype; their items are walked too).
    // An indexed loop: no iterator per object (a cold exchange decodes its token in the interpreter).
    const names = Object.keys(value);
    for (let i = 0; i < names.length; i++)
      nullPrototype((value as Record<string, unknown>)[names[i]!], depth + 1);
  }
  return value;
}

/** One base64url JSON object part of a JWS (no jose on the default entry: this is all decoding needs). */
function decodePart(part: string): Record<string, unknown> {
  const value = nullPrototype(JSON.parse(base64urlText(part)));
  if (value === null || typeof value !== "object" || Array.isArray(value))
    throw new TypeError("not a JSON object");
  return value as Record<string, unknown>;
}

/** The header fields a token keeps (`alg`, `kid`, `typ`) when they are strings, each read by its name. */
function headerOf(h: Record<string, unknown>): SubjectToken["header"] {
  const out: { alg?: string; kid?: string; typ?: string } = {};
  const { alg, kid, typ } = h;
  if (typeof alg === "string") out.alg = alg;
  if (typeof kid === "string") out.kid = kid;
  if (typeof typ === "string") out.typ = typ;
  return out;
}

/**
 * Fails early when the token has no `exp`, is expired or not yet valid, allowing `skewSeconds` of clock skew.
 * A token without a numeric `exp` is refused whatever its trust: every cloud refuses one anyway, and the engine
 * serves cached credentials only while the token that earned them is valid, which needs an end.
 *
 * @throws FederationError `invalid_subject_token` without a numeric `exp`; `expired_subject_token` with a hint
 * saying by how much.
 * @example
 * ```ts
 * checkTokenTimes(token, Date.now()); // throws if exp has passed
 * ```
 * @public
 */
export function checkTokenTimes(
  token: SubjectToken,
  now: number,
  skewSeconds = DEFAULT_CLOCK_SKEW_SECONDS,
): void {
  const { exp, nbf } = token.claims;
  const skewMs = skewSeconds * 1000;
  if (typeof exp !== "number" || !Number.isFinite(exp))
    throw timesRefusal(
      token,
      "has no numeric exp claim",
      "Use a token with an exp claim.",
      "invalid_subject_token",
    );
  if (exp * 1000 + skewMs <= now)
    throw timesRefusal(
      token,
      `expired ${Math.round((now - exp * 1000) / 1000)}s ago`,
      "Fetch a fresh token per exchange.",
    );
  if (typeof nbf === "number" && nbf * 1000 - skewMs > now)
    throw timesRefusal(
      token,
      `is not valid for another ${Math.round((nbf * 1000 - now) / 1000)}s (nbf)`,
      "Check the issuer's and this machine's clocks.",
    );
}

/** The error of {@link checkTokenTimes}: built only when a token is refused (no closure per check). */
function timesRefusal(
  token: SubjectToken,
  message: string,
  hint: string,
  code: FederationErrorCode = "expired_subject_token",
) {
  return fail(code, `The subject token ${message}.`, "core", hint, { subject: summarizeSubject(token) });
}

/**
 * Fails early when the token's `aud` does not contain what the provider expects, instead of letting the cloud
 * answer with a cryptic error.
 *
 * @throws FederationError `audience_mismatch` naming the presented and the expected audience.
 * @example
 * ```ts
 * checkTokenAudience(token, "sts.amazonaws.com", "aws");
 * ```
 * @public
 */
export function checkTokenAudience(token: SubjectToken, audience: string, provider = "core"): void {
  const aud = token.claims.aud;
  // The usual single audience is compared as is; a list only for an array (or to name what was presented).
  if (typeof aud === "string" ? aud === audience : Array.isArray(aud) && aud.includes(audience)) return;
  const list = typeof aud === "string" ? [aud] : Array.isArray(aud) ? aud : [];
  const shown = list.length === 0 ? "no aud claim" : `aud ${JSON.stringify(list.map(clip))}`;
  throw fail(
    "audience_mismatch",
    `The subject token has ${shown}; ${provider} expects "${clip(audience)}".`,
    provider,
    `Request the token for audience "${clip(audience)}", or set the provider's audience to the token's.`,
    { subject: summarizeSubject(token) },
  );
}

/**
 * The presented identity as far as it is safe to show: `iss`, `sub` and `aud` (each clipped to 256 chars).
 * Never the token, never other claims.
 *
 * @example
 * ```ts
 * summarizeSubject(token); // { iss: "https://idp.example", sub: "repo:org/app", aud: "sts.amazonaws.com" }
 * ```
 * @public
 */
export function summarizeSubject(token: SubjectToken): SubjectSummary {
  // Each claim read by its name (not in a loop over names): one property load per claim, as every exchange's audit
  // event runs this.
  const { iss, sub, aud } = token.claims;
  const out: { iss?: string; sub?: string; aud?: string | readonly string[] } = {};
  if (typeof iss === "string") out.iss = clip(iss);
  if (typeof sub === "string") out.sub = clip(sub);
  if (typeof aud === "string") out.aud = clip(aud);
  else if (Array.isArray(aud))
    out.aud = aud
      .filter((a): a is string => typeof a === "string")
      .slice(0, 8)
      .map(clip);
  return out;
}

function clip(value: string): string {
  return value.length > MAX_CLAIM_LENGTH ? `${value.slice(0, MAX_CLAIM_LENGTH)}…` : value;
}
