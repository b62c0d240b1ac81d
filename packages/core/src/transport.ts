/**
 * The one transport under every request fedkit sends with a secret: the exchange client (`ctx.send`, a subject
 * token to a token endpoint) and the authorized fetch (a credential to a cloud API). One attempt: the answer's
 * headers must arrive within a timeout, and a redirect answer is refused, never followed.
 *
 * @packageDocumentation
 */
import { FederationError, type FederationErrorDetails, fail } from "./errors.js";
import { startDeadline } from "./util/deadlines.js";

/** What a {@link RedirectRefusedError} carries besides the usual fields. @public */
export interface RedirectDetails {
  /** The host of the `Location` header (no path, no query), when there was one. */
  readonly locationHost?: string | undefined;
  /** The value of the cloud's region header (`x-amz-bucket-region`), when there was one. */
  readonly region?: string | undefined;
}

/**
 * A redirect answer to a request that carried a secret: never followed. `status` is the answer's HTTP status
 * (`0` for an opaque redirect); `locationHost` and `region` let hints name the right endpoint.
 *
 * @example
 * ```ts
 * declare const s3: AuthorizedFetch; // e.g. awsFetch(federation, provider)
 * try {
 *   await s3("https://my-bucket.s3.us-east-1.amazonaws.com/report.csv");
 * } catch (err) {
 *   if (err instanceof RedirectRefusedError && err.region) console.error(`the bucket lives in ${err.region}`);
 * }
 * ```
 * @public
 */
export class RedirectRefusedError extends FederationError {
  declare readonly locationHost: string | undefined;
  declare readonly region: string | undefined;

  constructor(message: string, redirect: RedirectDetails, details: FederationErrorDetails = {}) {
    super("bad_response", message, details);
    this.locationHost = redirect.locationHost;
    this.region = redirect.region;
  }
}

/** How one attempt is sent. @internal */
export interface AttemptOptions {
  /** The checked target, for errors. */
  readonly url: URL;
  /** The cloud, for errors. */
  readonly cloud: string;
  /** Milliseconds until the answer's headers; `2 ** 31` or more (`Infinity`) is no timeout. */
  readonly timeoutMs: number;
  /** The option that raises `timeoutMs`, named in the timeout hint. */
  readonly timeoutOption: string;
  /** The caller's signal (or the exchange's deadline): its abort is passed on as is, never called a timeout. */
  readonly signal?: AbortSignal | undefined;
  /** The answer header naming the cloud region (`x-amz-bucket-region`), copied into redirect errors. */
  readonly regionHeader?: string | undefined;
  /** The attempt's number, for errors. */
  readonly attempt?: number;
  /**
   * The controller whose signal the request to send already carries (built with it, so that `send` hands the
   * transport that very request, with no `init` that would make a runtime build another); its signal is passed to
   * `send` too. The timer and the caller's abort go through it. Both callers make one whenever `timeoutMs` is a
   * timeout (under 2^31), the only case that uses it.
   */
  readonly controller?: AbortController | undefined;
}

/**
 * Sends one attempt with `send` (which must ask for `redirect: "manual"`) and returns the answer once its
 * headers arrived. A redirect answer (a 3xx other than 304, an `opaqueredirect`, or one a transport followed
 * anyway) is a {@link RedirectRefusedError} naming status and `Location` host, never the URL (its query may hold
 * a presigned secret). Past `timeoutMs` it rejects with `timeout`, also when the transport ignores its signal:
 * the timer settles the call itself. Without a timeout the caller's signal goes to `send` as is: no timer, no
 * controller, no combined signal on that path. With a timeout, the attempt aborts `options.controller` (the one
 * the request was built with).
 * @internal
 */
export async function sendAttempt(
  send: (signal: AbortSignal | undefined) => Promise<Response>,
  options: AttemptOptions,
): Promise<Response> {
  const { url, cloud, timeoutMs, signal: caller, attempt } = options;
  caller?.throwIfAborted();
  // Timers treat anything beyond 2^31-1 ms as 1 ms: a longer wait is no timer at all.
  const response =
    timeoutMs < 2 ** 31
      ? await new Promise<Response>((resolve, reject) => {
          // One controller aborts the request on either the timer or the caller (a listener, cheaper than
          // AbortSignal.any, and removed once settled).
          const controller = options.controller as AbortController;
          const stop = (error: unknown) => {
            cancel();
            caller?.removeEventListener("abort", onAbort);
            reject(error);
            controller.abort(error);
          };
          const onAbort = () => stop(caller?.reason);
          // In Deno a deadline on the isolate's shared timer, elsewhere a cleared timer of its own (util/deadlines.ts).
          const cancel = startDeadline(timeoutMs, () =>
            stop(
              fail(
                "timeout",
                `No answer from ${url.host} in ${timeoutMs} ms.`,
                cloud,
                `Check connectivity, or raise ${options.timeoutOption}.`,
                { retryable: true, attempts: attempt },
              ),
            ),
          );
          caller?.addEventListener("abort", onAbort);
          try {
            send(controller.signal).then((answer) => {
              cancel();
              caller?.removeEventListener("abort", onAbort);
              resolve(answer);
            }, stop);
          } catch (error) {
            stop(error);
          }
        })
      : await send(caller);
  const opaque = response.type === "opaqueredirect";
  const status = opaque ? 0 : response.status;
  if (!opaque && !response.redirected && (status < 300 || status > 399 || status === 304)) return response;
  await response.body?.cancel().catch(() => {});
  const location = response.headers.get("location");
  const locationHost =
    location !== null && URL.canParse(location, url) ? new URL(location, url).host : undefined;
  const regionValue = options.regionHeader && response.headers.get(options.regionHeader);
  // A region header is a short token such as eu-west-1; anything else is not echoed.
  const region = regionValue && /^[a-z\d-]{1,40}$/i.test(regionValue) ? regionValue : undefined;
  throw new RedirectRefusedError(
    `${url.host} answered a redirect${locationHost ? ` to ${locationHost}` : ""} (HTTP ${status}); not followed.`,
    { locationHost, region },
    {
      provider: cloud,
      status,
      attempts: attempt,
      hint: region
        ? `The resource is in ${region}: use that region's endpoint and signing region.`
        : "Use the service's own regional endpoint.",
    },
  );
}
