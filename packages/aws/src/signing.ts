/**
 * The one place fedkit builds aws4fetch's `AwsV4Signer`, with aws4fetch's defaults replaced where they do not
 * fit: service and region always passed (aws4fetch would guess them from the host and fall back to us-east-1),
 * a bounded derived-key cache (its default `Map` grows with every rotated secret), and a signing time from the
 * injected clock (it would read the wall clock). `AwsV4Signer` rather than `AwsClient`: the client's retry loop
 * (10 retries by default) and its global `fetch` are not used at all, which is "retries: 0" by construction;
 * the core's policy retries exchanges, and a signed request is the caller's to retry.
 *
 * @packageDocumentation
 */
import { AwsV4Signer } from "aws4fetch";

/** What {@link createSigner} signs, and with what. @internal */
export interface SignerInput {
  readonly method: string;
  readonly url: string;
  readonly headers?: HeadersInit;
  readonly body?: BodyInit | null;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string | undefined;
  /** The signing name, never guessed from the host. */
  readonly service: string;
  /** The signing region, never guessed and never defaulted. */
  readonly region: string;
  /** Derived signing keys; a {@link BoundedMap} in fedkit. */
  readonly cache: Map<string, ArrayBuffer>;
  /** `X-Amz-Date` from the injected clock (see {@link amzDate}). */
  readonly datetime: string;
  /** Sign in the query string (a presigned URL) instead of the `Authorization` header. */
  readonly signQuery?: boolean;
}

/**
 * aws4fetch's `AwsV4Signer` as fedkit configures it (header form by default, query form with `signQuery`).
 * aws4fetch's other switches keep their defaults: `allHeaders` off (it leaves `content-type`, `user-agent`,
 * `range`... unsigned, headers proxies may rewrite) and double path encoding for every service but S3.
 * @internal
 */
export function createSigner(input: SignerInput): AwsV4Signer {
  if (!input.service || !input.region) throw new TypeError("signing needs an explicit service and region");
  const { signQuery, ...rest } = input;
  return new AwsV4Signer(signQuery ? { ...rest, signQuery } : rest);
}

/**
 * A `Map` that keeps at most `max` entries, dropping the least recently used. aws4fetch keys its derived
 * signing keys by secret, date, region and service, so an unbounded map would keep every rotated secret.
 * @internal
 */
export class BoundedMap<K, V> extends Map<K, V> {
  readonly max: number;
  constructor(max: number) {
    super();
    if (!Number.isInteger(max) || max < 1)
      throw new TypeError("the key cache size must be a positive integer");
    this.max = max;
  }
  override get(key: K): V | undefined {
    const value = super.get(key);
    if (value !== undefined) {
      super.delete(key);
      super.set(key, value);
    }
    return value;
  }
  override set(key: K, value: V): this {
    super.delete(key);
    super.set(key, value);
    while (this.size > this.max) {
      const oldest = this.keys().next().value as K;
      super.delete(oldest);
    }
    return this;
  }
}

/** `20150830T123600Z` for a time in ms, as SigV4's `X-Amz-Date` wants it. @internal */
export function amzDate(ms: number): string {
  return new Date(ms).toISOString().replace(/[:-]|\.\d{3}/g, "");
}
