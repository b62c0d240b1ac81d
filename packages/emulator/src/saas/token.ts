import type { JWTPayload } from "jose";
import type { EmulatorContext } from "../context.js";
import type { SaasBindingConfig, SaasIssuerConfig, SaasServiceConfig } from "./config.js";
import { GRANT_TOKEN_EXCHANGE, type SaasPreset, TOKEN_TYPE_ACCESS_TOKEN } from "./presets.js";
import { newAccessToken, type RequestParams, readParams, unverifiedIssuer } from "./request.js";
import { type SaasState, seenJtiOf } from "./state.js";
import { AssertionRefused, bindingMatches, verifyAssertion } from "./verify.js";

/** An OAuth error (RFC 6749 §5.2) with its HTTP status. @internal */
class OAuthRefusal extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    description: string,
  ) {
    super(description);
  }
}

// Anthropic and OpenRouter consolidate invalid_grant causes into one message (to prevent enumeration).
const GENERIC_GRANT_MESSAGE = "The token was not accepted.";

/**
 * A token endpoint: RFC 8693 token exchange or RFC 7523 jwt-bearer, with the preset's parameters, encodings,
 * limits and error statuses.
 * @internal
 */
export async function handleSaasToken(
  request: Request,
  ctx: EmulatorContext,
  state: SaasState,
  service: SaasServiceConfig,
  preset: SaasPreset,
): Promise<Response> {
  state.calls.set(service.name, (state.calls.get(service.name) ?? 0) + 1);
  try {
    const body = await exchange(request, ctx, state, service, preset);
    return json(body, 200);
  } catch (error) {
    if (!(error instanceof OAuthRefusal)) throw error;
    state.refusals.push({ service: service.name, error: error.error, cause: error.message });
    const consolidated =
      error.error === "invalid_grant" && service.preset !== "openai" && !service.preset.startsWith("rfc");
    const description = consolidated ? GENERIC_GRANT_MESSAGE : error.message;
    return json({ error: error.error, error_description: description }, error.status);
  }
}

async function exchange(
  request: Request,
  ctx: EmulatorContext,
  state: SaasState,
  service: SaasServiceConfig,
  preset: SaasPreset,
): Promise<Record<string, unknown>> {
  if (request.method !== "POST") throw new OAuthRefusal(405, "invalid_request", "use POST");
  const params = await readParams(request, preset.encodings, preset.maxBodyBytes);
  if ("status" in params)
    throw new OAuthRefusal(params.status as number, "invalid_request", params.description as string);
  if (params["grant_type"] !== preset.grantType)
    throw new OAuthRefusal(400, "unsupported_grant_type", `grant_type must be ${preset.grantType}`);
  const exchangeGrant = preset.grantType === GRANT_TOKEN_EXCHANGE;
  const token = required(params, exchangeGrant ? "subject_token" : "assertion");
  checkRequestShape(params, service, preset, exchangeGrant);
  if (preset.maxAssertionBytes !== undefined && token.length > preset.maxAssertionBytes)
    throw new OAuthRefusal(
      400,
      "invalid_request",
      `the token is larger than ${preset.maxAssertionBytes} bytes`,
    );

  const iss = unverifiedIssuer(token);
  if (iss === undefined)
    throw new OAuthRefusal(
      400,
      exchangeGrant ? "invalid_request" : "invalid_grant",
      "the token is not a JWT",
    );
  const issuerId = preset.issuerParam ? params[preset.issuerParam] : undefined;
  const issuer = (service.issuers ?? []).find(
    (candidate) =>
      candidate.issuer === iss && (issuerId === undefined || (candidate.id ?? candidate.issuer) === issuerId),
  );
  if (!issuer)
    throw new OAuthRefusal(
      400,
      "invalid_grant",
      "the token's issuer is not trusted by this service (or names another provider)",
    );
  const bindingId = preset.bindingParam ? params[preset.bindingParam] : undefined;
  const candidates = (service.bindings ?? []).filter(
    (binding) =>
      binding.issuer === iss &&
      binding.enabled !== false &&
      (bindingId === undefined || binding.id === bindingId),
  );
  if (candidates.length === 0)
    throw new OAuthRefusal(400, "invalid_grant", "no enabled binding for this issuer and id");

  const payload = await verify(ctx, state, service, preset, issuer, token);
  const matching = candidates.filter((binding) => bindingMatches(binding, payload));
  if (matching.length === 0)
    throw new OAuthRefusal(
      400,
      "invalid_grant",
      "the token's claims do not satisfy the binding (sub, aud or claims)",
    );
  const binding = pickTarget(matching, params);
  return issue(ctx, state, service, preset, binding, payload);
}

function checkRequestShape(
  params: RequestParams,
  service: SaasServiceConfig,
  preset: SaasPreset,
  exchangeGrant: boolean,
): void {
  if (exchangeGrant) {
    const type = required(params, "subject_token_type");
    if (!preset.subjectTokenTypes?.includes(type))
      throw new OAuthRefusal(
        400,
        "invalid_request",
        `subject_token_type must be one of ${preset.subjectTokenTypes?.join(", ")}`,
      );
    const requested = params["requested_token_type"];
    if (requested !== undefined && requested !== TOKEN_TYPE_ACCESS_TOKEN)
      throw new OAuthRefusal(
        400,
        "invalid_request",
        `requested_token_type must be ${TOKEN_TYPE_ACCESS_TOKEN}`,
      );
  }
  if (preset.issuerParam) required(params, preset.issuerParam);
  if (preset.bindingParam) required(params, preset.bindingParam);
  if (service.preset === "openai") required(params, "service_account_id");
  if (service.preset === "anthropic" && required(params, "organization_id") !== service.organizationId)
    throw new OAuthRefusal(400, "invalid_grant", "organization_id is not this organization");
  const scope = params["scope"];
  if (scope !== undefined && preset.allowedScopes && !preset.allowedScopes.includes(scope))
    throw new OAuthRefusal(400, "invalid_scope", `scope must be ${preset.allowedScopes.join(" or ")}`);
}

function required(params: RequestParams, name: string): string {
  const value = params[name];
  if (value === undefined || value === "")
    throw new OAuthRefusal(400, "invalid_request", `${name} is required`);
  return value;
}

async function verify(
  ctx: EmulatorContext,
  state: SaasState,
  service: SaasServiceConfig,
  preset: SaasPreset,
  issuer: SaasIssuerConfig,
  token: string,
): Promise<JWTPayload> {
  const audiences: string[][] = [];
  if (issuer.audience !== undefined) audiences.push([issuer.audience]);
  if (service.preset === "rfc7523")
    audiences.push([service.audience ?? `${ctx.urls.saas}/${service.name}${preset.tokenPath}`]);
  try {
    return await verifyAssertion(
      ctx,
      token,
      issuer,
      {
        algorithms: preset.algorithms,
        requireKid: preset.requireKid,
        requireIat: preset.requireIat,
        skewSeconds: preset.skewSeconds,
        maxLifetimeSeconds: issuer.maxLifetimeSeconds ?? preset.maxAssertionLifetimeSeconds,
        checkJti: issuer.checkJti ?? preset.checkJtiDefault,
        audiences,
      },
      seenJtiOf(state, service.name),
    );
  } catch (error) {
    if (!(error instanceof AssertionRefused)) throw error;
    if (error.transient && preset.keyFetchFailureIsTransient)
      throw new OAuthRefusal(
        503,
        "temporarily_unavailable",
        "the issuer's discovery document or JWKS could not be fetched",
      );
    throw new OAuthRefusal(400, "invalid_grant", error.message);
  }
}

/** RFC 8693 §2.1 `audience`/`resource`: a binding with a `target` grants only that one (else `invalid_target`). */
function pickTarget(matching: SaasBindingConfig[], params: RequestParams): SaasBindingConfig {
  const requested = params["audience"] ?? params["resource"];
  // OpenRouter documents audience/resource as "accepted and ignored"; only bindings with a target restrict.
  if (requested === undefined) return matching[0]!;
  const targeted = matching.filter((binding) => binding.target === undefined || binding.target === requested);
  if (targeted.length === 0)
    throw new OAuthRefusal(400, "invalid_target", `the requested audience ${requested} is not granted`);
  return targeted.find((binding) => binding.target === requested) ?? targeted[0]!;
}

function issue(
  ctx: EmulatorContext,
  state: SaasState,
  service: SaasServiceConfig,
  preset: SaasPreset,
  binding: SaasBindingConfig,
  payload: JWTPayload,
): Record<string, unknown> {
  const nowSeconds = Math.floor(ctx.now() / 1000);
  let lifetime = Math.min(
    binding.tokenLifetimeSeconds ?? preset.defaultTokenLifetimeSeconds,
    preset.maxTokenLifetimeSeconds,
  );
  if (preset.capByAssertionExp) lifetime = Math.min(lifetime, (payload.exp as number) - nowSeconds);
  lifetime = Math.max(1, lifetime);
  const accessToken = newAccessToken(preset.tokenPrefix);
  state.tokens.set(accessToken, {
    service: service.name,
    binding: binding.id,
    issuer: payload.iss as string,
    subject: payload.sub as string,
    scope: binding.scope,
    expiresAt: (nowSeconds + lifetime) * 1000,
  });
  return {
    access_token: accessToken,
    ...(preset.issuedTokenType ? { issued_token_type: preset.issuedTokenType } : {}),
    token_type: "Bearer",
    expires_in: lifetime,
    ...(binding.scope ? { scope: binding.scope } : {}),
  };
}

/** A JSON answer that is never cached. @internal */
export function json(body: unknown, status: number, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", "cache-control": "no-store", ...headers },
  });
}
