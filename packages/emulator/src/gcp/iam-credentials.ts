/**
 * IAM Credentials `generateAccessToken` and `generateIdToken` for service accounts, allowed only when the
 * bearer's principal holds a role with the permission on the service account (and on every delegate).
 *
 * @packageDocumentation
 */
import { type CryptoKey, exportJWK, generateKeyPair, type JWK, SignJWT } from "jose";
import type { EmulatorContext } from "../context.js";
import { isGranted } from "./iam.js";
import { bearer, hasScope, json, newAccessToken, rpcError } from "./respond.js";
import { countCall, type GcpPrincipal, type GcpState, gcpState } from "./state.js";

const PATH = /^\/v1\/projects\/-\/serviceAccounts\/([^/:]+):(generateAccessToken|generateIdToken)$/;
const IAM_SCOPES = ["https://www.googleapis.com/auth/iam"];
const UNAUTHENTICATED =
  "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.";

/** The key Google-signed ID tokens are made with, and its JWKS (served at `/oauth2/v3/certs`). */
export interface IdTokenSigner {
  readonly key: CryptoKey;
  readonly jwk: JWK;
}

/** Creates the ID-token signing key. @internal */
export async function createIdTokenSigner(): Promise<IdTokenSigner> {
  const { privateKey, publicKey } = await generateKeyPair("RS256");
  const jwk = { ...(await exportJWK(publicKey)), kid: "emulator-google-1", alg: "RS256", use: "sig" };
  return { key: privateKey, jwk };
}

function denied(permission: string, target: string): Response {
  return rpcError(
    "PERMISSION_DENIED",
    `Permission '${permission}' denied on resource (or it may not exist).`,
    [
      {
        "@type": "type.googleapis.com/google.rpc.ErrorInfo",
        reason: "IAM_PERMISSION_DENIED",
        domain: "iam.googleapis.com",
        metadata: { permission, resource: `projects/-/serviceAccounts/${target}` },
      },
    ],
  );
}

/**
 * Walks the delegation chain: the caller must hold the permission on the first hop, each delegate on the next,
 * the last on the target. Returns the response to send on refusal.
 */
function checkChain(
  state: GcpState,
  caller: GcpPrincipal,
  chain: string[],
  permission: string,
): Response | undefined {
  let actor = caller;
  for (const email of chain) {
    const sa = state.serviceAccounts.get(email);
    if (!sa || sa.disabled || !isGranted(sa.bindings, permission, actor)) return denied(permission, email);
    actor = { kind: "service_account", email };
  }
  return undefined;
}

function parseDelegates(value: unknown): string[] | undefined {
  if (value === undefined) return [];
  if (!Array.isArray(value)) return undefined;
  const out: string[] = [];
  for (const item of value) {
    const match = typeof item === "string" ? /^projects\/-\/serviceAccounts\/([^/]+)$/.exec(item) : null;
    if (!match) return undefined;
    out.push(match[1]!);
  }
  return out;
}

/** Handles one IAM Credentials request. @internal */
export async function handleIamCredentials(
  request: Request,
  ctx: EmulatorContext,
  signer: IdTokenSigner,
): Promise<Response> {
  const url = new URL(request.url);
  if (request.method === "GET" && url.pathname === "/oauth2/v3/certs")
    return json(200, { keys: [signer.jwk] });
  const match = PATH.exec(url.pathname);
  if (request.method !== "POST" || !match)
    return rpcError("NOT_FOUND", `Method not found: ${request.method} ${url.pathname}`);
  const state = gcpState(ctx);
  const target = decodeURIComponent(match[1]!);
  const method = match[2]!;
  countCall(state, method);
  const token = bearer(request, state, ctx.now());
  if (!token) return rpcError("UNAUTHENTICATED", UNAUTHENTICATED);
  if (!hasScope(token, IAM_SCOPES)) {
    return rpcError("PERMISSION_DENIED", "Request had insufficient authentication scopes.", [
      {
        "@type": "type.googleapis.com/google.rpc.ErrorInfo",
        reason: "ACCESS_TOKEN_SCOPE_INSUFFICIENT",
        domain: "googleapis.com",
      },
    ]);
  }
  let body: Record<string, unknown>;
  try {
    body = (await request.json()) as Record<string, unknown>;
  } catch {
    return rpcError("INVALID_ARGUMENT", "Invalid JSON payload received.");
  }
  const delegates = parseDelegates(body["delegates"]);
  if (!delegates)
    return rpcError("INVALID_ARGUMENT", "Invalid delegates: expected projects/-/serviceAccounts/{email}.");
  const permission =
    method === "generateAccessToken"
      ? "iam.serviceAccounts.getAccessToken"
      : "iam.serviceAccounts.getOpenIdToken";
  const refusal = checkChain(state, token.principal, [...delegates, target], permission);
  if (refusal) return refusal;
  const sa = state.serviceAccounts.get(target)!;
  return method === "generateAccessToken"
    ? accessToken(body, target, sa.allowLifetimeExtension, state, ctx)
    : idToken(body, target, sa.uniqueId, signer, ctx);
}

function accessToken(
  body: Record<string, unknown>,
  email: string,
  extended: boolean,
  state: GcpState,
  ctx: EmulatorContext,
): Response {
  const scope = body["scope"];
  if (!Array.isArray(scope) || scope.length === 0 || !scope.every((s) => typeof s === "string")) {
    return rpcError(
      "INVALID_ARGUMENT",
      "Request contains an invalid argument: scope must be a non-empty list.",
    );
  }
  const lifetime = body["lifetime"] ?? "3600s";
  const seconds =
    typeof lifetime === "string" && /^\d+(\.\d+)?s$/.test(lifetime)
      ? Number.parseFloat(lifetime)
      : Number.NaN;
  const max = extended ? 43_200 : 3600;
  if (!(seconds >= 1 && seconds <= max)) {
    return rpcError(
      "INVALID_ARGUMENT",
      `Request contains an invalid argument: lifetime must be between 1s and ${max}s.`,
    );
  }
  const token = newAccessToken();
  const expiresAt = ctx.now() + seconds * 1000;
  state.tokens.set(token, {
    principal: { kind: "service_account", email },
    scopes: scope as string[],
    expiresAt,
  });
  return json(200, {
    accessToken: token,
    expireTime: new Date(expiresAt).toISOString().replace(/\.\d{3}Z$/, "Z"),
  });
}

async function idToken(
  body: Record<string, unknown>,
  email: string,
  uniqueId: string,
  signer: IdTokenSigner,
  ctx: EmulatorContext,
): Promise<Response> {
  const audience = body["audience"];
  if (typeof audience !== "string" || audience === "") {
    return rpcError("INVALID_ARGUMENT", "Request contains an invalid argument: audience is required.");
  }
  const now = Math.floor(ctx.now() / 1000);
  const claims: Record<string, unknown> = { azp: uniqueId };
  if (body["includeEmail"] === true) Object.assign(claims, { email, email_verified: true });
  const token = await new SignJWT(claims)
    .setProtectedHeader({ alg: "RS256", kid: signer.jwk.kid!, typ: "JWT" })
    .setIssuer("https://accounts.google.com")
    .setAudience(audience)
    .setSubject(uniqueId)
    .setIssuedAt(now)
    .setExpirationTime(now + 3600)
    .sign(signer.key);
  return json(200, { token });
}
