/**
 * Buckets live in one region. A request signed for another region, or sent to another region's endpoint,
 * cannot succeed: `awsFetch` says so before sending when the URL names a region, and otherwise explains S3's
 * answer (a `PermanentRedirect`/`TemporaryRedirect`, or a 400 `AuthorizationHeaderMalformed`) from the region
 * S3 names in `x-amz-bucket-region` or in the error body.
 *
 * @packageDocumentation
 */
import { FederationError } from "@fedkit/core";
import { RedirectRefusedError } from "@fedkit/core/provider";
import { isRegionShaped } from "./partition.js";
import { parseAwsHost } from "./service-hosts.js";

/** S3's header naming the bucket's region on redirects and region errors. @internal */
export const BUCKET_REGION_HEADER = "x-amz-bucket-region";

function regionHint(actual: string, signing: string): string {
  return (
    `The bucket is in ${actual} but the request was signed for ${signing}: create the client with ` +
    `region: "${actual}" and address the bucket at s3.${actual} (s3ObjectUrl({ bucket, key, region: "${actual}" })).`
  );
}

/**
 * Refuses, before credentials are asked for, a URL whose host names a region other than the signing region.
 * Global endpoints (no region in the host) and opted-in origins are not checked.
 * @throws FederationError `config`.
 * @internal
 */
export function checkUrlRegion(url: URL, signingRegion: string, where: string): void {
  const named = parseAwsHost(url.hostname)?.region;
  if (named === undefined || named === signingRegion) return;
  throw new FederationError(
    "config",
    `${where}: ${url.host} is in region ${named}, but the request would be signed for ${signingRegion}.`,
    {
      provider: "aws",
      hint: `Pass region: "${named}" to this client (or use the ${signingRegion} endpoint); a signature for one region is refused by another.`,
    },
  );
}

/** A redirect refused by the authorized fetch, re-explained when S3 named the bucket's region. @internal */
export function explainRedirect(error: unknown, signingRegion: string): unknown {
  if (!(error instanceof RedirectRefusedError) || error.region === undefined) return error;
  if (error.region === signingRegion) return error;
  return new RedirectRefusedError(
    error.message,
    { locationHost: error.locationHost, region: error.region },
    {
      provider: "aws",
      ...(error.status === undefined ? {} : { status: error.status }),
      cloudCode: error.status === 301 ? "PermanentRedirect" : "TemporaryRedirect",
      hint: regionHint(error.region, signingRegion),
      cause: error,
    },
  );
}

/**
 * For an S3 answer of 400: when it is S3's wrong-region error (`AuthorizationHeaderMalformed` naming the
 * expected region, or an `x-amz-bucket-region` header that differs from the signing region), a typed error
 * explaining it; otherwise `undefined` and the caller gets the response as it came.
 * @internal
 */
export async function regionError(
  response: Response,
  signingRegion: string,
): Promise<FederationError | undefined> {
  if (response.status !== 400) return undefined;
  const header = response.headers.get(BUCKET_REGION_HEADER);
  let region = header !== null && isRegionShaped(header) && header !== signingRegion ? header : undefined;
  let code: string | undefined;
  if (response.body !== null) {
    // The body is capped by the authorized fetch; S3's error documents are a few hundred bytes.
    const text = await response
      .clone()
      .text()
      .catch(() => "");
    code = /<Code>([A-Za-z]{1,64})<\/Code>/.exec(text)?.[1];
    const named = /<Region>([a-z0-9-]{1,40})<\/Region>/.exec(text)?.[1];
    if (region === undefined && code === "AuthorizationHeaderMalformed" && named && named !== signingRegion) {
      region = isRegionShaped(named) ? named : undefined;
    }
  }
  if (region === undefined) return undefined;
  return new FederationError(
    "config",
    `S3 refused a request signed for ${signingRegion}: the bucket is in ${region}.`,
    {
      provider: "aws",
      status: 400,
      ...(code === undefined ? {} : { cloudCode: code }),
      hint: regionHint(region, signingRegion),
    },
  );
}
