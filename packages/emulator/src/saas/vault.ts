import type { JWTPayload } from "jose";
import type { EmulatorContext } from "../context.js";
import type { SaasServiceConfig } from "./config.js";
import { newAccessToken, readParams, unverifiedIssuer } from "./request.js";
import { type SaasState, seenJtiOf } from "./state.js";
import { json } from "./token.js";
import { AssertionRefused, bindingMatches, verifyAssertion } from "./verify.js";

// Vault role defaults (api-docs/auth/jwt): clock_skew_leeway 60; lease from the role's token fields.
const VAULT_SKEW_SECONDS = 60;
const VAULT_LEASE_SECONDS = 2764800;

function vaultError(status: number, message: string): Response {
  // Vault answers every status >= 400 with {"errors": [...]} (api-docs/index).
  return json({ errors: [message] }, status);
}

/**
 * Vault/OpenBao JWT auth login, `POST /v1/auth/jwt/login` with JSON `{ role, jwt }`: the role is a binding
 * (`bound_audiences` = `audience`, `bound_subject` = `subject`, `bound_claims` = `claims`); the answer's
 * `auth.client_token` is accepted by the echo API as `X-Vault-Token` or a bearer.
 * @internal
 */
export async function handleVaultLogin(
  request: Request,
  ctx: EmulatorContext,
  state: SaasState,
  service: SaasServiceConfig,
): Promise<Response> {
  state.calls.set(service.name, (state.calls.get(service.name) ?? 0) + 1);
  if (request.method !== "POST") return vaultError(405, "unsupported operation");
  const params = await readParams(request, ["json"]);
  if ("status" in params) return vaultError(400, String(params.description));
  const jwt = params["jwt"];
  if (!jwt) return vaultError(400, "missing token");
  const role = (service.bindings ?? []).find(
    (binding) => binding.id === params["role"] && binding.enabled !== false,
  );
  if (!role) return vaultError(400, `role "${params["role"] ?? ""}" could not be found`);
  const refuse = (cause: string) => {
    state.refusals.push({ service: service.name, error: "permission denied", cause });
    return vaultError(403, `error validating token: ${cause}`);
  };
  if (role.audience === undefined) return refuse("the role has no bound_audiences (required for jwt roles)");
  const issuer = (service.issuers ?? []).find(
    (candidate) => candidate.issuer === unverifiedIssuer(jwt) && candidate.issuer === role.issuer,
  );
  if (!issuer) return refuse("issuer is not the bound issuer");
  let payload: JWTPayload;
  try {
    payload = await verifyAssertion(
      ctx,
      jwt,
      issuer,
      {
        algorithms: [
          "RS256",
          "RS384",
          "RS512",
          "ES256",
          "ES384",
          "ES512",
          "PS256",
          "PS384",
          "PS512",
          "EdDSA",
        ],
        requireKid: false,
        requireIat: false,
        skewSeconds: VAULT_SKEW_SECONDS,
        maxLifetimeSeconds: issuer.maxLifetimeSeconds,
        checkJti: issuer.checkJti ?? false,
        audiences: [],
      },
      seenJtiOf(state, service.name),
    );
  } catch (error) {
    if (error instanceof AssertionRefused) return refuse(error.message);
    throw error;
  }
  if (!bindingMatches(role, payload))
    return refuse("claims do not match the role's bound_subject, bound_audiences or bound_claims");
  const clientToken = newAccessToken("hvs.emu");
  const lease = Math.min(role.tokenLifetimeSeconds ?? VAULT_LEASE_SECONDS, VAULT_LEASE_SECONDS);
  state.tokens.set(clientToken, {
    service: service.name,
    binding: role.id,
    issuer: issuer.issuer,
    subject: payload.sub as string,
    scope: role.scope,
    expiresAt: ctx.now() + lease * 1000,
  });
  return json(
    {
      request_id: ctx.requestId(),
      lease_id: "",
      renewable: false,
      lease_duration: 0,
      data: null,
      wrap_info: null,
      warnings: null,
      auth: {
        client_token: clientToken,
        accessor: crypto.randomUUID(),
        policies: ["default", ...(role.scope ?? "").split(" ").filter(Boolean)],
        metadata: { role: role.id },
        lease_duration: lease,
        renewable: true,
      },
    },
    200,
  );
}
