import { FederationError, type JwksSource, remoteJwks, verifySubjectToken } from "@fedkit/core";
import { sha256Hex } from "@fedkit/core/provider";
import type { RuntimeOptions, UserIdpOptions, UserVerifier, VerifiedUser } from "./config.js";

/**
 * The site's own IdP (Auth0, Okta, Entra, ...) for per-user federation: verifies a request's bearer token
 * against the IdP's JWKS, issuer and audience. A separate entry so sites without per-user federation do not
 * bundle the JWT verifier.
 *
 * @example
 * ```ts
 * users: userIdp({ issuer: "https://acme.eu.auth0.com/", audience: "https://reports.example.com/api",
 *   jwksUri: "https://acme.eu.auth0.com/.well-known/jwks.json" }),
 * ```
 * @public
 */
export function userIdp(options: UserIdpOptions): UserVerifier {
  for (const field of ["issuer", "audience", "jwksUri"] as const) {
    if (typeof options?.[field] !== "string" || options[field] === "") {
      throw new TypeError(`userIdp: ${field} must be a non-empty string (your IdP's ${field}).`);
    }
  }
  let jwks: JwksSource | undefined;
  return {
    issuer: options.issuer,
    verify(request, runtime = {}) {
      jwks ??= runtime.fetch ? remoteJwks(options.jwksUri, { fetch: runtime.fetch }) : options.jwksUri;
      return verifyUser(request, options, jwks, runtime);
    },
  };
}

/**
 * Verifies the request's `Authorization: Bearer` token against the site IdP's JWKS, issuer and audience. The
 * user's token stays here: fedkit mints its own token for the user and only that one reaches a cloud.
 */
async function verifyUser(
  request: Request,
  idp: UserIdpOptions,
  jwks: JwksSource,
  runtime: RuntimeOptions,
): Promise<VerifiedUser> {
  const header = request.headers.get("authorization") ?? "";
  const match = /^Bearer ([\w-]+\.[\w-]+\.[\w-]*)$/i.exec(header.trim());
  if (match === null) {
    throw new FederationError("invalid_subject_token", "The request has no bearer token of the site's IdP.", {
      provider: "netlify",
      status: 401,
      hint: "Send `Authorization: Bearer <access token>` issued by the site's identity provider.",
    });
  }
  const token = await verifySubjectToken(match[1]!, {
    jwks,
    issuer: idp.issuer,
    audience: idp.audience,
    algorithms: [...(idp.algorithms ?? ["RS256", "ES256"])],
    ...(idp.maxTokenAge === undefined ? {} : { maxTokenAge: idp.maxTokenAge }),
    ...(runtime.now ? { now: runtime.now } : {}),
  });
  const { iss, sub } = token.claims;
  if (typeof iss !== "string" || typeof sub !== "string" || sub === "") {
    throw new FederationError("invalid_subject_token", "The user's token has no sub.", {
      provider: "netlify",
    });
  }
  return { hash: (await sha256Hex(`${iss}\n${sub}`)).slice(0, 32) };
}
