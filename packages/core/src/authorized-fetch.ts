/**
 * The one authorized `fetch` every cloud client is built on (`awsFetch`, `gcpFetch`, `azureFetch`, the
 * google-auth-library adapter). Each client supplies only how it authorizes a request (SigV4, a bearer); the
 * rules about where that request may go and what happens to the answer live here, once:
 *
 * 1. Before any credential is obtained: string input is refused if it has dot segments (the URL parser would
 *    resolve them and reach another path than the one named), then the URL must pass {@link checkEndpoint}
 *    (opted-in origin, or https on the default port, no user info, an official host) and the client's own
 *    refusals (hosts customers control under an official wildcard).
 * 2. The request is sent with `redirect: "manual"` whatever the input type or the caller's `redirect`: a
 *    `Request` carries its own mode, and it is overridden too.
 * 3. The transport the exchange client shares ({@link sendAttempt}) refuses a redirect answer with a
 *    {@link RedirectRefusedError} (status, `Location` host, the cloud's region header) and times out an answer
 *    whose headers do not arrive.
 * 4. Error answers (4xx/5xx) have their bodies capped.
 *
 * @packageDocumentation
 */
import { checkUrl, optInOrigins, parseEndpoint } from "./endpoints.js";
import { fail } from "./errors.js";
import { sendAttempt } from "./transport.js";
import type { HostPattern } from "./types.js";
import { capBody } from "./util/body.js";

/** What a client's `authorize` hook gets besides the request. @public */
export interface AuthorizeContext {
  /** The checked target URL. */
  readonly url: URL;
  /** The caller's signal (from `init` or the `Request`), to pass on to `getCredentials`. */
  readonly signal: AbortSignal | undefined;
  /**
   * `true` when the request was built from a URL and an `init` with neither headers nor a body (a body brings a
   * `content-type`): its headers are then empty, and a hook that reads them (SigV4 signs the caller's) may skip
   * that. Iterating a runtime's `Headers` builds a sorted list and an iterator even when it is empty.
   */
  readonly headersEmpty: boolean;
}

/** Options of {@link authorizedFetch}. @public */
export interface AuthorizedFetchOptions {
  /** The cloud, for errors (`aws`, `gcp`, `azure`). */
  readonly cloud: string;
  /** Host patterns that may receive the credential (see {@link hostMatches}). */
  readonly officialHosts: readonly HostPattern[];
  /**
   * The client's own refusals after a host matched `officialHosts`: returns why `url` may not receive the
   * credential (a customer-controlled name under an official wildcard), or `undefined`. Not consulted for
   * `allowedOrigins`, which are the caller's explicit choice.
   */
  readonly refuse?: (url: URL) => string | undefined;
  /** Origins outside the official hosts the caller opted into (an emulator on loopback, a proxy). */
  readonly allowedOrigins?: readonly string[];
  /**
   * Adds the credential to a request that passed every check. Called once per request, only after the checks,
   * so a refused host never costs an exchange. Returns the request to send: `request` itself (its headers changed
   * in place, the cheapest) or one built from it (`new Request(request, init)`), so that it keeps `request`'s
   * signal, which carries the attempt's timeout and the caller's abort to the transport.
   */
  readonly authorize: Authorize;
  /** Sends the authorized request. Default: `globalThis.fetch`, looked up at call time. */
  readonly fetch?: (request: Request) => Promise<Response>;
  /**
   * Milliseconds until the answer's headers must have arrived; `Infinity` for none. Default 30 000. An upload's
   * answer comes after its body is sent: raise it for large uploads.
   */
  readonly timeoutMs?: number;
  /** Bytes of an error answer's (4xx/5xx) body the caller may read. Default 256 KiB. */
  readonly maxErrorBodyBytes?: number;
  /** The answer header naming the cloud region (`x-amz-bucket-region`), copied into redirect errors. */
  readonly regionHeader?: string;
  /**
   * Appended to the hint of an `endpoint_refused` for an origin on this machine (an emulator): how to opt it in with
   * this client. A refused remote host's hint never names the opt-in.
   */
  readonly optInHint?: string;
}

/** How a request is authorized: {@link AuthorizedFetchOptions.authorize}. @public */
export type Authorize = (request: Request, context: AuthorizeContext) => Promise<Request>;

/**
 * {@link authorizedFetch}'s rules with the `authorize` hook given per call: one sender serves clients that differ
 * only in how they authorize (an `awsFetch` per request under `withFedkit`, each with its request's credentials),
 * so each of them builds one hook instead of a whole authorized fetch.
 * @public
 */
export interface AuthorizedSender {
  (input: string | URL | Request, init: RequestInit | undefined, authorize: Authorize): Promise<Response>;
  authorize(
    input: string | URL | Request,
    init: RequestInit | undefined,
    authorize: Authorize,
  ): Promise<Request>;
}

/** A `fetch` that authorizes and sends under {@link authorizedFetch}'s rules. @public */
export interface AuthorizedFetch {
  (input: string | URL | Request, init?: RequestInit): Promise<Response>;
  /**
   * Checks and authorizes without sending: the returned `Request` has `redirect: "error"`, so a `fetch` of it
   * refuses any redirect.
   */
  authorize(input: string | URL | Request, init?: RequestInit): Promise<Request>;
}

/**
 * Refuses string input whose path has `.` or `..` segments (also `%2e`, `\` separators, and tabs or newlines
 * the parser strips): fetch would resolve them and reach a different path than the one written.
 * @internal
 */
export function refuseDotSegments(input: string, cloud: string): void {
  // The URL parser removes tabs and newlines anywhere, and treats `\` as `/` in http(s) URLs. After the scheme and
  // the authority (which holds no separator), a separator followed by a dot segment before any `?` or `#`.
  // Fast path: a dot segment needs a `.` right after a separator (or a stripped tab or newline), or a `%2e`.
  if (!/[/\\\t\n\r]\.|%2e/i.test(input)) return;
  const rest = input.replace(/[\t\n\r]/g, "").replace(/^[a-z][a-z\d+.-]*:[/\\]*/i, "");
  if (!/^[^?#]*?[/\\](?:\.|%2e){1,2}(?:[/\\?#]|$)/i.test(rest)) return;
  throw fail(
    "config",
    `The URL's path has "." or ".." segments (${cloud}).`,
    cloud,
    "Name the path without them (S3 keys: s3ObjectUrl).",
  );
}

/**
 * Creates a `fetch` that checks the target, authorizes the request with `options.authorize` and sends it
 * without ever following a redirect.
 *
 * @throws FederationError `endpoint_refused` (host) or `config` (dot segments) before `authorize` runs;
 *   {@link RedirectRefusedError} for a redirect answer; `timeout` when headers do not arrive in time.
 * @example
 * ```ts
 * const blob = authorizedFetch({
 *   cloud: "azure",
 *   officialHosts: ["*.blob.core.windows.net"],
 *   authorize: async (request, { signal }) => {
 *     const token = await federation.getCredentials<AccessToken>(storageProvider, { signal });
 *     const headers = new Headers(request.headers);
 *     headers.set("authorization", `Bearer ${token.token}`);
 *     return new Request(request, { headers });
 *   },
 * });
 * const res = await blob("https://account.blob.core.windows.net/container/hello.txt");
 * ```
 * @public
 */
export function authorizedFetch(options: AuthorizedFetchOptions): AuthorizedFetch {
  // A sender whose calls without a hook take `options.authorize`: no wrapper of its own.
  return authorizedSender(options) as unknown as AuthorizedFetch;
}

/**
 * {@link authorizedFetch} with the `authorize` hook passed on each call (a call without one takes
 * `options.authorize`, which is how `authorizedFetch` is made): the checks, timeout and error-body cap are resolved
 * once, for every client sharing the sender.
 *
 * @example
 * ```ts
 * const blob = authorizedSender({ cloud: "azure", officialHosts: ["*.blob.core.windows.net"] });
 * // One hook per credential getter (e.g. per request); the sender and its checks are shared.
 * const bearerOf = (getter: Federation): Authorize => async (request, { signal }) => {
 *   const token = await getter.getCredentials<AccessToken>(storageProvider, { signal });
 *   request.headers.set("authorization", `Bearer ${token.token}`);
 *   return request;
 * };
 * const res = await blob("https://account.blob.core.windows.net/container/a.txt", undefined, bearerOf(federation));
 * ```
 * @public
 */
export function authorizedSender(
  options: Omit<AuthorizedFetchOptions, "authorize"> & { readonly authorize?: Authorize },
): AuthorizedSender {
  // Everything a call needs is resolved here, once per sender: per call there is one URL parse and no merging.
  const { cloud, refuse, optInHint, regionHeader, fetch: transport } = options;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const maxErrorBody = options.maxErrorBodyBytes ?? 256 * 1024;
  if (!(timeoutMs > 0) || !(maxErrorBody > 0)) {
    throw new TypeError("authorizedFetch: timeoutMs and maxErrorBodyBytes must be > 0");
  }
  // Parsed once per allowedOrigins array: a client made per request (awsFetch under withFedkit) gets the same one.
  const origins = optInOrigins(options.allowedOrigins);
  const suffix = optInHint === undefined ? "" : ` ${optInHint}`;

  /**
   * Checks, builds and authorizes the one Request of a call. `attempt` (sending with a timeout) is the signal of
   * the attempt's controller: the Request is built with it, so it can be sent as is (`fetch(request)`, no init,
   * which would make the runtime build a second Request); the caller's signal reaches it through that controller.
   */
  async function prepare(
    input: string | URL | Request,
    init: RequestInit | undefined,
    authorize: Authorize | undefined,
    mode: RequestRedirect,
    attempt?: AbortSignal,
  ) {
    const isRequest = input instanceof Request;
    if (typeof input === "string") refuseDotSegments(input, cloud);
    // A Request's own URL, where it will be sent: Request's getter, not one a subclass overrides (a runtime that
    // keeps `url` on the instance, as workerd before its prototype-properties flag, is read there).
    const url = parseEndpoint(
      isRequest ? (Reflect.get(Request.prototype, "url", input) ?? input.url) : input,
      cloud,
    );
    const optedIn = origins.has(url.origin);
    // The client's refusals first, so a customer-controlled name is refused with its own reason even when it is
    // outside the official hosts anyway; then the general rule. An opted-in origin skips the refusals.
    const why = optedIn ? undefined : refuse?.(url);
    if (why !== undefined) {
      throw fail(
        "endpoint_refused",
        `Refused to send credentials to ${url.origin}: ${why}.`,
        cloud,
        // Never the opt-in: the name is a customer's (or another service's) under the cloud's domain.
        "Use the API endpoint of the service this client is for, or a client for that service.",
      );
    }
    checkUrl(url, options, optedIn, suffix);
    const signal = init?.signal ?? (isRequest ? input.signal : undefined) ?? undefined;
    // Built from the checked URL for string and URL input, so what is authorized is what was checked.
    const request = new Request(isRequest ? input : url.href, {
      ...init,
      redirect: mode,
      signal: attempt ?? init?.signal,
    });
    const headersEmpty = !isRequest && init?.headers == null && init?.body == null;
    // A call without its own hook (every authorizedFetch call) takes the options'.
    const authorized = await (authorize ?? (options.authorize as Authorize))(request, {
      url,
      signal,
      headersEmpty,
    });
    // The request itself (what awsFetch returns, its headers signed in place) has its URL: only another one is read.
    if (authorized !== request && authorized.url !== request.url) {
      throw fail("config", `${cloud}: authorize() changed the request's URL.`, cloud);
    }
    return {
      url,
      signal,
      request: authorized.redirect === mode ? authorized : new Request(authorized, { redirect: mode }),
    };
  }

  // Timers treat anything beyond 2^31-1 ms as 1 ms: a longer wait is no timer at all (sendAttempt's rule).
  const timed = timeoutMs < 2 ** 31;
  const send = (async (
    input: string | URL | Request,
    init: RequestInit | undefined,
    authorize?: Authorize,
  ) => {
    // With a timeout, the attempt's controller exists before the Request, which is built with its signal: the
    // transport gets the very Request that was authorized, and fetch gets no init (with one, it would build a
    // second Request). Without a timeout the Request carries the caller's own signal.
    const controller = timed ? new AbortController() : undefined;
    const { request, url, signal } = await prepare(input, init, authorize, "manual", controller?.signal);
    const response = await sendAttempt(
      transport ? () => transport(request) : () => globalThis.fetch(request),
      // The checked URL: authorize() may not change the request's URL, so it is the one sent.
      { url, cloud, timeoutMs, timeoutOption: "timeoutMs", regionHeader, signal, controller },
    );
    return response.status >= 400 ? capBody(response, maxErrorBody, cloud) : response;
  }) as AuthorizedSender;
  send.authorize = async (input, init, authorize) => (await prepare(input, init, authorize, "error")).request;
  return send;
}
