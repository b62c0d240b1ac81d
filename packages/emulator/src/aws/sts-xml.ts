const NS = "https://sts.amazonaws.com/doc/2011-06-15/";

/** Escapes text for an XML element body. @internal */
export function xmlText(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** A nested element tree in the order AWS writes it; `undefined` members are left out. @internal */
export type XmlNode = string | number | undefined | ReadonlyArray<readonly [string, XmlNode]>;

function render(node: XmlNode, indent: string): string {
  if (typeof node === "string" || typeof node === "number") return xmlText(String(node));
  if (node === undefined) return "";
  const inner = node
    .filter(([, child]) => child !== undefined)
    .map(([name, child]) => {
      const body = render(child, `${indent}  `);
      return typeof child === "object"
        ? `${indent}<${name}>\n${body}${indent}</${name}>\n`
        : `${indent}<${name}>${body}</${name}>\n`;
    });
  return inner.join("");
}

function xmlResponse(status: number, body: string, requestId: string): Response {
  return new Response(body, {
    status,
    headers: { "content-type": "text/xml", "x-amzn-requestid": requestId },
  });
}

/**
 * `<{Action}Response><{Action}Result>…</{Action}Result><ResponseMetadata><RequestId>…` exactly as STS writes it.
 * @internal
 */
export function stsResult(action: string, result: XmlNode, requestId: string): Response {
  const body =
    `<${action}Response xmlns="${NS}">\n` +
    render([[`${action}Result`, result]], "  ") +
    `  <ResponseMetadata>\n    <RequestId>${xmlText(requestId)}</RequestId>\n  </ResponseMetadata>\n` +
    `</${action}Response>\n`;
  return xmlResponse(200, body, requestId);
}

/**
 * An STS error as AWS answers it. `code`, `status` and `type` follow the botocore model (`InvalidIdentityToken`
 * 400, `IDPRejectedClaim` 403, `AccessDenied` 403, ...). Thrown inside STS and rendered by {@link stsErrorResponse}.
 * @public
 */
export class StsError extends Error {
  override readonly name = "StsError";
  readonly status: number;
  readonly code: string;
  readonly type: "Sender" | "Receiver";
  constructor(status: number, code: string, message: string, type: "Sender" | "Receiver" = "Sender") {
    super(message);
    this.status = status;
    this.code = code;
    this.type = type;
  }
}

/** `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>`. @internal */
export function stsErrorResponse(error: StsError, requestId: string): Response {
  const body =
    `<ErrorResponse xmlns="${NS}">\n` +
    render(
      [
        [
          "Error",
          [
            ["Type", error.type],
            ["Code", error.code],
            ["Message", error.message],
          ],
        ],
        ["RequestId", requestId],
      ],
      "  ",
    ) +
    `</ErrorResponse>\n`;
  return xmlResponse(error.status, body, requestId);
}

/** AWS's timestamp form for `Expiration`: second precision, `Z`. @internal */
export function awsTimestamp(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

/** Common STS errors with AWS's codes, statuses and wording. @internal */
export const stsErrors = {
  accessDenied: (action: string) => new StsError(403, "AccessDenied", `Not authorized to perform ${action}`),
  validation: (problems: string[]) =>
    new StsError(
      400,
      "ValidationError",
      problems.length === 1 && !problems[0]!.startsWith("Value")
        ? problems[0]!
        : `${problems.length} validation error${problems.length > 1 ? "s" : ""} detected: ${problems.join("; ")}`,
    ),
  invalidToken: (message: string) => new StsError(400, "InvalidIdentityToken", message),
};
