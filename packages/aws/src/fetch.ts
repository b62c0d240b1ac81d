/**
 * `awsFetch`: a `fetch` that signs every request with SigV4 (aws4fetch's `AwsV4Signer`, see signing.ts) using
 * fresh credentials from the federation's cache. aws4fetch's defaults are replaced where they do not fit: no retries (the core's
 * policy retries exchanges; a signed request is the caller's to retry), service and region passed explicitly
 * (never guessed from the host), a bounded derived-key cache, the injected clock, and presigned URLs that
 * never outlive the credentials that signed them.
 *
 * @packageDocumentation
 */
import {
  type AwsCredentials,
  type Clock,
  type Credentials,
  FederationError,
  type Provider,
  type SubjectTokenSource,
} from "@fedkit/core";
import { checkRegion } from "./partition.js";
import { checkAllowedOrigins, checkServiceUrl } from "./service-hosts.js";
import { amzDate, BoundedMap, createSigner } from "./signing.js";

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
  /** Derived signing keys kept (one per secret and day). Default 8. */
  readonly keyCacheSize?: number;
  /** Correlation id passed to `getCredentials` for audit events. */
  readonly correlationId?: string;
  /** Subject-token source for this client, overriding the federation's (e.g. `requestBearerToken(request, ...)`). */
  readonly source?: SubjectTokenSource;
  /**
   * Origins other than AWS's official hosts that may receive signed requests (`"http://127.0.0.1:4566"` for the
   * emulator, a proxy). Without it, only `https` on the default port to `*.amazonaws.com`, `*.amazonaws.com.cn`,
   * `*.api.aws` and `*.api.amazonwebservices.com.cn` is signed for (EC2 and load-balancer names excluded).
   */
  readonly allowedOrigins?: readonly string[];
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

const MAX_PRESIGN_SECONDS = 7 * 24 * 3600;

interface SignInput {
  url: string;
  method: string;
  headers?: HeadersInit;
  body?: BodyInit | null;
}

/** Reads what the signer needs from a URL or `Request` plus init; a `Request` body is buffered to be hashed. */
async function toSignInput(input: string | URL | Request, init: RequestInit): Promise<SignInput> {
  if (!(input instanceof Request)) {
    const out: SignInput = { url: input.toString(), method: init.method ?? (init.body ? "POST" : "GET") };
    if (init.headers) out.headers = init.headers;
    if (init.body != null) out.body = init.body;
    return out;
  }
  const out: SignInput = {
    url: input.url,
    method: init.method ?? input.method,
    headers: init.headers ?? input.headers,
  };
  if (init.body != null) out.body = init.body;
  else if (input.body !== null) out.body = await input.clone().arrayBuffer();
  return out;
}

/**
 * Creates a signed `fetch` for one AWS service. Each call takes credentials from `federation` (a cache hit
 * after the first exchange; refreshed ahead of expiry by the engine), signs with them and sends.
 *
 * @example
 * ```ts
 * const s3 = awsFetch(federation, aws, { service: "s3", region: "eu-west-1" });
 * const res = await s3("https://my-bucket.s3.eu-west-1.amazonaws.com/reports/2024.csv");
 * const url = await s3.presign("https://my-bucket.s3.eu-west-1.amazonaws.com/big.zip", { expiresIn: 600 });
 * ```
 * @public
 */
export function awsFetch(
  federation: CredentialGetter,
  provider: Provider<AwsCredentials>,
  options: AwsFetchOptions,
): AwsFetch {
  if (!options || typeof options.service !== "string" || !/^[\w.-]+$/.test(options.service)) {
    throw new TypeError('awsFetch: options.service must be the signing name of the service, e.g. "s3"');
  }
  const fallbackRegion = (provider as { sts?: { region?: string } }).sts?.region;
  const regionText = options.region ?? fallbackRegion;
  if (!regionText) {
    throw new FederationError("config", "awsFetch: no region given and the provider has none", {
      provider: "aws",
      hint: "Pass region: the region of the service endpoint you call.",
    });
  }
  const region = checkRegion(regionText, "awsFetch");
  const allowedOrigins = checkAllowedOrigins(options.allowedOrigins, "awsFetch");
  const { service } = options;
  const cache = new BoundedMap<string, ArrayBuffer>(options.keyCacheSize ?? 8);
  const now = () => (options.now ?? Date.now)();

  async function credentials(init: AwsRequestInit | undefined): Promise<AwsCredentials> {
    const credentialOptions: CredentialOptions = {};
    if (init?.signal) credentialOptions.signal = init.signal;
    const correlationId = init?.correlationId ?? options.correlationId;
    if (correlationId !== undefined) credentialOptions.correlationId = correlationId;
    const source = init?.source ?? options.source;
    if (source !== undefined) credentialOptions.source = source;
    return federation.getCredentials(provider, credentialOptions);
  }

  // AwsV4Signer directly rather than AwsClient: no retry loop, no global fetch, and a smaller bundle.
  function signer(creds: AwsCredentials, request: SignInput, datetime: string, signQuery?: boolean) {
    return createSigner({
      ...request,
      accessKeyId: creds.accessKeyId,
      secretAccessKey: creds.secretAccessKey,
      sessionToken: creds.sessionToken,
      service,
      region,
      cache,
      datetime,
      ...(signQuery ? { signQuery } : {}),
    });
  }

  async function sign(input: string | URL | Request, init: AwsRequestInit = {}): Promise<Request> {
    const { correlationId: _omit, source: _source, ...requestInit } = init;
    // Before credentials: a refused host never costs an exchange, and never sees the session token.
    checkServiceUrl(input instanceof Request ? input.url : input.toString(), allowedOrigins, "awsFetch");
    const creds = await credentials(init);
    const request = await toSignInput(input, requestInit);
    const signed = await signer(creds, request, amzDate(now())).sign();
    const out: RequestInit & { duplex?: "half" } = {
      ...requestInit,
      method: signed.method,
      headers: signed.headers,
      body: signed.body ?? null,
      // A redirect would carry the session token (and a replayable signature) to wherever it points: refused
      // unless the caller chose a mode itself ("manual" hands the 3xx back unfollowed).
      redirect:
        requestInit.redirect ??
        (input instanceof Request && input.redirect === "manual" ? "manual" : "error"),
    };
    // A streamed body needs duplex: "half" in fetch implementations that support streaming uploads.
    if (signed.body instanceof ReadableStream) out.duplex = "half";
    return new Request(signed.url.toString(), out);
  }

  const signedFetch = (async (input: string | URL | Request, init?: AwsRequestInit) => {
    const request = await sign(input, init);
    return (options.fetch ?? ((r: Request) => globalThis.fetch(r)))(request);
  }) as AwsFetch;

  signedFetch.sign = sign;
  signedFetch.presign = async (url, presignOptions = {}) => {
    const requested = presignOptions.expiresIn ?? 900;
    if (!Number.isInteger(requested) || requested < 1) {
      throw new TypeError("presign: expiresIn must be a positive whole number of seconds");
    }
    checkServiceUrl(url.toString(), allowedOrigins, "presign");
    const creds = await credentials(undefined);
    const started = now();
    const remaining = Math.floor((creds.expiresAt - started) / 1000);
    if (remaining < 1) {
      throw new FederationError("config", "presign: the credentials expire now; nothing can be presigned", {
        provider: "aws",
      });
    }
    const expires = Math.min(requested, remaining, MAX_PRESIGN_SECONDS);
    const target = new URL(url.toString());
    target.searchParams.set("X-Amz-Expires", String(expires));
    const request: SignInput = { url: target.toString(), method: presignOptions.method ?? "GET" };
    if (presignOptions.headers) request.headers = presignOptions.headers;
    const signed = await signer(creds, request, amzDate(started), true).sign();
    return signed.url.toString();
  };
  return signedFetch;
}
