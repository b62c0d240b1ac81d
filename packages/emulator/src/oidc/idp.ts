import { SignJWT } from "jose";
import type { IdpConfig, JWKS } from "../config.js";
import { type IdpAlgorithm, KeyRing } from "./keys.js";
import { handleTokenRequest } from "./token-endpoint.js";

/** What {@link OidcIdp.mint} signs. @public */
export interface MintOptions {
  sub: string;
  aud: string | string[];
  /** Extra claims; they override the defaults (so `{ exp: past }` makes an expired token). */
  claims?: Record<string, unknown>;
  /** Lifetime, default the IdP's `tokenTtlSeconds` (3600). */
  ttlSeconds?: number;
  alg?: IdpAlgorithm;
  /** Sign with this published key instead of the current one. */
  kid?: string;
}

/**
 * The built-in OIDC identity provider: discovery at `<issuer>/.well-known/openid-configuration`, keys at
 * `<issuer>/jwks`, a token endpoint at `<issuer>/token` (`client_credentials` with `private_key_jwt`).
 *
 * @example
 * ```ts
 * const token = await emulator.idp.mint({ sub: "user:alice", aud: "sts.amazonaws.com" });
 * const kid = await emulator.idp.rotate("RS256"); // new signer; the old key stays published until retire()
 * ```
 * @public
 */
export interface OidcIdp {
  /** The issuer URL (`iss`), equal to `urls.idp`. */
  readonly issuer: string;
  /** Signs a token for `sub` with the configured user's claims merged in. */
  mint(options: MintOptions): Promise<string>;
  /** Publishes a new key for `alg` and makes it the signer; returns its kid. */
  rotate(alg?: IdpAlgorithm): Promise<string>;
  /** Removes a key from the JWKS: tokens it signed stop verifying once verifiers refetch. */
  retire(kid: string): void;
  /** The published key set. */
  jwks(): JWKS;
  /** The HTTP service (discovery, JWKS, token endpoint). */
  handle(request: Request): Promise<Response>;
}

/** Options of {@link createOidcIdp}. @public */
export interface OidcIdpOptions {
  issuer: string;
  config?: IdpConfig | undefined;
  now?: () => number;
  /** Used to fetch clients' `jwksUri`. */
  fetch?: typeof fetch;
}

/**
 * Creates the IdP and its keys (default one RS256 and one ES256 key; RS256 signs unless told otherwise).
 * @public
 */
export async function createOidcIdp(options: OidcIdpOptions): Promise<OidcIdp> {
  const { issuer, config = {} } = options;
  const now = () => (options.now ?? Date.now)();
  const ring = new KeyRing();
  for (const key of config.keys ?? [{ alg: "RS256" }, { alg: "ES256" }]) await ring.add(key.alg, key.kid);
  const users = new Map((config.users ?? []).map((user) => [user.sub, user.claims ?? {}]));
  const ttl = config.tokenTtlSeconds ?? 3600;

  const mint = async (mintOptions: MintOptions): Promise<string> => {
    if (typeof mintOptions.sub !== "string" || mintOptions.sub === "") {
      throw new TypeError("idp.mint needs a non-empty sub");
    }
    const key = ring.signer(mintOptions.alg, mintOptions.kid);
    const iat = Math.floor(now() / 1000);
    const payload = {
      iss: issuer,
      sub: mintOptions.sub,
      aud: mintOptions.aud,
      iat,
      nbf: iat,
      exp: iat + (mintOptions.ttlSeconds ?? ttl),
      jti: crypto.randomUUID(),
      ...users.get(mintOptions.sub),
      ...mintOptions.claims,
    };
    return new SignJWT(payload)
      .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: "JWT" })
      .sign(key.privateKey);
  };

  const discovery = {
    issuer,
    jwks_uri: `${issuer}/jwks`,
    token_endpoint: `${issuer}/token`,
    response_types_supported: ["id_token"],
    subject_types_supported: ["public"],
    id_token_signing_alg_values_supported: ["RS256", "ES256"],
    grant_types_supported: ["client_credentials"],
    token_endpoint_auth_methods_supported: ["private_key_jwt"],
    token_endpoint_auth_signing_alg_values_supported: ["RS256", "ES256", "PS256", "ES384"],
    claims_supported: ["iss", "sub", "aud", "exp", "iat", "nbf", "jti"],
  };
  const replay = new Map<string, number>();

  const handle = async (request: Request): Promise<Response> => {
    const path = new URL(request.url).pathname.replace(/\/+$/, "");
    if (path === "/.well-known/openid-configuration" && request.method === "GET") return json(discovery);
    if (path === "/jwks" && request.method === "GET")
      return json(ring.jwks(), { "cache-control": "max-age=60" });
    if (path === "/token") {
      if (request.method !== "POST")
        return json({ error: "invalid_request", error_description: "use POST" }, {}, 405);
      const result = await handleTokenRequest(request, {
        issuer,
        clients: config.clients ?? [],
        now,
        replay,
        fetch: options.fetch,
        mint,
        ttlSeconds: ttl,
      });
      return json(result.body, { "cache-control": "no-store" }, result.status);
    }
    return json({ error: "not_found" }, {}, 404);
  };

  return {
    issuer,
    mint,
    rotate: async (alg = "RS256") => (await ring.add(alg)).kid,
    retire: (kid) => ring.retire(kid),
    jwks: () => ring.jwks() as JWKS,
    handle,
  };
}

function json(body: unknown, headers: Record<string, string> = {}, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}
