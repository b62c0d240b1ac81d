/**
 * Registering a site's trust in @fedkit/emulator exactly as the user registers it in the cloud: the same
 * `trustPolicyFor(config, target)` output `fedkit trust` prints, applied to the emulator's state. One place for
 * `fedkit dev` and the demo (scripts/demo.mjs), so the two cannot register trust differently.
 */
import {
  type AwsRoleConfig,
  addGcpProvider,
  addSaasService,
  type Emulator,
  entraState,
  gcpStateOf,
  type PolicyDocument,
  providerHostPath,
} from "@fedkit/emulator";
import { type GcpTrustConfig, parseProviderName } from "@fedkit/gcp";
import { refusal } from "../io.js";
import { type FedkitConfig, trustPolicyFor } from "../issuer-api.js";

/** What was registered for one target, for printing. @public */
export interface RegisteredTrust {
  readonly target: string;
  readonly cloud: string;
  /** The role ARN (AWS), workload identity provider name (GCP) or app (client) id (Azure) now trusted. */
  readonly trusts: string;
}

/** The deploy contexts whose issuers AWS gets an OIDC provider for (the samples' production and preview). */
const AWS_PROVIDER_CONTEXTS = ["production", "deploy-preview"] as const;

/**
 * Registers the trust of `target` (from `config`, whose `siteUrl` must be the running site's origin) in a
 * running emulator: AWS gets an IAM OIDC provider per context issuer and the role with the generated trust
 * policy (plus `permissionPolicies`); GCP gets the workload identity provider and the service account's binding;
 * Azure gets the federated credentials on the target's app registration (declared in the emulator's `azure`
 * config, which needs `tls`: Entra trusts https issuers only, so `siteUrl` must be https).
 *
 * @example
 * ```ts
 * import { startEmulator } from "@fedkit/emulator";
 * import { registerTrustInEmulator } from "@fedkit/cli";
 * const emulator = await startEmulator({});
 * const config = { siteUrl: "http://127.0.0.1:8888", targets: { reports: { cloud: "aws", roleArn: "arn:aws:iam::123456789012:role/reader" } } };
 * registerTrustInEmulator(emulator, config, "reports");
 * ```
 * @public
 */
export function registerTrustInEmulator(
  emulator: Emulator,
  config: FedkitConfig,
  target: string,
  permissionPolicies: readonly PolicyDocument[] = [],
): RegisteredTrust {
  const cloud = (config.targets[target] as { cloud?: string } | undefined)?.cloud;
  if (cloud === "aws") {
    const roleArn = (config.targets[target] as unknown as { roleArn: string }).roleArn;
    for (const context of AWS_PROVIDER_CONTEXTS) {
      const url = `${config.siteUrl}/oidc/${context}`;
      // Several targets share one provider per issuer, as in an AWS account.
      if (!emulator.state.aws.oidcProviders.has(providerHostPath(url))) {
        emulator.aws.createOpenIdConnectProvider({ url, clientIds: ["sts.amazonaws.com"] });
      }
    }
    const name = roleArn.slice(roleArn.lastIndexOf("/") + 1);
    // A role declared in the emulator's config keeps its permissions; only its trust comes from fedkit.
    const declared = emulator.state.aws.roles.get(name);
    emulator.aws.putRole({
      name,
      trustPolicy: trustPolicyFor(config, target) as PolicyDocument,
      permissionPolicies:
        permissionPolicies.length > 0 ? [...permissionPolicies] : [...(declared?.permissionPolicies ?? [])],
      ...(declared
        ? { path: declared.path, maxSessionDurationSeconds: declared.maxSessionDurationSeconds }
        : {}),
    } as AwsRoleConfig);
    return { target, cloud, trusts: roleArn };
  }
  if (cloud === "gcp") {
    // trustPolicyFor returns the target cloud's own trust shape; for GCP that is the provider and binding.
    const trust = trustPolicyFor(config, target) as GcpTrustConfig;
    const state = gcpStateOf(emulator);
    const { poolId, providerId } = parseProviderName(trust.workloadIdentityProvider);
    addGcpProvider(state, poolId, {
      providerId,
      issuerUri: trust.issuerUri,
      attributeMapping: { ...trust.attributeMapping },
      attributeCondition: trust.attributeCondition,
      ...(trust.allowedAudiences.length > 0 ? { allowedAudiences: [...trust.allowedAudiences] } : {}),
    });
    // Without a service account the principals are granted on the resources themselves (the emulator config).
    const binding = trust.serviceAccountBinding;
    if (binding !== undefined) {
      const account = state.serviceAccounts.get(binding.serviceAccount);
      if (account === undefined) {
        throw refusal(
          `The emulator has no service account ${binding.serviceAccount} for target ${target}.`,
          "List it under gcp.serviceAccounts in the --emulator config.",
        );
      }
      account.bindings.push({ role: binding.role, members: [...binding.members] });
    }
    return { target, cloud, trusts: trust.workloadIdentityProvider };
  }
  if (cloud === "azure") return registerAzure(emulator, config, target);
  if (cloud === "anthropic") return registerAnthropic(emulator, config, target);
  throw refusal(
    `fedkit dev cannot register target ${target} (cloud ${cloud ?? "unknown"}) in the emulator.`,
    "fedkit dev supports AWS, GCP, Azure and Anthropic targets.",
  );
}

/** The federated credentials `trustPolicyFor` gives an Azure target (`az ad app federated-credential create`). */
type AzureCredentials = readonly {
  readonly credential: { name: string; issuer: string; subject: string; audiences: readonly string[] };
}[];

function registerAzure(emulator: Emulator, config: FedkitConfig, target: string): RegisteredTrust {
  const { clientId, tenantId } = config.targets[target] as unknown as { clientId: string; tenantId: string };
  if (emulator.urls.entra === undefined) {
    throw refusal(
      `Target ${target} is an Azure target, and the emulator serves no Entra.`,
      `Declare the app under emulator.azure.apps in the site's fedkit.local.json ({ "clientId": "${clientId}", "tenantId": "${tenantId}" }).`,
    );
  }
  const entra = entraState(emulator.state);
  const app = entra.apps.get(clientId);
  if (app === undefined || app.tenantId.toLowerCase() !== String(tenantId).toLowerCase()) {
    throw refusal(
      `The emulator has no app registration ${clientId} in tenant ${tenantId} for target ${target}.`,
      `List it under emulator.azure (tenants and apps) in the site's fedkit.local.json.`,
    );
  }
  // What `az ad app federated-credential create` does with each credential fedkit trust prints.
  for (const { credential } of trustPolicyFor(config, target) as unknown as AzureCredentials) {
    entra.addFederatedCredential(clientId, {
      name: credential.name,
      issuer: credential.issuer,
      subject: credential.subject,
      ...(credential.audiences[0] === undefined ? {} : { audience: credential.audiences[0] }),
    });
  }
  return { target, cloud: "azure", trusts: clientId };
}

/** What `trustPolicyFor` gives an Anthropic target: the federation issuer and rule to create in the console. */
interface AnthropicTrustShape {
  readonly federationIssuer: { issuer_url: string; max_jwt_lifetime_seconds: number };
  readonly federationRule: {
    match: { subject_prefix: string; audience: string };
    oauth_scope: string;
    token_lifetime_seconds: number;
  };
}

function registerAnthropic(emulator: Emulator, config: FedkitConfig, target: string): RegisteredTrust {
  const { federationRuleId, organizationId } = config.targets[target] as unknown as {
    federationRuleId: string;
    organizationId: string;
  };
  if (emulator.urls.saas === undefined) {
    throw refusal(
      `Target ${target} is an Anthropic target, and the emulator serves no SaaS APIs.`,
      'Add "saas": {} to the emulator section of the site\'s fedkit.local.json.',
    );
  }
  // What README step 4 does in Anthropic's console: the issuer and the rule, generated from the config.
  const trust = trustPolicyFor(config, target) as unknown as AnthropicTrustShape;
  const issuer = trust.federationIssuer.issuer_url;
  addSaasService(emulator, {
    name: "anthropic",
    preset: "anthropic",
    organizationId,
    issuers: [{ issuer, maxLifetimeSeconds: trust.federationIssuer.max_jwt_lifetime_seconds }],
    bindings: [
      {
        id: federationRuleId,
        issuer,
        subject: trust.federationRule.match.subject_prefix,
        audience: trust.federationRule.match.audience,
        scope: trust.federationRule.oauth_scope,
        tokenLifetimeSeconds: trust.federationRule.token_lifetime_seconds,
      },
    ],
  });
  return { target, cloud: "anthropic", trusts: federationRuleId };
}
