/**
 * Trust generation shared by every platform: from one {@link PlatformTrustSpec} (issuer, the exact `sub`, the
 * AWS `sub` pattern, GCP's claim pins) it builds the AWS role trust policy, the GCP provider and binding, and
 * the Entra federated credential. Pure: it computes, it calls nothing.
 *
 * Where a promise lives decides what it can pin: AWS conditions see only `iss`/`aud`/`sub` (no custom claims),
 * so ids are pinned inside `sub` with `StringLike`; GCP maps any claim, so ids are pinned as claims; Entra
 * matches `sub` exactly and allows no wildcard, so anything in `sub` that can change (a repository name)
 * breaks its trust when it changes.
 *
 * @packageDocumentation
 */
import type { PolicyDocument } from "@fedkit/aws";
import { gcpPoolId } from "@fedkit/gcp";

/** Whether a platform gives each deploy context its own secrets and tokens. @public */
export type ContextIsolation = "separate" | "shared";

/** What a platform's trust builder derives from the identity it is given. @public */
export interface PlatformTrustSpec {
  readonly platform: string;
  /** The token's `iss`, exactly. */
  readonly issuer: string;
  /** The exact `sub` of this identity today (what Entra must be given); absent when no single `sub` fits. */
  readonly subject?: string;
  /** The `sub` pattern AWS gets under `StringLike`: immutable ids pinned, renameable names as `*`. */
  readonly awsSubject: string;
  /** Claims GCP's attribute condition pins (all must be strings in the token). */
  readonly gcpPins: Readonly<Record<string, string>>;
  /** The GCP principal set the binding grants: one mapped attribute and its value. */
  readonly gcpPrincipal: { readonly attribute: string; readonly value: string };
  /**
   * The one `aud` every token of this identity carries, where the platform does not let the caller choose
   * (Vercel: `https://vercel.com/TEAM`). Absent: each cloud's own audience (AWS `sts.amazonaws.com`, GCP the
   * provider's resource name, Entra `api://AzureADTokenExchange`), which the source asks the platform for.
   */
  readonly audience?: string;
  /** The deploy context or equivalent this trust is for (a GCP pool of its own per context). */
  readonly context: string;
  readonly contexts: ContextIsolation;
  /** Why Entra's exact match is or is not stable for this identity. */
  readonly entraNote: string;
}

/** The trust a platform identity needs on each cloud. @public */
export interface PlatformTrust {
  readonly spec: PlatformTrustSpec;
  /**
   * The role trust policy for an IAM OIDC provider of `spec.issuer`; `audience` defaults to `spec.audience`,
   * else `sts.amazonaws.com` (the provider's client id list must hold it too).
   */
  aws(options: { readonly providerArn: string; readonly audience?: string }): PolicyDocument;
  readonly gcp: {
    /** One pool per platform identity and context (GCP scopes principals to the pool, not the provider). */
    readonly poolId: string;
    readonly issuerUri: string;
    readonly attributeMapping: Readonly<Record<string, string>>;
    readonly attributeCondition: string;
    /**
     * The provider's allowed audiences: the platform's fixed audience (`spec.audience`); `undefined` keeps GCP's
     * default (the provider's own resource name, which the source then asks for).
     */
    readonly allowedAudiences: readonly [string] | undefined;
    /** The member to grant (`roles/iam.workloadIdentityUser` on the service account, or a resource role). */
    member(projectNumber: string, poolId?: string): string;
  };
  /**
   * The federated identity credential body (pass it to `azureFederatedCredential` or Graph); `undefined` when
   * the identity has no single exact `sub` (Entra allows no wildcard). `note` says what breaks it.
   */
  readonly azure:
    | {
        readonly issuer: string;
        readonly subject: string;
        readonly audiences: readonly [string];
        readonly note: string;
      }
    | undefined;
  /** Why Entra's exact match is or is not stable for this identity. */
  readonly entraNote: string;
}

const CLAIM = /^[a-z_][a-z0-9_]*$/;

/**
 * Builds the three clouds' trust from a platform's spec (the per-platform builders call it).
 *
 * @example
 * ```ts
 * import { platformTrust } from "@fedkit/platforms/trust";
 * const trust = platformTrust({
 *   platform: "kubernetes",
 *   issuer: "https://oidc.example-cluster.internal",
 *   subject: "system:serviceaccount:prod:reports",
 *   awsSubject: "system:serviceaccount:prod:reports",
 *   gcpPins: { sub: "system:serviceaccount:prod:reports" },
 *   gcpPrincipal: { attribute: "subject", value: "system:serviceaccount:prod:reports" },
 *   context: "prod",
 *   contexts: "separate",
 *   entraNote: "stable: namespace and service account names are the identity",
 * });
 * trust.aws({ providerArn: "arn:aws:iam::123456789012:oidc-provider/oidc.example-cluster.internal" });
 * ```
 * @public
 */
export function platformTrust(spec: PlatformTrustSpec): PlatformTrust {
  const hostPath = spec.issuer.replace(/^https?:\/\//, "").replace(/\/$/, "");
  const pins = Object.entries(spec.gcpPins);
  if (pins.length === 0) throw new TypeError("platformTrust: pin at least one claim for GCP");
  for (const [claim, value] of pins) {
    if (!CLAIM.test(claim) || typeof value !== "string" || value === "")
      throw new TypeError(`platformTrust: GCP pin ${JSON.stringify(claim)} needs a claim name and a value`);
  }
  const { attribute, value } = spec.gcpPrincipal;
  const attributeMapping: Record<string, string> = { "google.subject": "assertion.sub" };
  for (const [claim] of pins)
    if (claim !== "sub") attributeMapping[`attribute.${claim}`] = `assertion.${claim}`;
  if (attribute !== "subject" && attributeMapping[`attribute.${attribute}`] === undefined)
    throw new TypeError(
      `platformTrust: the principal attribute ${attribute} must be one of the pinned claims`,
    );
  const poolId = gcpPoolId(`${spec.platform}:${spec.gcpPrincipal.value}`, spec.context);
  return {
    spec,
    aws({ providerArn, audience = spec.audience ?? "sts.amazonaws.com" }) {
      const exact = !spec.awsSubject.includes("*") && !spec.awsSubject.includes("?");
      return {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { Federated: providerArn },
            Action: "sts:AssumeRoleWithWebIdentity",
            Condition: {
              StringEquals: {
                [`${hostPath}:aud`]: audience,
                ...(exact ? { [`${hostPath}:sub`]: spec.awsSubject } : {}),
              },
              ...(exact ? {} : { StringLike: { [`${hostPath}:sub`]: spec.awsSubject } }),
            },
          },
        ],
      };
    },
    gcp: {
      poolId,
      issuerUri: spec.issuer,
      attributeMapping,
      attributeCondition: pins.map(([claim, v]) => `assertion.${claim} == ${JSON.stringify(v)}`).join(" && "),
      allowedAudiences: spec.audience === undefined ? undefined : [spec.audience],
      member(projectNumber, pool = poolId) {
        const base = `//iam.googleapis.com/projects/${projectNumber}/locations/global/workloadIdentityPools/${pool}`;
        return attribute === "subject"
          ? `principal:${base}/subject/${value}`
          : `principalSet:${base}/attribute.${attribute}/${value}`;
      },
    },
    azure:
      spec.subject === undefined
        ? undefined
        : {
            issuer: spec.issuer,
            subject: spec.subject,
            audiences: [spec.audience ?? "api://AzureADTokenExchange"],
            note: spec.entraNote,
          },
    entraNote: spec.entraNote,
  };
}
