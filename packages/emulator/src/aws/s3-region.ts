/**
 * Buckets live in a region. S3 answers a request sent to another region's endpoint with a redirect, and one signed
 * for another region with the error naming the bucket's region, before it looks at the credentials:
 * https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html (PermanentRedirect, AuthorizationHeaderMalformed,
 * AuthorizationQueryParametersError) and https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadBucket.html
 * (`x-amz-bucket-region`).
 */
import { S3Error } from "./s3-xml.js";
import { parseSigV4 } from "./sigv4-parse.js";

/** A region name as AWS spells them (`us-east-1`, `eu-central-2`, `us-gov-west-1`, `cn-north-1`). @internal */
export const REGION_NAME = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/**
 * The region a Host names as an S3 endpoint: `s3.<region>.…`, `s3-<region>.…`, `s3.dualstack.<region>.…`, with or
 * without a bucket in front; `s3.amazonaws.com` / `s3-external-1` are us-east-1. `undefined` for a host that names
 * none (the emulator's `127.0.0.1:<port>`): that endpoint serves every region.
 * @internal
 */
export function endpointRegion(host: string): string | undefined {
  const name = host.replace(/:\d+$/, "").toLowerCase();
  const regional = /(?:^|\.)s3[.-](?:dualstack\.)?([a-z]{2}(?:-[a-z]+)+-\d+)\./.exec(name);
  if (regional) return regional[1];
  if (/^(s3|s3-external-1)\.amazonaws\.com$/.test(name)) return "us-east-1";
  return undefined;
}

const REDIRECT_MESSAGE =
  "The bucket you are attempting to access must be addressed using the specified endpoint. Please send all future requests to this endpoint.";

/**
 * Throws S3's answer when `request` addresses `bucket` (in `bucketRegion`) through another region's endpoint (301
 * `PermanentRedirect`) or signs it for another region (400 `AuthorizationHeaderMalformed`, or
 * `AuthorizationQueryParametersError` for a presigned URL). Both carry `x-amz-bucket-region`, which is all a HEAD
 * answer has and what the AWS SDKs' `followRegionRedirects` reads.
 * @internal
 */
export function checkBucketRegion(request: Request, bucket: string, bucketRegion: string): void {
  const url = new URL(request.url);
  const header = { "x-amz-bucket-region": bucketRegion };
  const endpoint = endpointRegion(request.headers.get("host") ?? url.host);
  if (endpoint !== undefined && endpoint !== bucketRegion)
    throw new S3Error(
      301,
      "PermanentRedirect",
      REDIRECT_MESSAGE,
      { Endpoint: `${bucket}.s3.${bucketRegion}.amazonaws.com`, Bucket: bucket },
      header,
    );
  const parsed = parseSigV4(request, url);
  if (!parsed.ok || parsed.params.scope.region === bucketRegion) return;
  const wrong = `the region '${parsed.params.scope.region}' is wrong; expecting '${bucketRegion}'`;
  if (parsed.params.presigned)
    throw new S3Error(
      400,
      "AuthorizationQueryParametersError",
      `Error parsing the X-Amz-Credential parameter; ${wrong}`,
      { Region: bucketRegion },
      header,
    );
  throw new S3Error(
    400,
    "AuthorizationHeaderMalformed",
    `The authorization header is malformed; ${wrong}`,
    { Region: bucketRegion },
    header,
  );
}
