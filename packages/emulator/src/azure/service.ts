/**
 * The `entra` listener: Microsoft Entra's v2 endpoints for one or more tenants — OpenID discovery, signing keys
 * and the token endpoint (client credentials with a federated client assertion).
 *
 * @packageDocumentation
 */
import type { EmulatorContext } from "../context.js";
import { createSigningKey } from "../oidc/keys.js";
import type { ServiceDefinition, ServiceHandler } from "../services.js";
import { validateAzureConfig } from "./config.js";
import { aadsts, entraErrorResponse } from "./errors.js";
import { createEntraState, ENTRA_STATE_KEY, type EntraState, findTenant } from "./state.js";
import { handleTokenRequest } from "./token.js";

const ROUTE =
  /^\/([^/]+)\/(oauth2\/v2\.0\/token|v2\.0\/\.well-known\/openid-configuration|discovery\/v2\.0\/keys)$/;

function discovery(base: string, tenantId: string): Record<string, unknown> {
  const root = `${base}/${tenantId}`;
  return {
    token_endpoint: `${root}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ["client_secret_post", "private_key_jwt", "client_secret_basic"],
    jwks_uri: `${root}/discovery/v2.0/keys`,
    response_modes_supported: ["query", "fragment", "form_post"],
    subject_types_supported: ["pairwise"],
    id_token_signing_alg_values_supported: ["RS256"],
    response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
    scopes_supported: ["openid", "profile", "email", "offline_access"],
    issuer: `${root}/v2.0`,
    request_uri_parameter_supported: false,
    authorization_endpoint: `${root}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${root}/oauth2/v2.0/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${root}/oauth2/v2.0/logout`,
    claims_supported: ["sub", "iss", "aud", "exp", "iat", "nbf", "tid", "ver", "oid", "appid"],
    tenant_region_scope: "EU",
    cloud_instance_name: "microsoftonline.com",
    cloud_graph_host_name: "graph.windows.net",
    msgraph_host: "graph.microsoft.com",
  };
}

async function createEntra(ctx: EmulatorContext): Promise<ServiceHandler> {
  const config = ctx.config.azure ?? {};
  const state = createEntraState(config, () => ctx.now());
  ctx.state.services.set(ENTRA_STATE_KEY, state);
  const key = await createSigningKey("RS256", `entra-${crypto.randomUUID().slice(0, 8)}`);
  const deps = { ctx, state, config, key };
  return async (request) => {
    state.httpRequests += 1;
    const url = new URL(request.url);
    const match = ROUTE.exec(url.pathname);
    if (!match) return new Response("not found", { status: 404 });
    const [, tenantSegment = "", route] = match;
    const tenantName = decodeURIComponent(tenantSegment);
    if (route === "oauth2/v2.0/token") {
      if (request.method !== "POST")
        return new Response("method not allowed", { status: 405, headers: { allow: "POST" } });
      return handleTokenRequest(deps, tenantName, request);
    }
    if (request.method !== "GET" && request.method !== "HEAD") {
      return new Response("method not allowed", { status: 405, headers: { allow: "GET" } });
    }
    const tenant = findTenant(state, tenantName);
    if (!tenant) {
      const ids = { traceId: ctx.requestId(), correlationId: ctx.requestId(), now: ctx.now() };
      return entraErrorResponse(aadsts.tenantNotFound(tenantName), ids);
    }
    const base = ctx.urls.entra ?? url.origin;
    if (route === "discovery/v2.0/keys") return Response.json({ keys: [{ ...key.publicJwk, x5t: key.kid }] });
    return Response.json(discovery(base, tenant.tenantId));
  };
}

/**
 * Registry entry of the Entra service (runs when the config has an `azure` section).
 * @internal
 */
export const entraService: ServiceDefinition = {
  name: "entra",
  enabled: (config) => config.azure !== undefined,
  configSection: "azure",
  validateConfig: validateAzureConfig,
  create: createEntra,
};

/**
 * The emulated Entra directory of a running emulator (add credentials, count token requests).
 *
 * @example
 * ```ts
 * const entra = entraState(emulator.state);
 * entra.addFederatedCredential(clientId, { issuer, subject }, { propagationMs: 2000 });
 * ```
 * @public
 */
export function entraState(state: { services: Map<string, unknown> }): EntraState {
  const found = state.services.get(ENTRA_STATE_KEY) as EntraState | undefined;
  if (!found) throw new TypeError("the emulator runs no Entra service; add an `azure` section to its config");
  return found;
}
