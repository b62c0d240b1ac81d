/** The trust of one target in each output format: the cloud CLIs' commands and Terraform. */
import { usageError } from "../io.js";

/** What a format needs besides the plugin's trust document. @internal */
export interface TrustContext {
  readonly cloud: string;
  readonly targetName: string;
  readonly context: string;
  readonly issuer: string;
  readonly target: Readonly<Record<string, unknown>>;
}

/** The output formats of `fedkit trust`. @internal */
export const FORMATS = ["json", "aws", "gcloud", "az", "terraform"] as const;
/** One of {@link FORMATS}. @internal */
export type Format = (typeof FORMATS)[number];

const CLI_OF: Record<string, Format> = { aws: "aws", gcp: "gcloud", azure: "az" };

const shellQuote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;
/** A Terraform string literal (JSON escaping is valid HCL; `${` and `%{` start templates, so they are escaped). */
const hcl = (value: string) => JSON.stringify(value).replace(/\$\{/g, "$${").replace(/%\{/g, "%%{");
const label = (value: string) => value.replace(/[^A-Za-z0-9_]/g, "_").replace(/^([^A-Za-z_])/, "_$1");

interface AwsPolicy {
  Statement: {
    Principal: { Federated: string };
    Condition: Record<string, Record<string, string | string[]>>;
  }[];
}
interface GcpTrust {
  poolId: string;
  issuerUri: string;
  allowedAudiences: string[];
  attributeMapping: Record<string, string>;
  attributeCondition: string;
  workloadIdentityProvider: string;
  gcloud: string[];
  serviceAccountBinding?: { serviceAccount: string; role: string; members: string[] };
}
type AzureTrust = {
  credential: { name: string; issuer: string; subject: string; audiences: string[]; description?: string };
  command: string;
}[];

/** Renders the trust in `format`; a cloud CLI format for another cloud's target is a usage error. @internal */
export function renderTrust(trust: unknown, format: Format, input: TrustContext): string {
  if (format === "json") return JSON.stringify(trust, null, 2);
  if (format !== "terraform" && CLI_OF[input.cloud] !== format) {
    throw usageError(
      `--format ${format} does not apply to target ${input.targetName} (cloud ${input.cloud}).`,
      `Use --format ${CLI_OF[input.cloud] ?? "json"}, json or terraform.`,
    );
  }
  switch (input.cloud) {
    case "aws":
      return format === "aws"
        ? awsCommands(trust as AwsPolicy, input)
        : awsTerraform(trust as AwsPolicy, input);
    case "gcp":
      return format === "gcloud"
        ? (trust as GcpTrust).gcloud.join("\n")
        : gcpTerraform(trust as GcpTrust, input);
    case "azure":
      return format === "az"
        ? (trust as AzureTrust).map((t) => t.command).join("\n")
        : azureTerraform(trust as AzureTrust, input);
    default:
      throw usageError(`Target ${input.targetName} uses cloud ${input.cloud}, which has only --format json.`);
  }
}

function awsAudience(policy: AwsPolicy): string {
  const condition = policy.Statement[0]?.Condition["StringEquals"] ?? {};
  const aud = Object.entries(condition).find(([key]) => key.endsWith(":aud"))?.[1];
  return Array.isArray(aud) ? aud[0]! : String(aud);
}

const roleName = (input: TrustContext) => String(input.target["roleArn"]).split("/").pop()!;

function awsCommands(policy: AwsPolicy, input: TrustContext): string {
  return [
    `aws iam create-open-id-connect-provider --url ${shellQuote(input.issuer)} --client-id-list ${shellQuote(awsAudience(policy))}`,
    `aws iam update-assume-role-policy --role-name ${shellQuote(roleName(input))} --policy-document ${shellQuote(JSON.stringify(policy))}`,
  ].join("\n");
}

function awsTerraform(policy: AwsPolicy, input: TrustContext): string {
  const name = label(`${input.targetName}_${input.context}`);
  return `# fedkit trust for target ${input.targetName}, deploy context ${input.context}
resource "aws_iam_openid_connect_provider" ${hcl(name)} {
  url            = ${hcl(input.issuer)}
  client_id_list = [${hcl(awsAudience(policy))}]
}

# The role ${roleName(input)} exists already: import it or set this on your own aws_iam_role resource.
resource "aws_iam_role" ${hcl(name)} {
  name               = ${hcl(roleName(input))}
  assume_role_policy = ${hcl(JSON.stringify(policy))}
}
`;
}

function gcpTerraform(trust: GcpTrust, input: TrustContext): string {
  const name = label(`${input.targetName}_${input.context}`);
  const providerId = trust.workloadIdentityProvider.split("/").pop()!;
  const mapping = Object.entries(trust.attributeMapping)
    .map(([key, value]) => `    ${hcl(key)} = ${hcl(value)}`)
    .join("\n");
  const binding = trust.serviceAccountBinding;
  const project = hcl(String(input.target["projectId"]));
  return `# fedkit trust for target ${input.targetName}, deploy context ${input.context}: its own pool
resource "google_iam_workload_identity_pool" ${hcl(name)} {
  project                   = ${project}
  workload_identity_pool_id = ${hcl(trust.poolId)}
}

resource "google_iam_workload_identity_pool_provider" ${hcl(name)} {
  project                            = ${project}
  workload_identity_pool_id          = google_iam_workload_identity_pool.${name}.workload_identity_pool_id
  workload_identity_pool_provider_id = ${hcl(providerId)}
  attribute_mapping = {
${mapping}
  }
  attribute_condition = ${hcl(trust.attributeCondition)}
  oidc {
    issuer_uri        = ${hcl(trust.issuerUri)}
${trust.allowedAudiences.length === 0 ? "" : `    allowed_audiences = [${trust.allowedAudiences.map(hcl).join(", ")}]\n`}  }
}
${(binding?.members ?? [])
  .map(
    (member, index) => `
resource "google_service_account_iam_member" ${hcl(`${name}_${index}`)} {
  service_account_id = ${hcl(`projects/${String(input.target["projectId"])}/serviceAccounts/${binding!.serviceAccount}`)}
  role               = ${hcl(binding!.role)}
  member             = ${hcl(member)}
}
`,
  )
  .join("")}`;
}

function azureTerraform(trust: AzureTrust, input: TrustContext): string {
  const app = label(`${input.targetName}_app`);
  const credentials = trust.map(
    ({ credential }) => `
resource "azuread_application_federated_identity_credential" ${hcl(label(credential.name))} {
  application_id = data.azuread_application.${app}.id
  display_name   = ${hcl(credential.name)}
  description    = ${hcl(credential.description ?? "")}
  audiences      = [${credential.audiences.map(hcl).join(", ")}]
  issuer         = ${hcl(credential.issuer)}
  subject        = ${hcl(credential.subject)}
}
`,
  );
  return `# fedkit trust for target ${input.targetName}, deploy context ${input.context}
data "azuread_application" ${hcl(app)} {
  client_id = ${hcl(String(input.target["clientId"]))}
}
${credentials.join("")}`;
}
