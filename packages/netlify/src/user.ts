import { FederationError, type JwksSource, remoteJwks, sha256Hex, verifySubjectToken } from "@fedkit/core";
import type { RuntimeOptions, UserIdpConfig } from "./config.js";

/** A verified end user, known to fedkit only by a hash of their issuer and `sub`. @internal */
export interface VerifiedUser {
  readonly hash: string;
}

const resolvers = new WeakMap<UserIdpConfig, JwksSource>();

/**
 * Verifies the request's `Authorization: Bearer` token against the site IdP's JWKS, issuer and audience. The
 * user's token stays here: fedkit mints its own token for the user and only that one reaches a cloud.
 * @internal
 */
export async function verifyUser(
  request: Request,
  idp: UserIdpConfig,
  runtime: RuntimeOptions = {},
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
  let jwks = resolvers.get(idp);
  if (jwks === undefined) {
    jwks = runtime.fetch ? remoteJwks(idp.jwksUri, { fetch: runtime.fetch }) : idp.jwksUri;
    resolvers.set(idp, jwks);
  }
  const token = await verifySubjectToken(match[1]!, {
    jwks,
    issuer: idp.issuer,
    audience: idp.audience,
    algorithms: [...(idp.algorithms ?? ["RS256", "ES256"])],
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
