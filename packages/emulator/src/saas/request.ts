/** Reading a token request body as the service documents it (form per the RFCs, JSON for OpenAI/Anthropic/Vault). @internal */
export type RequestParams = Record<string, string>;

/** A body that could not be read: status and what to say. @internal */
export interface BodyProblem {
  status: number;
  description: string;
}

/** Parses a form or JSON body into string parameters; refuses other encodings, oversized bodies, non-strings. @internal */
export async function readParams(
  request: Request,
  encodings: ReadonlyArray<"form" | "json">,
  maxBytes = 64 * 1024,
): Promise<RequestParams | BodyProblem> {
  const type = (request.headers.get("content-type") ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  const text = await request.text();
  if (new TextEncoder().encode(text).length > maxBytes)
    return { status: 413, description: `the request body is larger than ${maxBytes} bytes` };
  if (type === "application/x-www-form-urlencoded" && encodings.includes("form"))
    return Object.fromEntries(new URLSearchParams(text));
  if (type === "application/json" && encodings.includes("json")) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return { status: 400, description: "the body is not valid JSON" };
    }
    if (typeof value !== "object" || value === null || Array.isArray(value))
      return { status: 400, description: "the body must be a JSON object" };
    const params: RequestParams = {};
    for (const [key, field] of Object.entries(value)) {
      if (typeof field !== "string") return { status: 400, description: `${key} must be a string` };
      params[key] = field;
    }
    return params;
  }
  const wanted = encodings.map((e) =>
    e === "form" ? "application/x-www-form-urlencoded" : "application/json",
  );
  return { status: 400, description: `the body must be ${wanted.join(" or ")}` };
}

/** The `iss` of a token, unverified (to pick the trusted issuer whose keys verify it). @internal */
export function unverifiedIssuer(token: string): string | undefined {
  try {
    const claims = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8"));
    return typeof claims?.iss === "string" ? claims.iss : undefined;
  } catch {
    return undefined;
  }
}

/** A fresh opaque access token. @internal */
export function newAccessToken(prefix: string): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return `${prefix}${Buffer.from(bytes).toString("base64url")}`;
}
