import {
  type Clock,
  FederationError,
  type FetchLike,
  type SubjectToken,
  type SubjectTokenSource,
  type TokenRequest,
} from "@fedkit/core";
import {
  createExchangeContext,
  decodeSubjectToken,
  type EndpointRule,
  isLoopbackOrigin,
  redactResponse,
} from "@fedkit/core/provider";
import type { IssuerAlgorithm } from "@fedkit/issuer";
import { base64url, SignJWT } from "jose";

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
  /** Timeout of the token request (headers and body), in milliseconds. Default 5000. */
  readonly timeoutMs?: number;
  readonly fetch?: FetchLike;
  readonly now?: Clock;
}

/** Default {@link ClientCredentialsOptions.timeoutMs}. @public */
export const CLIENT_CREDENTIALS_TIMEOUT_MS = 5000;
/** Largest token-endpoint answer read, in bytes (a token response is a few KiB). @public */
export const CLIENT_CREDENTIALS_MAX_RESPONSE_BYTES = 65_536;

/**
 * The token endpoint as the one origin the assertion may go to: https, or http on loopback (an emulator), no
 * user info. Anything else is a bad argument, refused before a key is ever used.
 */
function endpointRule(tokenEndpoint: string): EndpointRule {
  let url: URL;
  try {
    url = new URL(tokenEndpoint);
  } catch {
    throw new TypeError("clientCredentialsSource: tokenEndpoint must be an absolute https URL.");
  }
  const loopbackHttp = url.protocol === "http:" && isLoopbackOrigin(url);
  if ((url.protocol !== "https:" && !loopbackHttp) || url.username !== "" || url.password !== "") {
    throw new TypeError(
      `clientCredentialsSource: tokenEndpoint must be https (http only on loopback) without user info; got ${url.protocol}//${url.host}. The client assertion would otherwise travel in the clear.`,
    );
  }
  return { cloud: "idp", officialHosts: [], allowedOrigins: [url.origin] };
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
  const rule = endpointRule(options?.tokenEndpoint);
  const timeoutMs = options.timeoutMs ?? CLIENT_CREDENTIALS_TIMEOUT_MS;
  if (!(typeof timeoutMs === "number" && Number.isFinite(timeoutMs) && timeoutMs > 0)) {
    throw new TypeError(
      `clientCredentialsSource: timeoutMs must be a positive number (got ${String(timeoutMs)}).`,
    );
  }
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
        jti: base64url.encode(crypto.getRandomValues(new Uint8Array(16))),
      };
      const header = { alg, typ: "JWT", ...(options.kid ? { kid: options.kid } : {}) };
      const assertion = await new SignJWT(assertionClaims)
        .setProtectedHeader(header)
        .sign(options.privateKey);
      const body = new URLSearchParams({
        grant_type: "client_credentials",
        client_id: options.clientId,
        client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        client_assertion: assertion,
      });
      if (options.scope) body.set("scope", options.scope);
      if (options.sendAudience !== false) body.set("audience", request.audience);
      // Core's HTTP client: the one allowed origin, redirects refused, a timeout, a capped body. One attempt:
      // IdPs may refuse a client assertion (its jti) seen twice.
      const ctx = createExchangeContext({
        now: options.now ?? request.now,
        retry: {
          maxAttempts: 1,
          attemptTimeoutMs: timeoutMs,
          deadlineMs: timeoutMs,
          maxResponseBytes: CLIENT_CREDENTIALS_MAX_RESPONSE_BYTES,
        },
        ...(options.fetch ? { fetch: options.fetch } : {}),
        ...(request.signal ? { signal: request.signal } : {}),
      });
      const sent = await ctx.send({
        url: options.tokenEndpoint,
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
        body: body.toString(),
        operation: "idp:client_credentials",
        endpoint: rule,
      });
      // Whatever the IdP echoes of the assertion is cut before it can reach an error.
      const response = redactResponse(sent, [assertion]);
      const ok = response.status >= 200 && response.status < 300;
      let json: Record<string, unknown> = {};
      try {
        const parsed: unknown = JSON.parse(response.text);
        if (parsed !== null && typeof parsed === "object") json = parsed as Record<string, unknown>;
      } catch {
        // Reported below with the status.
      }
      const raw = json[options.tokenField ?? "access_token"];
      if (!ok || typeof raw !== "string") {
        const cloudCode = typeof json["error"] === "string" ? json["error"] : undefined;
        throw new FederationError(
          ok ? "bad_response" : "access_denied",
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
