/**
 * The emulated Entra token endpoint: `client_credentials` with a federated client assertion.
 *
 * @packageDocumentation
 */
import { decodeJwt, decodeProtectedHeader, SignJWT } from "jose";
import type { EmulatorContext } from "../context.js";
import { IssuerVerificationError } from "../oidc/errors.js";
import type { SigningKey } from "../oidc/keys.js";
import type { AzureConfig } from "./config.js";
import { aadsts, type EntraFailure, entraErrorResponse } from "./errors.js";
import { matchCredential } from "./match.js";
import { type EntraState, findTenant } from "./state.js";

const ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What the token endpoint needs besides the request. @internal */
export interface TokenEndpointDeps {
  readonly ctx: EmulatorContext;
  readonly state: EntraState;
  readonly config: AzureConfig;
  readonly key: SigningKey;
}

function isFailure(value: unknown): value is EntraFailure {
  return typeof value === "object" && value !== null && "code" in value && "error" in value;
}

function verificationFailure(error: unknown, iss: string, kid: string): EntraFailure {
  if (!(error instanceof IssuerVerificationError)) return aadsts.issuerUnreachable();
  switch (error.reason) {
    case "kid_not_found":
      return aadsts.keyNotFound(kid, iss);
    case "bad_signature":
      return aadsts.badSignature();
    case "alg_not_allowed":
      return aadsts.unsupportedAlg();
    case "malformed":
      return aadsts.malformedAssertion();
    case "expired":
    case "not_yet_valid":
      return aadsts.expired(0, undefined, undefined);
    default:
      return aadsts.issuerUnreachable();
  }
}

async function evaluate(
  deps: TokenEndpointDeps,
  tenantSegment: string,
  form: URLSearchParams,
): Promise<EntraFailure | Response> {
  const { ctx, state, config } = deps;
  const tenant = findTenant(state, tenantSegment);
  if (!tenant) return aadsts.tenantNotFound(tenantSegment);
  const grant = form.get("grant_type");
  if (grant === null) return aadsts.missingParameter("grant_type");
  if (grant !== "client_credentials") return aadsts.unsupportedGrant();
  const clientId = form.get("client_id");
  if (clientId === null || clientId === "") return aadsts.missingParameter("client_id");
  const app = state.apps.get(clientId);
  if (!app || app.tenantId.toLowerCase() !== tenant.tenantId.toLowerCase()) {
    return aadsts.appNotFound(clientId, tenant.tenantId);
  }
  if (form.has("client_secret")) return aadsts.invalidSecret(clientId);
  const assertion = form.get("client_assertion");
  if (assertion === null || assertion === "") return aadsts.missingCredential();
  if (form.get("client_assertion_type") !== ASSERTION_TYPE)
    return aadsts.missingParameter("client_assertion_type");
  const scope = form.get("scope");
  if (scope === null || scope === "") return aadsts.missingParameter("scope");

  let header: { alg?: string; kid?: string };
  let claims: Record<string, unknown>;
  try {
    header = decodeProtectedHeader(assertion);
    claims = decodeJwt(assertion);
  } catch {
    return aadsts.malformedAssertion();
  }
  const iss = typeof claims["iss"] === "string" ? claims["iss"] : "";
  const sub = typeof claims["sub"] === "string" ? claims["sub"] : "";
  const rawAud = claims["aud"];
  const aud =
    typeof rawAud === "string"
      ? [rawAud]
      : Array.isArray(rawAud)
        ? rawAud.filter((a) => typeof a === "string")
        : [];
  if (iss === "" || sub === "" || aud.length === 0) return aadsts.malformedAssertion();
  if (header.alg !== "RS256") return aadsts.unsupportedAlg();

  const now = ctx.now();
  const skew = config.skewSeconds ?? 300;
  const exp = typeof claims["exp"] === "number" ? claims["exp"] : undefined;
  const nbf = typeof claims["nbf"] === "number" ? claims["nbf"] : undefined;
  if (
    exp === undefined ||
    exp * 1000 + skew * 1000 <= now ||
    (nbf !== undefined && nbf * 1000 - skew * 1000 > now)
  ) {
    return aadsts.expired(now, nbf, exp);
  }
  // Matching first means an unknown issuer is never fetched: Entra only contacts issuers an app trusts.
  const matched = matchCredential(app, { iss, sub, aud }, now);
  if (isFailure(matched)) return matched;
  try {
    await ctx.issuers.verify(assertion, { issuer: iss, algorithms: ["RS256"], skewSeconds: skew });
  } catch (error) {
    const failure = verificationFailure(error, iss, header.kid ?? "");
    return failure.code === 700024 ? aadsts.expired(now, nbf, exp) : failure;
  }

  const scopes = scope.split(" ").filter((s) => s !== "");
  if (scopes.length !== 1 || !scopes[0]?.endsWith("/.default")) return aadsts.invalidScope(scope);
  const resource = scopes[0].slice(0, -"/.default".length);
  if (!state.resources.has(resource)) return aadsts.resourceNotFound(resource, tenant.tenantId);
  return issue(deps, app, tenant.tenantId, resource, now);
}

async function issue(
  deps: TokenEndpointDeps,
  app: { clientId: string; objectId: string; roles: string[] },
  tenantId: string,
  resource: string,
  now: number,
): Promise<Response> {
  const { config, key, state } = deps;
  const ttl = config.tokenTtlSeconds ?? 3599;
  const iat = Math.floor(now / 1000);
  const token = await new SignJWT({
    aud: resource,
    iss: `https://sts.windows.net/${tenantId}/`,
    iat,
    nbf: iat,
    exp: iat + ttl,
    aio: "emulator",
    appid: app.clientId,
    appidacr: "2",
    idp: `https://sts.windows.net/${tenantId}/`,
    idtyp: "app",
    oid: app.objectId,
    sub: app.objectId,
    tid: tenantId,
    ...(app.roles.length > 0 ? { roles: app.roles } : {}),
    uti: crypto.randomUUID().replace(/-/g, "").slice(0, 22),
    ver: "1.0",
  })
    .setProtectedHeader({ typ: "JWT", alg: "RS256", kid: key.kid, x5t: key.kid })
    .sign(key.privateKey);
  state.tokensIssued += 1;
  const body: Record<string, unknown> = {
    token_type: "Bearer",
    expires_in: ttl,
    ext_expires_in: ttl,
    access_token: token,
  };
  if (config.refreshInSeconds !== undefined) body["refresh_in"] = config.refreshInSeconds;
  return Response.json(body, { headers: { "cache-control": "no-store, no-cache" } });
}

/**
 * Handles `POST /<tenant>/oauth2/v2.0/token`.
 * @internal
 */
export async function handleTokenRequest(
  deps: TokenEndpointDeps,
  tenant: string,
  request: Request,
): Promise<Response> {
  deps.state.tokenRequests += 1;
  const requested = request.headers.get("client-request-id") ?? "";
  const ids = {
    traceId: deps.ctx.requestId(),
    correlationId: GUID.test(requested) ? requested : deps.ctx.requestId(),
    now: deps.ctx.now(),
  };
  const type = request.headers.get("content-type") ?? "";
  if (!type.toLowerCase().startsWith("application/x-www-form-urlencoded")) {
    return entraErrorResponse(aadsts.missingParameter("grant_type"), ids);
  }
  const form = new URLSearchParams(await request.text());
  const result = await evaluate(deps, tenant, form);
  if (result instanceof Response) {
    result.headers.set("client-request-id", ids.correlationId);
    result.headers.set("x-ms-request-id", ids.traceId);
    return result;
  }
  return entraErrorResponse(result, ids);
}
