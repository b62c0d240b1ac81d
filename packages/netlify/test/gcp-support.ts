/// <reference types="node" />
// Shared by the GCP tests: the GCP sample site, the emulator's project, and registering a trustPolicyFor result
// with the emulator the way the gcloud commands would with Google.
import { fileURLToPath } from "node:url";
import { addGcpProvider, type Emulator, gcpStateOf } from "@fedkit/emulator";
import { type GcpTrustConfig, parseProviderName } from "@fedkit/gcp";

export const GCP_SAMPLE_DIR = fileURLToPath(new URL("../../../apps/netlify-gcp-gcs/", import.meta.url));
export const GCP_BUCKET = "fedkit-reports";
export const GCP_OBJECT = "reports/latest.csv";
export const GCP_BODY = "quarter,revenue\nQ1,1200\nQ2,1350\n";
/** The sample config's defaults (no GCP_* variables in the test process). */
export const GCP_PROJECT_NUMBER = "123456789012";
export const GCP_SERVICE_ACCOUNT = "reports-reader@fedkit-reports.iam.gserviceaccount.com";

/** The emulator's `gcp` section: the reader service account (no trust yet) and the bucket it may read. */
export const GCP_EMULATOR_CONFIG = {
  projectNumber: GCP_PROJECT_NUMBER,
  projectId: "fedkit-reports",
  serviceAccounts: [{ email: GCP_SERVICE_ACCOUNT }],
  buckets: [
    {
      name: GCP_BUCKET,
      objects: { [GCP_OBJECT]: GCP_BODY },
      bindings: [{ role: "roles/storage.objectViewer", members: [`serviceAccount:${GCP_SERVICE_ACCOUNT}`] }],
    },
  ],
};

/**
 * What `gcloud iam workload-identity-pools providers create-oidc` and `add-iam-policy-binding` do, applied to
 * the emulator: the provider (optionally for another issuer, to isolate the attribute condition) and the binding.
 */
export function registerGcpTrust(
  emulator: Emulator,
  trust: GcpTrustConfig,
  issuerUri = trust.issuerUri,
): string {
  const name = parseProviderName(trust.workloadIdentityProvider);
  const providerId = issuerUri === trust.issuerUri ? name.providerId : "mistaken-preview";
  const resource = addGcpProvider(gcpStateOf(emulator), name.poolId, {
    providerId,
    issuerUri,
    attributeMapping: { ...trust.attributeMapping },
    attributeCondition: trust.attributeCondition,
    // Another provider would not accept this provider's name as audience by default; allow it explicitly.
    ...(issuerUri === trust.issuerUri
      ? trust.allowedAudiences.length > 0
        ? { allowedAudiences: [...trust.allowedAudiences] }
        : {}
      : { allowedAudiences: [trust.subjectAudience, ...trust.allowedAudiences] }),
  });
  const binding = trust.serviceAccountBinding;
  if (binding !== undefined) {
    const account = gcpStateOf(emulator).serviceAccounts.get(binding.serviceAccount);
    if (account === undefined)
      throw new Error(`the emulator has no service account ${binding.serviceAccount}`);
    account.bindings.push({ role: binding.role, members: [...binding.members] });
  }
  return resource;
}
