/**
 * A `fetch` that adds a service's bearer token, on core's one authorized fetch: hosts checked before a token is
 * asked for, no redirects, a timeout, capped error bodies.
 *
 * @packageDocumentation
 */
import type { AccessToken, Federation, GetCredentialsOptions, Provider } from "@fedkit/core";
import { authorizedFetch, type HostPattern } from "@fedkit/core/provider";

/** The `fetch` these clients return and accept. @public */
export type FetchFn = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** Options of the service clients (`openaiFetch`, ...) a caller may set. @public */
export interface ServiceFetchOptions extends Omit<GetCredentialsOptions, "signal"> {
  /** Sends the request. Default: `globalThis.fetch`, looked up at call time. */
  readonly fetch?: FetchFn;
  /** Exact origins outside the service's API hosts that may receive the bearer (the emulator). */
  readonly allowedOrigins?: readonly string[];
  /** Milliseconds until the answer's headers must arrive. Default 30 000. */
  readonly timeoutMs?: number;
}

/** Options of {@link bearerFetch}. @public */
export interface BearerFetchOptions extends ServiceFetchOptions {
  /** Host patterns that may receive the bearer: the service's API hosts. */
  readonly officialHosts: readonly HostPattern[];
  /** Refuses some URLs on those hosts (paths that are not the API); returns why, or `undefined`. */
  readonly refuse?: (url: URL) => string | undefined;
  /**
   * Comma-list headers the service needs on bearer requests (Anthropic's `anthropic-beta: oauth-2025-04-20`):
   * each value is appended to what the caller sent unless already there.
   */
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * Returns a `fetch` that sends `provider`'s access token as `Authorization: Bearer` to `officialHosts` only
 * (https, default port), other origins only through `allowedOrigins`, never through a redirect. A refused URL
 * costs no exchange. Any `Authorization` the caller (or an SDK) set is replaced.
 *
 * @example
 * ```ts
 * const api = bearerFetch(federation, tokenExchangeProvider({ tokenUrl, audience }), {
 *   officialHosts: ["api.example.com"],
 * });
 * const res = await api("https://api.example.com/v1/things");
 * ```
 * @throws FederationError `endpoint_refused` before a token is asked for; see `authorizedFetch` for the rest.
 * @public
 */
export function bearerFetch(
  federation: Pick<Federation, "getCredentials">,
  provider: Provider<AccessToken>,
  options: BearerFetchOptions,
): FetchFn {
  const {
    fetch: fetchImpl,
    allowedOrigins,
    timeoutMs,
    officialHosts,
    refuse,
    headers: extra,
    ...get
  } = options;
  const send = authorizedFetch({
    cloud: provider.cloud,
    officialHosts,
    ...(refuse === undefined ? {} : { refuse }),
    ...(allowedOrigins === undefined ? {} : { allowedOrigins }),
    ...(fetchImpl === undefined ? {} : { fetch: (request: Request) => fetchImpl(request) }),
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
    optInHint: `A ${provider.cloud} token goes only to its API hosts; opt another origin in with allowedOrigins.`,
    async authorize(request, { signal }) {
      const credentials = await federation.getCredentials(provider, {
        ...get,
        ...(signal === undefined ? {} : { signal }),
      });
      const headers = new Headers(request.headers);
      // An SDK sets its own Authorization (a placeholder key); the federated bearer replaces it, and an API key
      // header an SDK may add is dropped so no stored key rides along.
      headers.set("authorization", `Bearer ${credentials.token}`);
      headers.delete("x-api-key");
      for (const [name, value] of Object.entries(extra ?? {})) {
        const sent = headers.get(name);
        const items = sent === null ? [] : sent.split(",").map((item) => item.trim());
        if (!items.includes(value)) headers.set(name, [...items, value].join(","));
      }
      return new Request(request, { headers });
    },
  });
  return (input, init) => send(input, init);
}

/**
 * A token callback for SDKs that take one (`openai`'s `apiKey: () => Promise<string>`): the current bearer
 * from the federation's cache, exchanged when needed. Pair it with the service's `fetch` so the bearer still
 * goes only to the API hosts.
 *
 * @example
 * ```ts
 * import OpenAI from "openai";
 * const client = new OpenAI({ apiKey: bearerToken(federation, openai), fetch: openaiFetch(federation, openai) });
 * ```
 * @public
 */
export function bearerToken(
  federation: Pick<Federation, "getCredentials">,
  provider: Provider<AccessToken>,
  options: Omit<GetCredentialsOptions, "signal"> = {},
): () => Promise<string> {
  return async () => (await federation.getCredentials(provider, options)).token;
}
