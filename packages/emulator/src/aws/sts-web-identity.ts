import type { JWTPayload } from "jose";
import type { EmulatorContext } from "../context.js";
import { evaluatePolicies } from "../iam/index.js";
import { IssuerVerificationError } from "../oidc/errors.js";
import type { AwsOidcProvider } from "../state.js";
import { providerHostPath } from "./control.js";
import { SESSION_NAME, type StsParams } from "./sts-params.js";
import {
  checkTags,
  createSession,
  findRole,
  packedPolicyPercent,
  readSessionPolicies,
  sessionDuration,
  sessionXml,
} from "./sts-session.js";
import { StsError, stsErrors, type XmlNode } from "./sts-xml.js";

const ACTION = "sts:AssumeRoleWithWebIdentity";
/** The emulator's model of AWS's unpublished web-identity token age limit (`aws.maxWebIdentityTokenAgeSeconds`). */
const DEFAULT_MAX_TOKEN_AGE_SECONDS = 86_400;
const TAGS_CLAIM = "https://aws.amazon.com/tags";
const SOURCE_IDENTITY_CLAIM = "https://aws.amazon.com/source_identity";
const NO_KEY =
  "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements";

function unverifiedClaims(token: string): JWTPayload {
  try {
    const payload = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8"));
    if (typeof payload === "object" && payload !== null && !Array.isArray(payload)) return payload;
  } catch {
    // fall through
  }
  throw stsErrors.invalidToken(
    "The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)",
  );
}

/** IssuerVerificationError → the STS error AWS gives for the same failure. */
function mapVerification(error: unknown, claims: JWTPayload, nowSeconds: number): StsError {
  if (!(error instanceof IssuerVerificationError)) throw error;
  switch (error.reason) {
    case "expired":
      return new StsError(
        400,
        "ExpiredTokenException",
        `Token expired: current date/time ${nowSeconds} must be before the expiration date/time ${claims.exp}`,
      );
    case "not_yet_valid":
      return stsErrors.invalidToken("Token used before its issue time or its nbf (not before) time");
    case "malformed":
      return stsErrors.invalidToken(
        "The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)",
      );
    case "discovery_failed":
    case "jwks_failed":
      return (error.cause as { transient?: boolean } | undefined)?.transient
        ? new StsError(
            400,
            "IDPCommunicationError",
            "Couldn't retrieve verification key from your identity provider; the provider could not be reached",
          )
        : stsErrors.invalidToken(NO_KEY);
    case "kid_not_found":
      return stsErrors.invalidToken(NO_KEY);
    case "alg_not_allowed":
      return stsErrors.invalidToken(`The token's signing algorithm is not supported`);
    case "issuer_mismatch":
      return stsErrors.invalidToken("The issuer in the discovery document does not match the token's iss");
    case "bad_signature":
      return stsErrors.invalidToken("The token signature could not be verified");
  }
}

/** `principal_tags` / `transitive_tag_keys` of the `https://aws.amazon.com/tags` claim. */
function tagsFromClaim(
  claims: JWTPayload,
): { tags: Record<string, string>; transitive: string[] } | undefined {
  const claim = claims[TAGS_CLAIM];
  if (claim === undefined) return undefined;
  if (typeof claim !== "object" || claim === null)
    throw stsErrors.invalidToken(`The ${TAGS_CLAIM} claim must be an object`);
  const { principal_tags: principal = {}, transitive_tag_keys: transitive = [] } = claim as Record<
    string,
    unknown
  >;
  const tags: Record<string, string> = {};
  for (const [key, value] of Object.entries(principal as Record<string, unknown>)) {
    const single = Array.isArray(value) && value.length === 1 ? value[0] : value;
    if (typeof single !== "string")
      throw stsErrors.invalidToken(`Session tag ${key} must be a string or a one-element array`);
    tags[key] = single;
  }
  if (!Array.isArray(transitive) || transitive.some((key) => typeof key !== "string")) {
    throw stsErrors.invalidToken("transitive_tag_keys must be an array of strings");
  }
  checkTags(tags, transitive as string[]);
  return { tags, transitive: transitive as string[] };
}

/** Condition keys a web-identity token contributes, keyed by the provider's host/path. */
function tokenContext(
  provider: AwsOidcProvider,
  claims: JWTPayload,
  aud: string,
): Record<string, string | string[]> {
  const key = provider.hostPath;
  const out: Record<string, string | string[]> = {
    [`${key}:aud`]: aud,
    [`${key}:sub`]: String(claims.sub ?? ""),
  };
  for (const name of ["amr", "azp", "email", "oaud"]) {
    const value = claims[name];
    if (typeof value === "string") out[`${key}:${name}`] = value;
    else if (Array.isArray(value)) out[`${key}:${name}`] = value.map(String);
  }
  return out;
}

/**
 * `AssumeRoleWithWebIdentity`: provider for `iss` → signature and times → `aud` against the provider's client
 * ids → role and its trust policy (with `sts:TagSession` when the token carries session tags) → a session.
 * @internal
 */
export async function assumeRoleWithWebIdentity(ctx: EmulatorContext, params: StsParams): Promise<XmlNode> {
  const roleArn = params.string("RoleArn", { required: true, min: 20, max: 2048 });
  const sessionName = params.string("RoleSessionName", {
    required: true,
    min: 2,
    max: 64,
    pattern: SESSION_NAME,
  });
  const token = params.string("WebIdentityToken", { required: true, min: 4, max: 20_000 });
  const requested = params.duration();
  const { policies, policyArns, raw } = readSessionPolicies(params);
  params.check();

  const claims = unverifiedClaims(token!);
  const iss = typeof claims.iss === "string" ? claims.iss : "";
  // IAM finds the provider by the token's `iss` as written: another scheme, letter case, port or a trailing slash
  // is another issuer (OIDC Core §2: iss is a case-sensitive URL), and AWS answers as for an unregistered one.
  const candidate = ctx.state.aws.oidcProviders.get(providerHostPath(iss));
  const provider = candidate?.url === iss ? candidate : undefined;
  if (!iss || !provider)
    throw stsErrors.invalidToken(`No OpenIDConnect provider found in your account for ${iss}`);
  const nowSeconds = Math.floor(ctx.now() / 1000);
  const { payload } = await ctx.issuers.verify(token!, { issuer: iss }).catch((error: unknown) => {
    throw mapVerification(error, claims, nowSeconds);
  });
  // Not yet expired is not enough: AWS has refused tokens issued days earlier ("Token too old: 441398",
  // mozilla-iam/mozilla-aws-cli#146). The limit is unpublished, so it is a setting.
  const age = typeof payload.iat === "number" ? nowSeconds - Math.floor(payload.iat) : 0;
  if (age > (ctx.config.aws?.maxWebIdentityTokenAgeSeconds ?? DEFAULT_MAX_TOKEN_AGE_SECONDS))
    throw new StsError(400, "ExpiredTokenException", `Token too old: ${age}`);
  const auds = typeof payload.aud === "string" ? [payload.aud] : (payload.aud ?? []);
  const aud = auds.find((candidate) => provider.clientIds.includes(candidate));
  if (aud === undefined) throw stsErrors.invalidToken("Incorrect token audience");
  if (typeof payload.sub !== "string" || payload.sub === "")
    throw new StsError(403, "IDPRejectedClaim", "The token has no sub claim");

  const role = findRole(ctx, roleArn!, ACTION);
  const sessionTags = tagsFromClaim(payload);
  const sourceIdentity = payload[SOURCE_IDENTITY_CLAIM];
  if (
    sourceIdentity !== undefined &&
    (typeof sourceIdentity !== "string" || !/^[\w+=,.@-]{2,64}$/.test(sourceIdentity))
  ) {
    throw stsErrors.invalidToken(`The ${SOURCE_IDENTITY_CLAIM} claim must match [\\w+=,.@-]{2,64}`);
  }
  const tags = sessionTags?.tags ?? {};
  const percent =
    raw !== undefined || policyArns.length > 0 || sessionTags
      ? packedPolicyPercent(raw, policyArns, tags)
      : undefined;
  const duration = sessionDuration(requested, role, false);
  const context: Record<string, string | string[]> = {
    ...tokenContext(provider, payload, aud),
    "aws:FederatedProvider": provider.arn,
    "sts:RoleSessionName": sessionName!,
    "aws:CurrentTime": new Date(ctx.now()).toISOString(),
    "aws:EpochTime": String(nowSeconds),
    "aws:SecureTransport": String(ctx.urls.sts.startsWith("https:")),
  };
  for (const [key, value] of Object.entries(tags)) context[`aws:RequestTag/${key}`] = value;
  if (sourceIdentity !== undefined) context["sts:SourceIdentity"] = sourceIdentity;
  if (sessionTags) {
    context["aws:TagKeys"] = Object.keys(tags);
    context["sts:TransitiveTagKeys"] = sessionTags.transitive;
  }
  const principal = { federated: provider.arn };
  const allowed = (action: string) =>
    evaluatePolicies([role.trustPolicy], { action, resource: role.arn, principal, context }) === "allow";
  if (!allowed(ACTION)) throw stsErrors.accessDenied(ACTION);
  if (sessionTags && !allowed("sts:TagSession")) throw stsErrors.accessDenied("sts:TagSession");
  if (sourceIdentity !== undefined && !allowed("sts:SetSourceIdentity")) {
    throw stsErrors.accessDenied("sts:SetSourceIdentity");
  }

  const session = createSession(ctx, {
    role,
    sessionName: sessionName!,
    durationSeconds: duration,
    tags,
    transitiveTagKeys: sessionTags?.transitive ?? [],
    sessionPolicies: policies,
    policyArns,
    sourceIdentity,
    webIdentity: { iss, sub: payload.sub, aud, provider: provider.arn },
  });
  const { assumedRoleUser, credentials } = sessionXml(session);
  return [
    ["SubjectFromWebIdentityToken", payload.sub],
    ["Audience", aud],
    ["AssumedRoleUser", assumedRoleUser],
    ["PackedPolicySize", percent],
    ["Credentials", credentials],
    ["SourceIdentity", sourceIdentity],
    ["Provider", provider.arn],
  ];
}
