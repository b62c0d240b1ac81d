import type { JWK, JWTPayload } from "jose";
import type { JWKS } from "../config.js";
import type { EmulatorContext } from "../context.js";
import { IssuerVerificationError } from "../oidc/errors.js";
import { fetchJson } from "../oidc/fetch-json.js";
import type { SaasBindingConfig, SaasIssuerConfig } from "./config.js";

/** How one verification is run (from the preset and the issuer's settings). @internal */
export interface AssertionRules {
  algorithms: readonly string[];
  requireKid: boolean;
  requireIat: boolean;
  skewSeconds: number;
  maxLifetimeSeconds: number | undefined;
  checkJti: boolean;
  /** `aud` values of which the token must carry at least one, per rule (issuer-level, binding-level, RFC 7523 server). */
  audiences: ReadonlyArray<readonly string[]>;
}

/** Why a token was refused; `transient` when the issuer's keys could not be fetched. @internal */
export class AssertionRefused extends Error {
  readonly transient: boolean;
  constructor(message: string, transient = false) {
    super(message);
    this.transient = transient;
  }
}

/**
 * Verifies signature, algorithm, issuer and times of a token against one trusted issuer, with its keys from
 * discovery (the shared cached verifier), an explicit JWKS URL, or an inline JWKS.
 * @internal
 */
export async function verifyAssertion(
  ctx: EmulatorContext,
  token: string,
  issuer: SaasIssuerConfig,
  rules: AssertionRules,
  seenJti: Map<string, number>,
): Promise<JWTPayload> {
  let payload: JWTPayload;
  try {
    const options = {
      issuer: issuer.issuer,
      algorithms: [...rules.algorithms],
      skewSeconds: rules.skewSeconds,
    };
    const keys = issuer.keys ?? { type: "discovery" };
    if (keys.type === "discovery" && keys.discoveryBase === undefined) {
      ({ payload } = await ctx.issuers.verify(token, options));
    } else {
      ({ payload } = await ctx.issuers.verify(token, { ...options, jwks: await fetchKeys(ctx, keys) }));
    }
    const header = JSON.parse(Buffer.from(token.split(".")[0] ?? "", "base64url").toString("utf8"));
    if (rules.requireKid && typeof header.kid !== "string")
      throw new AssertionRefused("the JWT header has no kid");
  } catch (error) {
    if (error instanceof AssertionRefused) throw error;
    const reason = error instanceof IssuerVerificationError ? error.reason : "jwks_failed";
    throw new AssertionRefused(
      `the token was refused (${reason})`,
      reason === "discovery_failed" || reason === "jwks_failed",
    );
  }
  const nowSeconds = ctx.now() / 1000;
  if (typeof payload.sub !== "string" || payload.sub === "")
    throw new AssertionRefused("the token has no sub");
  if (rules.requireIat && typeof payload.iat !== "number") throw new AssertionRefused("the token has no iat");
  if (rules.maxLifetimeSeconds !== undefined) {
    if (typeof payload.iat !== "number") throw new AssertionRefused("the token has no iat");
    if ((payload.exp as number) - payload.iat > rules.maxLifetimeSeconds)
      throw new AssertionRefused(`exp - iat exceeds ${rules.maxLifetimeSeconds} seconds`);
  }
  const aud = audiencesOf(payload);
  for (const allowed of rules.audiences) {
    if (!aud.some((value) => allowed.includes(value))) throw new AssertionRefused("aud does not match");
  }
  if (rules.checkJti && typeof payload.jti === "string") {
    for (const [seen, until] of seenJti) if (until < nowSeconds - rules.skewSeconds) seenJti.delete(seen);
    const key = `${issuer.issuer}\u0000${payload.jti}`;
    if (seenJti.has(key)) throw new AssertionRefused("the jti was already used");
    seenJti.set(key, payload.exp as number);
  }
  return payload;
}

/** Whether a verified token satisfies a binding's subject, audience and claim rules. @internal */
export function bindingMatches(binding: SaasBindingConfig, payload: JWTPayload): boolean {
  if (binding.enabled === false || binding.issuer !== payload.iss) return false;
  const sub = payload.sub ?? "";
  if (binding.subject !== undefined && sub !== binding.subject) return false;
  if (binding.subjectPrefix !== undefined && !sub.startsWith(binding.subjectPrefix)) return false;
  if (binding.audience !== undefined) {
    const wanted = [binding.audience].flat();
    if (!audiencesOf(payload).some((value) => wanted.includes(value))) return false;
  }
  for (const [name, expected] of Object.entries(binding.claims ?? {})) {
    const actual = Object.hasOwn(payload, name) ? payload[name] : undefined;
    if (typeof actual !== "string" || ![expected].flat().includes(actual)) return false;
  }
  return true;
}

function audiencesOf(payload: JWTPayload): string[] {
  return [payload.aud ?? []].flat().filter((value): value is string => typeof value === "string");
}

async function fetchKeys(
  ctx: EmulatorContext,
  keys: Exclude<NonNullable<SaasIssuerConfig["keys"]>, { type: "discovery"; discoveryBase?: undefined }>,
): Promise<JWKS> {
  if (keys.type === "inline") return keys.jwks;
  let url: string;
  if (keys.type === "jwksUrl") url = keys.url;
  else {
    const base = (keys.discoveryBase ?? "").replace(/\/+$/, "");
    const discovery = await fetchJson(ctx.fetch, `${base}/.well-known/openid-configuration`);
    url = String(discovery["jwks_uri"]);
  }
  const jwks = await fetchJson(ctx.fetch, url);
  if (!Array.isArray(jwks["keys"])) throw new Error("no keys array");
  return { keys: jwks["keys"] as JWK[] as Array<Record<string, unknown>> };
}
