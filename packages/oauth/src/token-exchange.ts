/**
 * The generic RFC 8693 token-exchange provider.
 *
 * @packageDocumentation
 */

import { tokenEndpoint } from "./endpoint.js";
import { grantProvider, type OAuthProvider } from "./grant-provider.js";
import { TOKEN_EXCHANGE_GRANT, TOKEN_TYPES } from "./grants.js";
import { checkGrantOptions, type GrantOptions, requireString } from "./options.js";

/** Options of {@link tokenExchangeProvider}. @public */
export interface TokenExchangeOptions extends GrantOptions {
  /** The `aud` the subject token must carry: what the service's trust expects. */
  readonly audience: string;
  /** RFC 8693 `subject_token_type`. Default `TOKEN_TYPES.jwt`. */
  readonly subjectTokenType?: string;
  /** RFC 8693 `requested_token_type`; the answer's `issued_token_type` must then match. */
  readonly requestedTokenType?: string;
  /** RFC 8693 `audience` parameter(s): the logical service the issued token is for. */
  readonly targetAudience?: string | readonly string[];
  /** RFC 8693 `resource` parameter(s): absolute URIs of the resources the issued token is for. */
  readonly resource?: string | readonly string[];
}

const list = (value: string | readonly string[] | undefined) =>
  value === undefined ? undefined : typeof value === "string" ? [value] : [...value];

/**
 * Exchanges a subject token for an access token with the RFC 8693 token-exchange grant: `grant_type`,
 * `subject_token`, `subject_token_type`, and the optional `audience`, `resource`, `scope` and
 * `requested_token_type`, form-encoded unless `encoding: "json"`. The token goes only to `tokenUrl`'s host.
 *
 * @example
 * ```ts
 * const vaultLike = tokenExchangeProvider({
 *   tokenUrl: "https://sts.example.com/oauth2/token",
 *   audience: "https://sts.example.com",
 *   resource: "https://api.example.com/",
 *   scope: ["read"],
 * });
 * const { token } = await federation.getCredentials(vaultLike);
 * ```
 * @public
 */
export function tokenExchangeProvider(options: TokenExchangeOptions): OAuthProvider {
  const { name, scope } = checkGrantOptions(options);
  const audience = requireString(name, "audience", options.audience, "Name the aud the service expects.");
  const targetAudience = list(options.targetAudience);
  const resource = list(options.resource);
  for (const uri of resource ?? []) {
    // RFC 8693 §2.1: an absolute URI without a fragment.
    if (!URL.canParse(uri) || new URL(uri).hash !== "") {
      throw new TypeError(`resource must be absolute URIs without a fragment (got ${JSON.stringify(uri)})`);
    }
  }
  return grantProvider({
    provider: name,
    grantType: TOKEN_EXCHANGE_GRANT,
    token: tokenEndpoint(name, options.tokenUrl, options.officialHosts, options.allowedOrigins),
    audience,
    encoding: options.encoding ?? "form",
    subjectParam: "subject_token",
    params: {
      ...options.params,
      subject_token_type: options.subjectTokenType ?? TOKEN_TYPES.jwt,
      audience: targetAudience,
      resource,
      scope,
      requested_token_type: options.requestedTokenType,
    },
    trustHolder: options.trustHolder ?? "trust configuration",
    target: {
      audience,
      ...(targetAudience || resource
        ? { role: [...(targetAudience ?? []), ...(resource ?? [])].join(" ") }
        : {}),
      ...(scope === undefined ? {} : { scopes: scope.split(" ") }),
    },
    ...(options.headers === undefined ? {} : { headers: options.headers }),
    ...(options.requestedTokenType === undefined ? {} : { requestedTokenType: options.requestedTokenType }),
    ...(options.defaultLifetimeSeconds === undefined
      ? {}
      : { defaultLifetimeSeconds: options.defaultLifetimeSeconds }),
  });
}
