/**
 * Google STS `POST /v1/token`: RFC 8693 token exchange against a workload identity pool provider.
 *
 * @packageDocumentation
 */
import type { EmulatorContext } from "../context.js";
import { IssuerVerificationError } from "../oidc/errors.js";
import { fromCel } from "./cel.js";
import { json, newAccessToken, oauthError } from "./respond.js";
import { countCall, type GcpPrincipal, type GcpProviderState, gcpState } from "./state.js";

const GRANT = "urn:ietf:params:oauth:grant-type:token-exchange";
const ACCESS_TOKEN = "urn:ietf:params:oauth:token-type:access_token";
const SUBJECT_TYPES = ["urn:ietf:params:oauth:token-type:jwt", "urn:ietf:params:oauth:token-type:id_token"];
const AUDIENCE =
  /^\/\/iam\.googleapis\.com\/projects\/\d+\/locations\/global\/workloadIdentityPools\/[^/]+\/providers\/[^/]+$/;
const MAX_LIFETIME_SECONDS = 48 * 3600;
const INVALID_TARGET =
  'The target service indicated by the "audience" parameters is invalid. This might either be because the pool or provider is disabled or deleted or because it doesn\'t exist.';

/** Handles one STS request. @internal */
export async function handleSts(request: Request, ctx: EmulatorContext): Promise<Response> {
  const url = new URL(request.url);
  if (request.method !== "POST" || url.pathname !== "/v1/token") {
    return oauthError(
      "invalid_request",
      `Unsupported ${request.method} ${url.pathname}; use POST /v1/token.`,
      404,
    );
  }
  const state = gcpState(ctx);
  countCall(state, "sts");
  const form = new URLSearchParams(await request.text());
  if (form.get("grant_type") !== GRANT) {
    return oauthError("unsupported_grant_type", `Unsupported grant type: "${form.get("grant_type") ?? ""}".`);
  }
  const audience = form.get("audience") ?? "";
  if (!AUDIENCE.test(audience)) {
    return oauthError(
      "invalid_request",
      'Invalid value for "audience". This value should be the full resource name of the Identity Provider. See https://cloud.google.com/iam/docs/reference/sts/rest/v1/TopLevel/token for the list of possible formats.',
    );
  }
  const provider = state.providers.get(audience);
  if (!provider || provider.poolDisabled || provider.config.disabled)
    return oauthError("invalid_target", INVALID_TARGET);
  if (form.get("requested_token_type") !== ACCESS_TOKEN) {
    return oauthError(
      "invalid_request",
      `Invalid requested_token_type: "${form.get("requested_token_type") ?? ""}".`,
    );
  }
  if (!SUBJECT_TYPES.includes(form.get("subject_token_type") ?? "")) {
    return oauthError(
      "invalid_request",
      `Invalid subject_token_type: "${form.get("subject_token_type") ?? ""}".`,
    );
  }
  const subjectToken = form.get("subject_token");
  if (!subjectToken) return oauthError("invalid_request", "The subject_token is missing.");
  const outcome = await exchange(subjectToken, provider, ctx);
  if (outcome instanceof Response) return outcome;
  const scopes = (form.get("scope") ?? "").split(" ").filter(Boolean);
  const ttl = ctx.config.gcp?.federatedTokenTtlSeconds ?? 3600;
  const token = newAccessToken();
  state.tokens.set(token, { principal: outcome, scopes, expiresAt: ctx.now() + ttl * 1000 });
  return json(200, {
    access_token: token,
    issued_token_type: ACCESS_TOKEN,
    token_type: "Bearer",
    expires_in: ttl,
    ...(scopes.length > 0 ? { scope: scopes.join(" ") } : {}),
  });
}

function verificationMessage(
  error: IssuerVerificationError,
  provider: GcpProviderState,
  iss: unknown,
): string {
  switch (error.reason) {
    case "issuer_mismatch":
      return `The issuer in ID Token [${String(iss)}] does not match the expected issuer [${provider.config.issuerUri}].`;
    case "expired":
      return "ID Token issued at or expiring at an invalid time: the token has expired.";
    case "not_yet_valid":
      return "ID Token issued at or expiring at an invalid time: the token is not yet valid.";
    case "kid_not_found":
    case "bad_signature":
      return "Invalid JWT signature: the token was not signed by a key of the provider's JWKS.";
    case "alg_not_allowed":
      return "Invalid JWT: the signing algorithm is not supported.";
    case "discovery_failed":
    case "jwks_failed":
      return `Unable to fetch the OIDC discovery document or JWKS of issuer [${provider.config.issuerUri}].`;
    default:
      return "Unable to parse the ID Token.";
  }
}

/**
 * Google STS's own rules for an OIDC subject token, beyond `exp`: `iat` is mandatory and `exp` must be less than 48
 * hours after it (STS v1 `ExchangeTokenRequest.subjectToken`,
 * https://cloud.google.com/iam/docs/reference/sts/rest/v1/TopLevel/token). `iat` in the future is refused by the
 * verifier (with the configured skew).
 */
function lifetimeProblem(payload: Record<string, unknown>): string | undefined {
  const { iat, exp } = payload;
  if (typeof iat !== "number")
    return "ID Token issued at or expiring at an invalid time: the iat claim is required.";
  if (typeof exp === "number" && exp - iat >= MAX_LIFETIME_SECONDS)
    return "ID Token issued at or expiring at an invalid time: exp must be less than 48 hours after iat.";
  return undefined;
}

async function exchange(
  raw: string,
  provider: GcpProviderState,
  ctx: EmulatorContext,
): Promise<GcpPrincipal | Response> {
  let payload: Record<string, unknown>;
  try {
    const verified = await ctx.issuers.verify(raw, {
      issuer: provider.config.issuerUri,
      algorithms: ["RS256", "ES256"],
      skewSeconds: ctx.config.gcp?.skewSeconds ?? 30,
      ...(provider.config.jwks ? { jwks: provider.config.jwks } : {}),
    });
    payload = verified.payload as Record<string, unknown>;
  } catch (error) {
    if (!(error instanceof IssuerVerificationError)) throw error;
    return oauthError("invalid_grant", verificationMessage(error, provider, error.issuer));
  }
  const lifetime = lifetimeProblem(payload);
  if (lifetime) return oauthError("invalid_grant", lifetime);
  const allowed = provider.config.allowedAudiences ?? [provider.resource, `https:${provider.resource}`];
  const auds = Array.isArray(payload["aud"]) ? payload["aud"] : [payload["aud"]];
  if (!auds.some((aud) => typeof aud === "string" && allowed.includes(aud))) {
    return oauthError(
      "invalid_grant",
      `The audience in ID Token [${auds.join(", ")}] does not match the expected audience.`,
    );
  }
  const google: Record<string, unknown> = {};
  const attribute: Record<string, unknown> = {};
  for (const [target, expression] of provider.mapping) {
    let value: unknown;
    try {
      value = fromCel(expression({ assertion: payload }));
    } catch (error) {
      return oauthError(
        "invalid_grant",
        `The attribute mapping for ${target} could not be evaluated: ${(error as Error).message}.`,
      );
    }
    const [space, name] = target.split(".") as [string, string];
    (space === "google" ? google : attribute)[name] = value;
  }
  const subject = google["subject"];
  if (typeof subject !== "string" || subject === "") {
    return oauthError("invalid_grant", "The mapped attribute google.subject must be a non-empty string.");
  }
  if (new TextEncoder().encode(subject).length > 127) {
    return oauthError(
      "invalid_grant",
      "The size of mapped attribute google.subject exceeds the 127 bytes limit.",
    );
  }
  if (provider.condition) {
    let passed: unknown;
    try {
      passed = provider.condition({ assertion: payload, google, attribute });
    } catch {
      passed = false;
    }
    if (passed !== true) {
      return oauthError(
        "unauthorized_client",
        "The given credential is rejected by the attribute condition.",
      );
    }
  }
  const attributes: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(attribute)) {
    if (typeof value === "string" || (Array.isArray(value) && value.every((v) => typeof v === "string"))) {
      attributes[name] = value as string | string[];
    }
  }
  const groups = Array.isArray(google["groups"])
    ? (google["groups"] as unknown[]).filter((g): g is string => typeof g === "string")
    : [];
  return { kind: "federated", poolPath: provider.poolPath, subject, attributes, groups };
}
