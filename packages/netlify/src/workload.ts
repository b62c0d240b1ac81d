import {
  type Clock,
  decodeSubjectToken,
  FederationError,
  type FetchLike,
  type SubjectToken,
  type SubjectTokenSource,
  type TokenRequest,
} from "@fedkit/core";
import { base64urlEncode, base64urlJson } from "./issuer/encoding.js";
import { algorithmParams, type IssuerAlgorithm } from "./issuer/keyset.js";

/** Options of {@link clientCredentialsSource}. @public */
export interface ClientCredentialsOptions {
  /** The IdP's token endpoint (https; http only on loopback). */
  readonly tokenEndpoint: string;
  readonly clientId: string;
  /** The client's private key (non-extractable is fine) registered with the IdP as a JWK. */
  readonly privateKey: CryptoKey;
  readonly kid?: string;
  /** Default `RS256`. */
  readonly alg?: IssuerAlgorithm;
  /** `scope` form field (Okta custom authorization servers). */
  readonly scope?: string;
  /** Sends `audience=<the cloud's audience>` (Auth0-style) when true. Default true. */
  readonly sendAudience?: boolean;
  /** Which token of the response to use. Default `access_token`. */
  readonly tokenField?: "access_token" | "id_token";
  readonly fetch?: FetchLike;
  readonly now?: Clock;
}

/**
 * A workload token from an IdP with the OAuth `client_credentials` grant authenticated by `private_key_jwt`
 * (RFC 7523): fedkit signs a 60-second client assertion, the IdP returns a token for the cloud's audience.
 * Tokens are reused per audience until a minute before expiry. The token is `unverified` to fedkit (the cloud
 * verifies it); the core keys caches by a hash of it.
 *
 * @example
 * ```ts
 * const source = clientCredentialsSource({ tokenEndpoint: "https://acme.okta.com/oauth2/default/v1/token",
 *   clientId: "0oa...", privateKey, kid: "k1", scope: "cloud" });
 * ```
 * @public
 */
export function clientCredentialsSource(options: ClientCredentialsOptions): SubjectTokenSource {
  const cache = new Map<string, SubjectToken>();
  const alg = options.alg ?? "RS256";
  return {
    name: "client-credentials",
    async getToken(request: TokenRequest): Promise<SubjectToken> {
      const now = (options.now ?? request.now)();
      const hit = cache.get(request.audience);
      if (hit !== undefined && (hit.claims.exp ?? 0) * 1000 - 60_000 > now) return hit;
      const iat = Math.floor(now / 1000);
      const assertionClaims = {
        iss: options.clientId,
        sub: options.clientId,
        aud: options.tokenEndpoint,
        iat,
        exp: iat + 60,
        jti: base64urlEncode(crypto.getRandomValues(new Uint8Array(16))),
      };
      const header = { alg, typ: "JWT", ...(options.kid ? { kid: options.kid } : {}) };
      const input = `${base64urlJson(header)}.${base64urlJson(assertionClaims)}`;
      const params = algorithmParams(alg);
      const signature = await crypto.subtle.sign(
        params.name === "ECDSA" ? { name: "ECDSA", hash: "SHA-256" } : params.name,
        options.privateKey,
        new TextEncoder().encode(input),
      );
      const body = new URLSearchParams({
        grant_type: "client_credentials",
        client_id: options.clientId,
        client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        client_assertion: `${input}.${base64urlEncode(new Uint8Array(signature))}`,
      });
      if (options.scope) body.set("scope", options.scope);
      if (options.sendAudience !== false) body.set("audience", request.audience);
      const fetchImpl = options.fetch ?? ((url: string, init: RequestInit) => globalThis.fetch(url, init));
      const response = await fetchImpl(options.tokenEndpoint, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
        body: body.toString(),
        redirect: "error",
        ...(request.signal ? { signal: request.signal } : {}),
      });
      const text = await response.text();
      let json: Record<string, unknown> = {};
      try {
        json = JSON.parse(text);
      } catch {
        // Reported below with the status and content type.
      }
      const raw = json[options.tokenField ?? "access_token"];
      if (!response.ok || typeof raw !== "string") {
        const cloudCode = typeof json["error"] === "string" ? json["error"] : undefined;
        throw new FederationError(
          response.ok ? "bad_response" : "access_denied",
          `The IdP refused the client_credentials request (HTTP ${response.status}).`,
          {
            provider: "idp",
            status: response.status,
            ...(cloudCode ? { cloudCode } : {}),
            ...(typeof json["error_description"] === "string"
              ? { cloudMessage: json["error_description"] }
              : {}),
            hint: "Check the client id, that the client's public key (kid) is registered for private_key_jwt, and the scope.",
          },
        );
      }
      const token = decodeSubjectToken(raw, "unverified");
      cache.set(request.audience, token);
      return token;
    },
  };
}
