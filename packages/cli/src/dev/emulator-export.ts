/**
 * The trust registered in @fedkit/emulator, in the shapes the clouds' own CLIs print it (aws, gcloud), so `fedkit doctor` can be
 * replayed against the emulator's real state (what `fedkit dev` registered) instead of hand-written documents.
 */
import { type Emulator, gcpStateOf, providerHostPath } from "@fedkit/emulator";
import { refusal } from "../io.js";

/** `aws iam get-role --output json` and `aws iam get-open-id-connect-provider --output json`. @public */
export interface AwsTrustExport {
  readonly role: {
    readonly Role: {
      readonly Path: string;
      readonly RoleName: string;
      readonly RoleId: string;
      readonly Arn: string;
      /** The trust policy decoded, as the AWS CLI prints it (the raw API URL-encodes it). */
      readonly AssumeRolePolicyDocument: unknown;
      readonly MaxSessionDuration: number;
      readonly Tags?: readonly { readonly Key: string; readonly Value: string }[];
    };
  };
  readonly provider: {
    readonly Url: string;
    readonly ClientIDList: readonly string[];
    readonly ThumbprintList: readonly string[];
    readonly CreateDate: string;
  };
}

/**
 * Exports role `roleName` and the OIDC provider of `issuer` from a running emulator as the AWS CLI prints them.
 * The emulator keeps no role creation date, so `Role.CreateDate` (which `doctor` does not read) is left out.
 *
 * @example
 * ```ts
 * import { writeFileSync } from "node:fs";
 * const { role, provider } = awsTrustExport(emulator, "netlify-reports-reader", `${siteUrl}/oidc/production`);
 * writeFileSync("role.json", JSON.stringify(role));
 * ```
 * @public
 */
export function awsTrustExport(emulator: Emulator, roleName: string, issuer: string): AwsTrustExport {
  const role = emulator.state.aws.roles.get(roleName);
  const provider = emulator.state.aws.oidcProviders.get(providerHostPath(issuer));
  if (role === undefined || provider === undefined) {
    throw refusal(
      `The emulator has no ${role === undefined ? `role ${roleName}` : `OIDC provider for ${issuer}`}.`,
      "Register the trust first (fedkit dev, or registerTrustInEmulator).",
    );
  }
  const tags = Object.entries(role.tags).map(([Key, Value]) => ({ Key, Value }));
  return {
    role: {
      Role: {
        Path: role.path,
        RoleName: role.name,
        RoleId: role.roleId,
        Arn: role.arn,
        AssumeRolePolicyDocument: structuredClone(role.trustPolicy),
        MaxSessionDuration: role.maxSessionDurationSeconds,
        ...(tags.length > 0 ? { Tags: tags } : {}),
      },
    },
    provider: {
      // IAM returns the provider URL without its scheme.
      Url: provider.hostPath,
      ClientIDList: [...provider.clientIds],
      ThumbprintList: [],
      CreateDate: new Date(provider.createdAt).toISOString().replace(/\.\d{3}Z$/, "+00:00"),
    },
  };
}

/**
 * `gcloud iam workload-identity-pools providers describe --format=json` and
 * `gcloud iam service-accounts get-iam-policy --format=json`. @public
 */
export interface GcpTrustExport {
  readonly provider: {
    readonly name: string;
    readonly state: "ACTIVE" | "DISABLED";
    readonly disabled: boolean;
    readonly attributeMapping: Readonly<Record<string, string>>;
    readonly attributeCondition?: string;
    readonly oidc: { readonly issuerUri: string; readonly allowedAudiences?: readonly string[] };
  };
  readonly policy: {
    readonly bindings: readonly { readonly role: string; readonly members: readonly string[] }[];
    readonly version: 1;
  };
}

/**
 * Exports the workload identity provider `resource` (`//iam.googleapis.com/projects/…/providers/…`) and the IAM
 * policy of `serviceAccount` from a running emulator as gcloud prints them. The emulator keeps no policy `etag`,
 * so it is left out (`doctor` does not read it).
 *
 * @example
 * ```ts
 * const { provider, policy } = gcpTrustExport(emulator, trust.workloadIdentityProvider, "reader@p.iam.gserviceaccount.com");
 * ```
 * @public
 */
export function gcpTrustExport(emulator: Emulator, resource: string, serviceAccount: string): GcpTrustExport {
  const state = gcpStateOf(emulator);
  const provider = state.providers.get(resource);
  const account = state.serviceAccounts.get(serviceAccount);
  if (provider === undefined || account === undefined) {
    throw refusal(
      `The emulator has no ${provider === undefined ? `provider ${resource}` : `service account ${serviceAccount}`}.`,
      "Register the trust first (fedkit dev, or registerTrustInEmulator).",
    );
  }
  const { config } = provider;
  const disabled = config.disabled === true || provider.poolDisabled;
  return {
    provider: {
      name: resource.replace(/^\/\/iam\.googleapis\.com\//, ""),
      state: disabled ? "DISABLED" : "ACTIVE",
      disabled,
      attributeMapping: { ...config.attributeMapping },
      ...(config.attributeCondition === undefined ? {} : { attributeCondition: config.attributeCondition }),
      oidc: {
        issuerUri: config.issuerUri,
        ...(config.allowedAudiences?.length ? { allowedAudiences: [...config.allowedAudiences] } : {}),
      },
    },
    policy: {
      bindings: account.bindings.map((b) => ({ role: b.role, members: [...b.members] })),
      version: 1,
    },
  };
}
