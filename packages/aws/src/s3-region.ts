/**
 * Buckets live in one region. A request signed for another region, or sent to another region's endpoint,
 * cannot succeed: `awsFetch` says so before sending when the URL names a region (`service-hosts.ts`), and
 * otherwise explains S3's answer (a `PermanentRedirect`/`TemporaryRedirect`, or a 400
 * `AuthorizationHeaderMalformed`) from the region S3 names in `x-amz-bucket-region` or in the error body.
 *
 * @packageDocumentation
 */
import type { FederationError } from "@fedkit/core";
import { RedirectRefusedError } from "@fedkit/core/provider";
import { awsError } from "./errors.js";
import { isRegionShaped } from "./partition.js";

/** S3's header naming the bucket's region on redirects and region errors. @internal */
export const BUCKET_REGION_HEADER = "x-amz-bucket-region";

/** The fix for a request signed for `signing` that belongs in `actual`. @internal */
export const regionHint = (actual: string, signing: string): string =>
  `Pass region: "${actual}" to this client (not ${signing}) and use the ${actual} endpoint.`;

/** A redirect refused by the authorized fetch, re-explained when S3 named the bucket's region. @internal */
export function explainRedirect(error: unknown, signingRegion: string): unknown {
  if (!(error instanceof RedirectRefusedError) || !error.region || error.region === signingRegion)
    return error;
  return new RedirectRefusedError(error.message, error, {
    provider: "aws",
    status: error.status,
    cloudCode: error.status === 301 ? "PermanentRedirect" : "TemporaryRedirect",
    hint: regionHint(error.region, signingRegion),
    cause: error,
  });
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
  const header = response.headers.get(BUCKET_REGION_HEADER) ?? "";
  let region = isRegionShaped(header) && header !== signingRegion ? header : undefined;
  // The body is capped by the authorized fetch; S3's error documents are a few hundred bytes.
  const text = response.body
    ? await response
        .clone()
        .text()
        .catch(() => "")
    : "";
  const code = /<Code>([A-Za-z]{1,64})<\/Code>/.exec(text)?.[1];
  const named = /<Region>([a-z0-9-]{1,40})<\/Region>/.exec(text)?.[1] ?? "";
  if (
    !region &&
    code === "AuthorizationHeaderMalformed" &&
    named !== signingRegion &&
    isRegionShaped(named)
  ) {
    region = named;
  }
  return region
    ? awsError(
        "config",
        `S3 refused a request signed for ${signingRegion}: the bucket is in ${region}.`,
        regionHint(region, signingRegion),
        {
          status: 400,
          cloudCode: code,
        },
      )
    : undefined;
}
