/**
 * What the authorized fetch does with an answer: a redirect is never followed and becomes a
 * {@link RedirectRefusedError}; an error answer's body is capped.
 *
 * @packageDocumentation
 */
import { FederationError, type FederationErrorDetails } from "./errors.js";

/** What a {@link RedirectRefusedError} carries besides the usual fields. @public */
export interface RedirectDetails {
  /** The host of the `Location` header (no path, no query), when there was one. */
  readonly locationHost?: string | undefined;
  /** The value of the cloud's region header (`x-amz-bucket-region`), when there was one. */
  readonly region?: string | undefined;
}

/**
 * A redirect answer to an authorized request: never followed. `status` is the answer's HTTP status (`0` for an
 * opaque redirect); `locationHost` and `region` let hints name the right endpoint.
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
  readonly locationHost: string | undefined;
  readonly region: string | undefined;

  constructor(message: string, redirect: RedirectDetails, details: FederationErrorDetails = {}) {
    super("bad_response", message, details);
    this.locationHost = redirect.locationHost;
    this.region = redirect.region;
  }

  override toJSON(): Record<string, unknown> {
    const out = super.toJSON();
    if (this.locationHost !== undefined) out["locationHost"] = this.locationHost;
    if (this.region !== undefined) out["region"] = this.region;
    return out;
  }
}

/** Whether an answer is a redirect: a 3xx other than 304, an opaque redirect, or one a transport followed. @internal */
export function isRedirect(response: Response): boolean {
  if (response.type === "opaqueredirect" || response.redirected) return true;
  return response.status >= 300 && response.status < 400 && response.status !== 304;
}

/** The typed error for a redirect answer: status, `Location` host and region header, never the URL. @internal */
export function redirectError(
  response: Response,
  url: URL,
  options: { readonly cloud: string; readonly regionHeader?: string | undefined },
): RedirectRefusedError {
  const location = response.headers.get("location");
  const locationHost =
    location !== null && URL.canParse(location, url) ? new URL(location, url).host : undefined;
  const regionHeader = options.regionHeader ? response.headers.get(options.regionHeader) : null;
  // A region header is a short token such as eu-west-1; anything else is not echoed.
  const region = regionHeader !== null && /^[a-z\d-]{1,40}$/i.test(regionHeader) ? regionHeader : undefined;
  const where = locationHost === undefined ? "" : ` to ${locationHost}`;
  const status = response.type === "opaqueredirect" ? 0 : response.status;
  return new RedirectRefusedError(
    `${url.host} answered a redirect${where} (HTTP ${status}); authorized requests never follow redirects.`,
    { locationHost, region },
    {
      provider: options.cloud,
      status,
      hint:
        region === undefined
          ? "Send the request to the endpoint the service names (its own regional host), not a redirecting one."
          : `The resource lives in region ${region}: use that region's endpoint and signing region.`,
    },
  );
}

/** Wraps an error answer so that reading more than `max` bytes of its body fails with `bad_response`. @internal */
export function capBody(response: Response, max: number, cloud: string): Response {
  if (response.body === null) return response;
  let seen = 0;
  const capped = response.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        seen += chunk.byteLength;
        if (seen > max) {
          controller.error(
            new FederationError("bad_response", `${cloud}: error answer larger than ${max} bytes.`, {
              provider: cloud,
              status: response.status,
              hint: "Raise maxErrorBodyBytes if the service really answers this much.",
            }),
          );
          return;
        }
        controller.enqueue(chunk);
      },
    }),
  );
  const out = new Response(capped, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
  Object.defineProperty(out, "url", { value: response.url });
  return out;
}
