/**
 * `awsFetch`: core's `authorizedFetch` signing every request with SigV4 (signing.ts) using fresh credentials from
 * the federation's cache. No retries (the core's policy retries exchanges; a signed request is the caller's to
 * retry), service and region passed explicitly (never guessed from the host), a bounded derived-key cache shared by
 * the isolate, the injected clock, and presigned URLs that never outlive the credentials that signed them.
 *
 * @packageDocumentation
 */
import type { Clock, Credentials, Provider, SubjectTokenSource } from "@fedkit/core";
import { type Authorize, authorizedSender } from "@fedkit/core/provider";
import type { AwsCredentials } from "./credentials.js";
import { awsError } from "./errors.js";
import { checkRegion } from "./partition.js";
import { BUCKET_REGION_HEADER, explainRedirect, regionError } from "./s3-region.js";
import { awsHostRefusal, checkAllowedOrigins, OFFICIAL_SERVICE_HOSTS } from "./service-hosts.js";
import { amzDate, BoundedMap, type SignerInput, signV4 } from "./signing.js";

/** What {@link awsFetch} needs from a federation: `createFederation()`'s result fits. @public */
export interface CredentialGetter {
  getCredentials<C extends Credentials>(provider: Provider<C>, options?: CredentialOptions): Promise<C>;
}

/** What fedkit passes on to `getCredentials`. @public */
export interface CredentialOptions {
  signal?: AbortSignal;
  correlationId?: string;
  /** The subject-token source for this client or request (e.g. the incoming request's bearer token). */
  source?: SubjectTokenSource;
}

/** Options of {@link awsFetch}. @public */
export interface AwsFetchOptions {
  /** The signing name of the service: `s3`, `dynamodb`, `execute-api`, ... Never guessed from the host. */
  readonly service: string;
  /** The signing region. Default: the provider's STS region (when it is an `awsProvider`). */
  readonly region?: string;
  /** Sends the signed request. Default: `globalThis.fetch`, looked up at call time. */
  readonly fetch?: (request: Request) => Promise<Response>;
  /** Clock for `X-Amz-Date` and presign expiry. Default `Date.now`. */
  readonly now?: Clock;
  /**
   * Derived signing keys kept by this client alone (one per secret and day). Default: unset, and the client shares
   * the isolate's cache of 16 keys with every other `awsFetch`, so a client made per request (as `withFedkit`'s
   * `fedkit.client()` does) reuses the key derived by the previous one instead of computing 4 HMACs again.
   */
  readonly keyCacheSize?: number;
  /** Correlation id passed to `getCredentials` for audit events. */
  readonly correlationId?: string;
  /** Subject-token source for this client, overriding the federation's (e.g. `requestBearerToken(request, ...)`). */
  readonly source?: SubjectTokenSource;
  /**
   * Origins other than AWS's official hosts that may receive signed requests (`"http://127.0.0.1:4566"` for the
   * emulator, a proxy). Without it, only `https` on the default port to `*.amazonaws.com`, `*.amazonaws.com.cn`,
   * `*.api.aws` and `*.api.amazonwebservices.com.cn` is signed for (EC2, load-balancer, S3 website and
   * PrivateLink endpoint-service names excluded, and hosts of another service than `service`).
   */
  readonly allowedOrigins?: readonly string[];
  /** Milliseconds until the answer's headers must arrive. Default 30 000. */
  readonly timeoutMs?: number;
}

/** Per-request options: the usual `RequestInit` plus a correlation id for the audit log. @public */
export type AwsRequestInit = RequestInit & {
  readonly correlationId?: string;
  readonly source?: SubjectTokenSource;
};

/** Options of {@link AwsFetch.presign}. @public */
export interface PresignOptions {
  /** Default `GET`. */
  readonly method?: string;
  /** Seconds the URL stays valid; capped at the credentials' remaining life and 7 days. Default 900. */
  readonly expiresIn?: number;
  readonly headers?: HeadersInit;
}

/** A SigV4-signing `fetch`, with `sign` and `presign` for requests sent elsewhere. @public */
export interface AwsFetch {
  (input: string | URL | Request, init?: AwsRequestInit): Promise<Response>;
  /** Signs without sending. */
  sign(input: string | URL | Request, init?: AwsRequestInit): Promise<Request>;
  /** A presigned URL (query-string SigV4) for a browser or another service to use. */
  presign(url: string | URL, options?: PresignOptions): Promise<string>;
}

// Derived SigV4 keys of this isolate, shared by every awsFetch without its own keyCacheSize (`withFedkit` makes a
// client per request). They are keyed by secret, date, region and service, so a key is found only by a caller
// holding the same secret; bounded, so rotated and per-user secrets fall out.
const isolateKeys = new BoundedMap<string, Uint8Array>(16);

/**
 * Creates a signed `fetch` for one AWS service. Each call checks the URL (official host of this service, the
 * signing region, no dot segments in string input) before taking credentials from `federation` (a cache hit
 * after the first exchange), signs with them and sends without following redirects. For S3, a wrong-region
 * answer becomes a `config` error naming the bucket's region.
 *
 * @example
 * ```ts
 * const s3 = awsFetch(federation, aws, { service: "s3", region: "eu-west-1" });
 * const res = await s3(s3ObjectUrl({ bucket: "my-bucket", key: "reports/2024.csv", region: "eu-west-1" }));
 * const url = await s3.presign("https://my-bucket.s3.eu-west-1.amazonaws.com/big.zip", { expiresIn: 600 });
 * ```
 * @throws FederationError `endpoint_refused` or `config` before credentials are asked for; a
 *   `RedirectRefusedError` for a redirect answer; `config` for S3's wrong-region answers.
 * @public
 */
export function awsFetch(
  federation: CredentialGetter,
  provider: Provider<AwsCredentials>,
  options: AwsFetchOptions,
): AwsFetch {
  return awsFetchMaker(provider, options)(federation);
}

/**
 * {@link awsFetch} in two steps: the checks and the authorized sender, which depend on the provider and options
 * alone, once; then a client per credential getter, which builds only its signing hook and methods. `withFedkit`
 * makes a client per request (each request's getter carries its own ids): its AWS plugin keeps one maker per
 * provider, so a warm request builds no sender and repeats no check.
 *
 * @example
 * ```ts
 * const makeS3 = awsFetchMaker(aws, { service: "s3", region: "eu-west-1" });
 * const s3 = makeS3(federation); // as awsFetch(federation, aws, { service: "s3", region: "eu-west-1" })
 * ```
 * @throws what {@link awsFetch} throws for bad options, when the maker is made.
 * @public
 */
export function awsFetchMaker(
  provider: Provider<AwsCredentials>,
  options: AwsFetchOptions,
): (federation: CredentialGetter) => AwsFetch {
  const service = options?.service;
  if (typeof service !== "string" || !/^[\w.-]+$/.test(service)) {
    throw new TypeError('awsFetch: options.service must be a signing name, e.g. "s3"');
  }
  const regionText = options.region ?? (provider as { sts?: { region?: string } }).sts?.region;
  if (!regionText) {
    throw awsError("config", "awsFetch: no region given and the provider has none", "Pass region.");
  }
  const region = checkRegion(regionText, "awsFetch");
  const allowedOrigins = checkAllowedOrigins(options.allowedOrigins);
  const { keyCacheSize } = options;
  const cache = keyCacheSize === undefined ? isolateKeys : new BoundedMap<string, Uint8Array>(keyCacheSize);
  const now = () => (options.now ?? Date.now)();

  /** `getCredentials`' options of a client: the call's correlation id and source, else the client's. */
  // Only the options that are set: a federation wrapped by its caller (e.g. `requestFederation`, which spreads its
  // defaults under the call's options) would take an `undefined` source as "no source".
  const credentialOptions = (init?: AwsRequestInit): CredentialOptions => {
    const result: CredentialOptions = {};
    const correlationId = init?.correlationId ?? options.correlationId;
    if (correlationId !== undefined) result.correlationId = correlationId;
    const source = init?.source ?? options.source;
    if (source !== undefined) result.source = source;
    return result;
  };

  const sign = (
    creds: AwsCredentials,
    request: Pick<SignerInput, "method" | "url" | "headers" | "body" | "signQuery" | "headersEmpty">,
    at = now(),
  ) =>
    // The signer reads the fields it needs (the credentials' kind and expiry go no further); the request's fields
    // come after the credentials', so nothing in a credentials object can replace them.
    signV4({ ...creds, ...request, service, region, cache, datetime: amzDate(at) });

  // The host checks, the service's and the region's, run in `refuse`, before any credentials; the hook then signs
  // the request core built from the checked URL in place: its URL is that checked URL (parsed once), its headers
  // receive the signature.
  const sender = authorizedSender({
    cloud: "aws",
    officialHosts: OFFICIAL_SERVICE_HOSTS,
    refuse: (url) => awsHostRefusal(url, service, region),
    allowedOrigins,
    regionHeader: BUCKET_REGION_HEADER,
    optInHint: "Or opt the origin in with allowedOrigins.",
    // Undefined ones are authorizedSender's defaults.
    fetch: options.fetch,
    timeoutMs: options.timeoutMs,
  });

  /** The hook signing a call's request with credentials asked of `federation` with `base` (correlation id, source). */
  const signer =
    (federation: CredentialGetter, base: CredentialOptions): Authorize =>
    async (request, { url, signal, headersEmpty }) => {
      // The caller's signal, from init or from a Request's own, reaches getCredentials.
      const creds = await federation.getCredentials(provider, signal ? { ...base, signal } : base);
      // A body is hashed into the signature, so it is read (from a clone, the request keeps its own); a stream
      // is passed on unread only when the caller declared its hash (x-amz-content-sha256). A request with empty
      // headers (a URL and no init headers or body) has no body either, and no caller headers to read.
      const { method, headers } = request;
      const body =
        !headersEmpty && request.body && !headers.has("x-amz-content-sha256")
          ? await request.clone().arrayBuffer()
          : null;
      // A warm request is signed synchronously (signV4 returns no promise then): nothing to wait for.
      const signed = sign(creds, { method, url, headers, body, headersEmpty });
      if (signed instanceof Promise) await signed;
      return request;
    };
  // presign's checks: the same as a sent request's, before any credentials.
  const checked: Authorize = async (request) => request;

  return (federation) => {
    // The hook of calls with no per-call credential options, built once; a call with its own options gets its own.
    const signing = signer(federation, credentialOptions());
    const signerFor = (init: AwsRequestInit | undefined) =>
      init?.correlationId === undefined && init?.source === undefined
        ? signing
        : signer(federation, credentialOptions(init));

    const signedFetch = (async (input: string | URL | Request, init?: AwsRequestInit) => {
      let response: Response;
      try {
        // `init` goes to the Request as it is: a RequestInit's unknown members (correlationId, source) are ignored.
        response = await sender(input, init, signerFor(init));
      } catch (error) {
        throw explainRedirect(error, region);
      }
      const wrongRegion =
        service === "s3" && response.status === 400 && (await regionError(response, region));
      if (wrongRegion) {
        await response.body?.cancel().catch(() => {});
        throw wrongRegion;
      }
      return response;
    }) as AwsFetch;

    // Checked and signed exactly as a sent request; the Request refuses redirects when the caller sends it.
    signedFetch.sign = (input, init) => sender.authorize(input, init, signerFor(init));
    signedFetch.presign = async (url, { method = "GET", expiresIn = 900, headers = {} } = {}) => {
      if (!Number.isInteger(expiresIn) || expiresIn < 1) {
        throw new TypeError("presign: expiresIn must be a positive integer (seconds)");
      }
      const target = new URL((await sender.authorize(url, undefined, checked)).url);
      const creds = await federation.getCredentials(provider, credentialOptions());
      const at = now();
      const remaining = Math.floor((creds.expiresAt - at) / 1000);
      if (remaining < 1) {
        throw awsError("config", "presign: the credentials expire now", "Presign with fresh credentials.");
      }
      // Never longer than the credentials that sign it, nor than SigV4's 7 days.
      target.searchParams.set("X-Amz-Expires", String(Math.min(expiresIn, remaining, 7 * 24 * 3600)));
      return (await sign(creds, { url: target, method, signQuery: true, headers }, at)).url.href;
    };
    return signedFetch;
  };
}
