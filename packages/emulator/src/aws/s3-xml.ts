/**
 * S3's XML: error documents and the ListObjectsV2 result, with S3's headers and statuses.
 */

/** Escapes text for an XML element. @internal */
export const xmlEscape = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => `&${{ "&": "amp", "<": "lt", ">": "gt", '"': "quot", "'": "apos" }[c]};`);

/** Renders `{ Name: "x", Contents: [...] }` as XML elements (arrays repeat the element). @internal */
export function xmlElements(fields: Record<string, unknown>): string {
  let out = "";
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) {
      const inner =
        typeof item === "object" && item !== null
          ? xmlElements(item as Record<string, unknown>)
          : xmlEscape(String(item));
      out += `<${name}>${inner}</${name}>`;
    }
  }
  return out;
}

const XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n';

/** An S3 failure: code, status, message and extra fields (`Key`, `BucketName`, `StringToSign`, ...). @public */
export class S3Error extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: Record<string, string> = {},
    /** Extra response headers S3 sends with this error (`x-amz-bucket-region` on region errors). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "S3Error";
  }
}

/** Common response headers: S3 names every response with a request id. @internal */
export function s3Headers(requestId: string, extra: Record<string, string> = {}): Headers {
  return new Headers({
    "x-amz-request-id": requestId,
    "x-amz-id-2": btoa(requestId),
    server: "AmazonS3",
    ...extra,
  });
}

/**
 * S3's error document `<Error><Code/><Message/>...<RequestId/><HostId/></Error>`; HEAD responses carry no body,
 * as S3's do (clients map the status).
 * @internal
 */
export function s3ErrorResponse(error: S3Error, requestId: string, method: string): Response {
  const headers = s3Headers(requestId, { "content-type": "application/xml", ...error.headers });
  if (method === "HEAD") return new Response(null, { status: error.status, headers });
  const body = `${XML_HEAD}<Error>${xmlElements({
    Code: error.code,
    Message: error.message,
    ...error.fields,
    RequestId: requestId,
    HostId: btoa(requestId),
  })}</Error>`;
  return new Response(body, { status: error.status, headers });
}

/** A successful XML document with S3's namespace. @internal */
export function s3XmlResponse(root: string, fields: Record<string, unknown>, requestId: string): Response {
  const body = `${XML_HEAD}<${root} xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${xmlElements(fields)}</${root}>`;
  return new Response(body, {
    status: 200,
    headers: s3Headers(requestId, { "content-type": "application/xml" }),
  });
}
