import type { JWK } from "jose";
import type { IdpConfig, JWKS } from "../config.js";
import { IssuerVerificationError } from "./errors.js";
import { fetchJson } from "./fetch-json.js";
import type { MintOptions } from "./idp.js";
import { IssuerVerifier } from "./verifier.js";

type Client = NonNullable<IdpConfig["clients"]>[number];

/** What the token endpoint needs from the IdP. @internal */
export interface TokenEndpointDeps {
  issuer: string;
  clients: Client[];
  now: () => number;
  /** jti → exp (seconds) of client assertions already used. */
  replay: Map<string, number>;
  fetch?: typeof fetch | undefined;
  mint: (options: MintOptions) => Promise<string>;
  ttlSeconds: number;
}

interface TokenResult {
  status: number;
  body: Record<string, unknown>;
}

const ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
const ASSERTION_SKEW_SECONDS = 60;
const MAX_ASSERTION_LIFETIME_SECONDS = 3600;

function oauthError(status: number, error: string, description: string): TokenResult {
  return { status, body: { error, error_description: description } };
}

/**
 * RFC 6749 `client_credentials` with RFC 7523 `private_key_jwt` client authentication: the assertion's
 * `iss` and `sub` are the client id, `aud` names this issuer or its token endpoint, it carries `exp` (at most an
 * hour ahead) and a `jti` that is accepted once.
 * @internal
 */
export async function handleTokenRequest(request: Request, deps: TokenEndpointDeps): Promise<TokenResult> {
  if (!(request.headers.get("content-type") ?? "").includes("application/x-www-form-urlencoded")) {
    return oauthError(400, "invalid_request", "the body must be application/x-www-form-urlencoded");
  }
  const form = new URLSearchParams(await request.text());
  const grantType = form.get("grant_type");
  if (grantType !== "client_credentials") {
    return oauthError(
      400,
      "unsupported_grant_type",
      `grant_type ${grantType ?? "(missing)"} is not supported`,
    );
  }
  if (form.get("client_assertion_type") !== ASSERTION_TYPE || !form.get("client_assertion")) {
    return oauthError(
      401,
      "invalid_client",
      `client authentication must be private_key_jwt (${ASSERTION_TYPE})`,
    );
  }
  const assertion = form.get("client_assertion") ?? "";
  const authenticated = await authenticateClient(assertion, form.get("client_id"), deps);
  if ("status" in authenticated) return authenticated;
  const { client } = authenticated;

  const requested = form.get("audience") ?? form.get("resource");
  if (requested && client.audience && requested !== client.audience) {
    return oauthError(
      400,
      "invalid_target",
      `client ${client.clientId} may only ask for audience ${client.audience}`,
    );
  }
  const scope = form.get("scope");
  const token = await deps.mint({
    sub: client.clientId,
    aud: client.audience ?? requested ?? client.clientId,
    claims: { client_id: client.clientId, ...(scope ? { scope } : {}) },
  });
  return {
    status: 200,
    body: {
      access_token: token,
      token_type: "Bearer",
      expires_in: deps.ttlSeconds,
      ...(scope ? { scope } : {}),
    },
  };
}

async function authenticateClient(
  assertion: string,
  clientIdParam: string | null,
  deps: TokenEndpointDeps,
): Promise<{ client: Client } | TokenResult> {
  let claims: Record<string, unknown>;
  const parts = assertion.split(".");
  try {
    claims = JSON.parse(Buffer.from(parts[1] ?? "", "base64url").toString("utf8"));
  } catch {
    return oauthError(401, "invalid_client", "client_assertion is not a JWT");
  }
  const clientId = claims["iss"];
  const client = deps.clients.find((candidate) => candidate.clientId === clientId);
  if (typeof clientId !== "string" || !client) return oauthError(401, "invalid_client", "unknown client");
  if (claims["sub"] !== clientId || (clientIdParam !== null && clientIdParam !== clientId)) {
    return oauthError(
      401,
      "invalid_client",
      "client_assertion iss, sub and client_id must all be the client id",
    );
  }
  let jwks: JWKS;
  try {
    jwks =
      client.jwks ??
      ((await fetchJson(deps.fetch ?? globalThis.fetch, client.jwksUri ?? "")) as unknown as JWKS);
  } catch {
    return oauthError(401, "invalid_client", `cannot fetch the client's jwks_uri`);
  }
  const verifier = new IssuerVerifier({ now: deps.now });
  try {
    await verifier.verify(assertion, {
      jwks: { keys: jwks.keys as JWK[] },
      skewSeconds: ASSERTION_SKEW_SECONDS,
    });
  } catch (error) {
    const reason = error instanceof IssuerVerificationError ? error.reason : "bad_signature";
    return oauthError(401, "invalid_client", `client_assertion rejected: ${reason}`);
  }
  const aud = Array.isArray(claims["aud"]) ? claims["aud"] : [claims["aud"]];
  if (!aud.includes(deps.issuer) && !aud.includes(`${deps.issuer}/token`)) {
    return oauthError(401, "invalid_client", "client_assertion aud must be the issuer or the token endpoint");
  }
  const nowSeconds = Math.floor(deps.now() / 1000);
  const exp = claims["exp"] as number;
  if (exp > nowSeconds + MAX_ASSERTION_LIFETIME_SECONDS + ASSERTION_SKEW_SECONDS) {
    return oauthError(401, "invalid_client", "client_assertion exp is more than an hour ahead");
  }
  const jti = claims["jti"];
  if (typeof jti !== "string" || jti === "")
    return oauthError(401, "invalid_client", "client_assertion needs a jti");
  for (const [seen, until] of deps.replay)
    if (until < nowSeconds - ASSERTION_SKEW_SECONDS) deps.replay.delete(seen);
  const key = `${clientId}\u0000${jti}`;
  if (deps.replay.has(key)) return oauthError(401, "invalid_client", "client_assertion jti was already used");
  deps.replay.set(key, exp);
  return { client };
}
