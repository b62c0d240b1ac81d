/**
 * The Entra provider: a federated client assertion exchanged for an access token in one round trip.
 *
 * @packageDocumentation
 */

import type { AccessToken, Provider, SubjectToken } from "@fedkit/core";
import type { ExchangeContext, ExchangeResult } from "@fedkit/core/provider";
import {
  cloudFailure,
  expiresAtFromLifetime,
  firstHeader,
  formBody,
  readJsonObject,
  redactResponse,
  summarizeSubject,
} from "@fedkit/core/provider";
import { entraFailure, isPropagationError } from "./errors.js";
import {
  type AzureProviderOptions,
  checkScope,
  type ResolvedAzureOptions,
  resolveOptions,
} from "./options.js";

/** The client assertion type Entra requires for a JWT assertion (RFC 7523). @public */
export const JWT_BEARER_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/**
 * A fedkit provider for Microsoft Entra, with its resolved settings.
 * @public
 */
export interface AzureProvider extends Provider<AccessToken> {
  readonly cloud: "azure";
  readonly clientId: string;
  readonly tenantId: string;
  readonly authorityHost: string;
  /** The requested scope, `<resource>/.default`. */
  readonly scope: string;
  /** The scope without `/.default`: the `aud` of the access tokens. */
  readonly resource: string;
  /** The same app registration and authority, another scope (one provider per resource). */
  withScope(scope: string): AzureProvider;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function exchange(
  o: ResolvedAzureOptions,
  subject: SubjectToken,
  ctx: ExchangeContext,
): Promise<ExchangeResult<AccessToken>> {
  const body = formBody({
    client_id: o.clientId,
    scope: o.scope,
    grant_type: "client_credentials",
    client_assertion_type: JWT_BEARER_ASSERTION_TYPE,
    client_assertion: subject.raw,
  });
  const headers: Record<string, string> = {
    "content-type": "application/x-www-form-urlencoded;charset=utf-8",
    accept: "application/json",
  };
  // Entra echoes a GUID client-request-id as its correlation_id, tying its logs to ours.
  if (GUID.test(ctx.correlationId)) headers["client-request-id"] = ctx.correlationId;
  const started = ctx.now();
  const response = await ctx.send({
    url: o.tokenUrl,
    method: "POST",
    headers,
    body,
    endpoint: o.endpoint,
    operation: "entra:token",
    isTransient: (res, attempt) => attempt < o.propagationAttempts && isPropagationError(res),
  });
  if (response.status !== 200) {
    // The settled options carry what the hints compare with: client, tenant, audience, scope.
    const context = { ...o, subject: summarizeSubject(subject), token: subject };
    throw entraFailure(redactResponse(response, [subject.raw]), context);
  }
  const json = readJsonObject(response.text) ?? {};
  const { access_token: token, token_type: tokenType, refresh_in: refreshIn } = json;
  if (typeof token !== "string" || !token) {
    // No refusal in a 200: core reports it as bad_response with the status and attempts.
    throw cloudFailure(response, {
      provider: "azure",
      message: "Entra answered HTTP 200 without access_token",
    });
  }
  const expiresAt = expiresAtFromLifetime(json["expires_in"], started, {
    provider: "azure",
    field: "expires_in",
  });
  // Entra sends numbers; older answers had numeric strings. A refresh_in past the expiry is ignored.
  const refreshAt = started + Number(refreshIn) * 1000;
  const correlation = firstHeader(response.headers, ["client-request-id", "x-ms-request-id"]);
  return {
    credentials: {
      kind: "access-token",
      token,
      tokenType: typeof tokenType === "string" ? tokenType : "Bearer",
      scopes: [o.scope],
      expiresAt,
    },
    ...(typeof refreshIn !== "boolean" && refreshAt > started && refreshAt < expiresAt && { refreshAt }),
    ...(correlation && { requestId: correlation }),
  };
}

function build(o: ResolvedAzureOptions): AzureProvider {
  return {
    // The resolved settings (ids, scope, endpoint rule) are public knowledge, never secrets.
    ...o,
    cloud: "azure",
    // Every setting (authority, tenant, client, scope, audience, endpoint rule) keys the cache.
    key: JSON.stringify(["azure", o]),
    target: {
      client: o.clientId,
      role: `${o.tenantId}/${o.clientId}`,
      audience: o.audience,
      scopes: [o.scope],
    },
    exchange: (subject, ctx) => exchange(o, subject, ctx),
    withScope: (scope) => {
      const next = checkScope(scope);
      return build({ ...o, scope: next, resource: next.slice(0, -9) });
    },
  };
}

/**
 * Exchanges a subject token (the federated client assertion) for a Microsoft Entra access token with the
 * client-credentials grant at `<authorityHost>/<tenant>/oauth2/v2.0/token`: one POST, no instance discovery,
 * no metadata fetch. Honours `AZURE_CLIENT_ID`, `AZURE_TENANT_ID` and `AZURE_AUTHORITY_HOST`.
 *
 * @example
 * ```ts
 * import { createFederation } from "@fedkit/core";
 * import { azureProvider } from "@fedkit/azure";
 *
 * const federation = createFederation({ source });
 * const storage = azureProvider({
 *   clientId: "97e0a5b7-d745-40b6-94fe-5f77d35c6e05",
 *   tenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47",
 *   scope: "https://storage.azure.com/.default",
 * });
 * const { token } = await federation.getCredentials(storage);
 * ```
 * @public
 */
export function azureProvider(options: AzureProviderOptions): AzureProvider {
  return build(resolveOptions(options));
}
