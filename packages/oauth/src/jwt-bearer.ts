/**
 * The generic RFC 7523 JWT-bearer grant provider.
 *
 * @packageDocumentation
 */

import { tokenEndpoint } from "./endpoint.js";
import { grantProvider, type OAuthProvider } from "./grant-provider.js";
import { JWT_BEARER_GRANT } from "./grants.js";
import { checkGrantOptions, type GrantOptions } from "./options.js";

/** Options of {@link jwtBearerProvider}. @public */
export interface JwtBearerOptions extends GrantOptions {
  /**
   * The `aud` the assertion must carry. Default: the token endpoint URL, which RFC 7523 §3 names as a value the
   * authorization server accepts.
   */
  readonly audience?: string;
}

/**
 * Exchanges a subject token, sent as the `assertion` of the RFC 7523 §2.1 JWT-bearer grant, for an access
 * token. Form-encoded unless `encoding: "json"`; the token goes only to `tokenUrl`'s host.
 *
 * @example
 * ```ts
 * const api = jwtBearerProvider({ tokenUrl: "https://auth.example.com/oauth/token", scope: "read" });
 * const { token } = await federation.getCredentials(api);
 * ```
 * @public
 */
export function jwtBearerProvider(options: JwtBearerOptions): OAuthProvider {
  const { name, scope } = checkGrantOptions(options);
  const token = tokenEndpoint(name, options.tokenUrl, options.officialHosts, options.allowedOrigins);
  const audience = options.audience ?? token.url;
  return grantProvider({
    provider: name,
    grantType: JWT_BEARER_GRANT,
    token,
    audience,
    encoding: options.encoding ?? "form",
    subjectParam: "assertion",
    params: { ...options.params, scope },
    trustHolder: options.trustHolder ?? "trust configuration",
    target: { audience, ...(scope === undefined ? {} : { scopes: scope.split(" ") }) },
    ...(options.headers === undefined ? {} : { headers: options.headers }),
    ...(options.defaultLifetimeSeconds === undefined
      ? {}
      : { defaultLifetimeSeconds: options.defaultLifetimeSeconds }),
  });
}
