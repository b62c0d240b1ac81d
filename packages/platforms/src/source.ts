/**
 * What every platform source shares: a name, the token decoded (unverified: the cloud verifies it), the
 * audience checked when the platform fixes it, and errors that name the platform and never the token.
 *
 * @packageDocumentation
 */
import {
  FederationError,
  type FetchLike,
  MissingSubjectTokenError,
  type SubjectToken,
  type SubjectTokenSource,
  type TokenRequest,
} from "@fedkit/core";
import {
  checkTokenAudience,
  createExchangeContext,
  decodeSubjectToken,
  toEnvGetter,
} from "@fedkit/core/provider";

/** Where a source reads environment variables: a record, or a function returning one. @public */
export type EnvInput = Record<string, string | undefined> | (() => Record<string, string | undefined>);

/** Reads `name` from `env`, or from the runtime (`Netlify.env`, `Deno.env`, `process.env`) at call time. @internal */
export function readEnv(name: string, env: EnvInput | undefined): string | undefined {
  // The one environment reader of the provider toolkit: trimmed, blank is unset, a throwing getter is unset.
  return toEnvGetter(env)(name);
}

/** A source that fetches a raw token per request and decodes it; `check` may refuse it before any cloud sees it. @internal */
export function platformSource(
  name: string,
  fetchRaw: (request: TokenRequest) => Promise<string>,
  check?: (token: SubjectToken, request: TokenRequest) => void,
): SubjectTokenSource {
  return {
    name,
    async getToken(request) {
      const raw = await fetchRaw(request);
      const token = decodeSubjectToken(raw);
      check?.(token, request);
      return token;
    },
  };
}

/** The token's `aud` must be what the cloud expects, for platforms whose audience is set outside the call. @internal */
export function checkAudience(platform: string) {
  return (token: SubjectToken, request: TokenRequest): void =>
    checkTokenAudience(token, request.audience, platform);
}

/** The platform gave no token: a chain may fall through to its next source. @internal */
export function missing(source: string, message: string, hint: string): MissingSubjectTokenError {
  return new MissingSubjectTokenError(source, message, { provider: source, hint });
}

/** The platform's token endpoint answered something other than a token (status only, never a body). @internal */
export function endpointFailed(source: string, status: number, hint: string): FederationError {
  return new FederationError("provider_unavailable", `${source}: the token endpoint answered ${status}.`, {
    provider: source,
    status,
    retryable: status >= 500 || status === 429,
    hint,
  });
}

/** One request to a platform's own token endpoint. @internal */
export interface EndpointRequest {
  readonly url: URL;
  readonly method: "GET" | "POST";
  readonly headers: Record<string, string>;
  readonly body?: string;
  /** The fix named when the endpoint answers something other than 2xx. */
  readonly hint: string;
}

/**
 * Asks a platform's own token endpoint through core's safe client, as every exchange does: no redirect followed
 * (the request carries the platform's bearer), a per-attempt timeout and an overall deadline (`timeout`), the
 * answer capped (`bad_response`), 5xx and 429 retried. The endpoint is the one the platform named (its origin is
 * the only one allowed); a non-2xx answer is {@link endpointFailed}, status only. Resolves with the 2xx answer's
 * status and text.
 * @internal
 */
export async function askEndpoint(
  source: string,
  fetch: FetchLike | undefined,
  request: EndpointRequest,
  signal: AbortSignal | undefined,
): Promise<{ readonly status: number; readonly text: string }> {
  const { url, method, headers, body, hint } = request;
  const answer = await createExchangeContext({ fetch, signal }).send({
    url: url.href,
    method,
    headers,
    body,
    endpoint: { cloud: source, officialHosts: [], allowedOrigins: [url.origin] },
    operation: `${source} token request`,
  });
  if (answer.status < 200 || answer.status > 299) throw endpointFailed(source, answer.status, hint);
  return answer;
}
