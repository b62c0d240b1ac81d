// The minimal provider of docs/architecture.md ("Writing a provider"), verbatim: an OAuth 2.0 token exchange
// (RFC 8693) built on @fedkit/core/provider. provider-example.test.ts checks the doc shows exactly this file.
import {
  type AccessToken,
  type CloudRefusal,
  cloudFailure,
  type EnvInput,
  expiresAtFromLifetime,
  type FederationErrorCode,
  formBody,
  type Provider,
  readJsonObject,
  summarizeSubject,
  toEnvGetter,
} from "@fedkit/core/provider";

/** The official hosts of the example service: its host table is data, in its own package. */
export const EXAMPLE_HOSTS = ["sts.example.com"];

/** What the service's OAuth error codes mean: data, looked up by the shared mechanism. */
const ERRORS: Readonly<Record<string, readonly [FederationErrorCode, string]>> = {
  invalid_grant: ["access_denied", "The service refused this token: check the trust it has for your issuer."],
  invalid_target: ["invalid_request", "The service knows no such audience or resource."],
};

export interface ExampleProviderOptions {
  /** The resource the token is for (`resource` in RFC 8693). Default: `EXAMPLE_RESOURCE` from the env. */
  readonly resource?: string;
  /** Token endpoint. Default: `https://sts.example.com/token`. */
  readonly endpoint?: string;
  /** Allow an endpoint outside the official hosts (the emulator on loopback). */
  readonly allowCustomEndpoint?: boolean;
  readonly env?: EnvInput;
}

export function exampleProvider(options: ExampleProviderOptions = {}): Provider<AccessToken> {
  const resource = options.resource ?? toEnvGetter(options.env)("EXAMPLE_RESOURCE");
  if (resource === undefined) throw new TypeError("exampleProvider: set resource or EXAMPLE_RESOURCE");
  const url = options.endpoint ?? "https://sts.example.com/token";
  const endpoint = {
    cloud: "example",
    officialHosts: EXAMPLE_HOSTS,
    ...(options.allowCustomEndpoint === true && { allowedOrigins: [new URL(url).origin] }),
  };
  return {
    cloud: "example",
    // Every option that changes what the token may do; the engine hashes it into the cache key.
    key: JSON.stringify(["example", resource, url]),
    audience: "https://sts.example.com",
    target: { role: resource },
    async exchange(subject, ctx) {
      const response = await ctx.send({
        url,
        method: "POST",
        endpoint,
        operation: "example:token-exchange",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: formBody({
          grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",
          subject_token: subject.raw,
          subject_token_type: "urn:ietf:params:oauth:token-type:jwt",
          resource,
        }),
      });
      const body = readJsonObject(response.text);
      if (response.status !== 200 || typeof body?.["access_token"] !== "string") {
        const error = typeof body?.["error"] === "string" ? body["error"] : undefined;
        const [code, hint] = (error && ERRORS[error]) || ["access_denied", "See cloudMessage."];
        const refusal: CloudRefusal | undefined = error
          ? { code, hint, cloudCode: error, cloudMessage: String(body?.["error_description"] ?? "") }
          : undefined;
        throw cloudFailure(response, {
          provider: "example",
          message: `Example refused the token exchange for ${resource}: ${error ?? `HTTP ${response.status}`}`,
          subject: summarizeSubject(subject),
          ...(refusal && { refusal }),
        });
      }
      const where = { provider: "example", field: "expires_in" };
      return {
        credentials: {
          kind: "access-token",
          token: body["access_token"],
          tokenType: String(body["token_type"] ?? "Bearer"),
          expiresAt: expiresAtFromLifetime(body["expires_in"], Date.now(), where),
        },
      };
    },
  };
}
