/**
 * Kubernetes projected service-account tokens: the source is `fileToken` from `@fedkit/core/node` (the kubelet
 * rotates the file); this is the trust of one service account.
 *
 * Subject grammar (kubernetes.io, "Managing Service Accounts"): `system:serviceaccount:NAMESPACE:NAME`, issuer the
 * API server's `--service-account-issuer`.
 *
 * @packageDocumentation
 */
import { type PlatformTrust, platformTrust } from "./platform-trust.js";

/** A service account of one cluster. @public */
export interface KubernetesIdentity {
  /** The cluster's `--service-account-issuer` (what `iss` says). */
  readonly issuer: string;
  readonly namespace: string;
  readonly serviceAccount: string;
}

/**
 * The trust of one service account. Clusters are the contexts here: each has its own issuer and keys.
 *
 * @example
 * ```ts
 * import { kubernetesTrust } from "@fedkit/platforms/trust";
 * const trust = kubernetesTrust({ issuer: "https://oidc.example-cluster.internal", namespace: "prod", serviceAccount: "reports" });
 * ```
 * @public
 */
export function kubernetesTrust(identity: KubernetesIdentity): PlatformTrust {
  const { namespace, serviceAccount } = identity;
  if (/[*?:\s]/.test(namespace + serviceAccount) || !namespace || !serviceAccount)
    throw new TypeError("kubernetesTrust: namespace and serviceAccount are exact names");
  const subject = `system:serviceaccount:${namespace}:${serviceAccount}`;
  return platformTrust({
    platform: "kubernetes",
    issuer: identity.issuer,
    subject,
    awsSubject: subject,
    gcpPins: { sub: subject },
    gcpPrincipal: { attribute: "subject", value: subject },
    context: namespace,
    contexts: "separate",
    entraNote:
      "Entra matches the exact service account subject; renaming the namespace or account breaks it.",
  });
}
