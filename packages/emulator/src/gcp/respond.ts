/**
 * Google-shaped answers: OAuth errors for STS, `google.rpc.Status` for IAM Credentials, the JSON API error
 * envelope for Cloud Storage; plus bearer-token lookup.
 *
 * @packageDocumentation
 */
import { randomBytes } from "node:crypto";
import type { GcpState, GcpToken } from "./state.js";

/** A JSON response with Google's content type. @internal */
export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=UTF-8", ...headers },
  });
}

/** An STS (RFC 6749 §5.2) error. @internal */
export function oauthError(error: string, description: string, status = 400): Response {
  return json(status, { error, error_description: description });
}

const STATUS_CODE: Record<string, number> = {
  INVALID_ARGUMENT: 400,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  NOT_FOUND: 404,
  FAILED_PRECONDITION: 400,
};

/** A `google.rpc.Status` error as IAM Credentials sends it. @internal */
export function rpcError(
  status: keyof typeof STATUS_CODE | string,
  message: string,
  details?: unknown[],
): Response {
  const code = STATUS_CODE[status] ?? 500;
  return json(code, { error: { code, message, status, ...(details ? { details } : {}) } });
}

/** The Cloud Storage JSON API error envelope. @internal */
export function gcsError(
  code: number,
  message: string,
  reason: string,
  extra: Record<string, string> = {},
): Response {
  return json(code, { error: { code, message, errors: [{ message, domain: "global", reason, ...extra }] } });
}

/** A fresh opaque access token, shaped like Google's (`ya29.` prefix, so loggers that redact those do). @internal */
export function newAccessToken(): string {
  return `ya29.emu-${randomBytes(48).toString("base64url")}`;
}

/** Looks up the bearer of a request; undefined when absent, unknown or expired. @internal */
export function bearer(request: Request, state: GcpState, now: number): GcpToken | undefined {
  const header = request.headers.get("authorization") ?? "";
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match) return undefined;
  const token = state.tokens.get(match[1]!);
  if (!token || token.expiresAt <= now) return undefined;
  return token;
}

/** Whether the token's scopes cover a service (cloud-platform covers everything). @internal */
export function hasScope(token: GcpToken, accepted: readonly string[]): boolean {
  const all = ["https://www.googleapis.com/auth/cloud-platform", ...accepted];
  return token.scopes.some((s) => all.includes(s));
}
