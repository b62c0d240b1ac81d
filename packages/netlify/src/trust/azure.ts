import { type AzureTrustConfig, azureFederatedCredential } from "@fedkit/azure";
import { FederationError } from "@fedkit/core";
import type { AzureTargetConfig } from "../clouds/azure.js";
import type { TrustInput } from "../clouds/types.js";

/**
 * What the Azure form of {@link trustPolicyFor} returns: one federated identity credential per trusted subject
 * (one with the default `site` subject form), each as JSON and as the `az ad app federated-credential create`
 * command that creates it on the target's app registration.
 * @public
 */
export type AzureTrustPolicy = readonly AzureTrustConfig[];

/** Entra's limit of federated identity credentials per app registration. */
const MAX_CREDENTIALS = 20;

function trustError(message: string, hint: string, cause?: unknown): FederationError {
  return new FederationError("config", `fedkit: azure target ${message}`, {
    provider: "netlify",
    hint,
    cause,
  });
}

/**
 * The Entra side of the trust for a target: a federated identity credential (issuer = the context's site
 * issuer, the exact subject, one audience) per trusted subject, on the target's app registration. Entra matches
 * subjects exactly and allows 20 credentials per app, so per-user grants (subject patterns) cannot be trusted
 * and the `site` subject form is the default for Azure.
 *
 * @example
 * ```ts
 * const [production] = azureTrustPolicy({ target, issuer: "https://reports.example.com/oidc/production", ... });
 * console.log(production.command); // az ad app federated-credential create --id '97e0a5b7-...' --parameters '{...}'
 * ```
 * @public
 */
export function azureTrustPolicy(input: TrustInput<AzureTargetConfig>): AzureTrustPolicy {
  const { target, targetName, issuer, audience, subjects, context } = input;
  if (input.subjectPatterns.length > 0) {
    throw trustError(
      `"${targetName}" has per-user grants, which Entra cannot trust: a federated credential matches one exact subject.`,
      'Map it with identity "function" (the default); per-user federation needs an AWS or GCP target.',
    );
  }
  if (subjects.length === 0) {
    throw trustError(
      `"${targetName}": no function is mapped to it, so Entra has nothing to trust.`,
      `Map one under \`functions\`, e.g. functions: { blob: { ${targetName}: {} } }.`,
    );
  }
  if (subjects.length > MAX_CREDENTIALS) {
    throw trustError(
      `"${targetName}" needs ${subjects.length} federated credentials; an Entra app takes at most ${MAX_CREDENTIALS}.`,
      'Use the site subject form (subject: "site", the Azure default): one credential per deploy context.',
    );
  }
  try {
    return subjects.map((subject) =>
      azureFederatedCredential({
        issuer,
        subject,
        audience,
        appId: target.clientId,
        description: `fedkit: Netlify site ${input.siteId}, ${context} deploys`,
      }),
    );
  } catch (cause) {
    throw trustError(
      `"${targetName}": cannot build its federated credential: ${(cause as Error).message}.`,
      "Entra trusts https issuers only: set `siteUrl` (or FEDKIT_SITE_URL) to the site's https origin.",
      cause,
    );
  }
}
