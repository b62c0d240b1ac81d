/**
 * The trust `fedkit trust` generates, in the shapes the cloud CLIs export, and the exports read from files: so
 * a replay runs the same evaluators against either, and drift compares the two field by field.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { usageError } from "../io.js";
import { type FedkitConfig, trustPolicyFor } from "../issuer-api.js";
import { type AwsProviderExport, type AwsRoleExport, awsTrust, trustPolicyOf } from "./aws.js";
import { type AzureCredentialExport, azureTrust } from "./azure.js";
import { type GcpPolicyExport, type GcpProviderExport, gcpTrust } from "./gcp.js";
import type { CloudTrust } from "./types.js";

/** A target's trust as exported documents, per cloud. @internal */
export type TrustExport =
  | { readonly cloud: "aws"; readonly role: AwsRoleExport; readonly provider?: AwsProviderExport }
  | { readonly cloud: "gcp"; readonly provider: GcpProviderExport; readonly policy?: GcpPolicyExport }
  | { readonly cloud: "azure"; readonly credentials: readonly AzureCredentialExport[] };

/** The evaluator of an export. @internal */
export function trustOf(exported: TrustExport): CloudTrust {
  if (exported.cloud === "aws") return awsTrust(exported.role, exported.provider);
  if (exported.cloud === "gcp") return gcpTrust(exported.provider, exported.policy);
  return azureTrust(exported.credentials);
}

/** What the config generates for a target and context, as the clouds would export it. @internal */
export function generatedExport(config: FedkitConfig, targetName: string, context: string): TrustExport {
  const target = config.targets[targetName] as unknown as Record<string, unknown>;
  const trust = trustPolicyFor(config, targetName, { context }) as never;
  if (target["cloud"] === "aws") {
    const policy = trust as {
      Statement: { Principal: { Federated: string }; Condition: { StringEquals: Record<string, string> } }[];
    };
    const statement = policy.Statement[0]!;
    const url = statement.Principal.Federated.split("oidc-provider/")[1]!;
    const aud =
      Object.entries(statement.Condition.StringEquals).find(([k]) => k.endsWith(":aud"))?.[1] ??
      "sts.amazonaws.com";
    return {
      cloud: "aws",
      role: { Role: { Arn: String(target["roleArn"]), AssumeRolePolicyDocument: trust } },
      provider: { Url: url, ClientIDList: [aud] },
    };
  }
  if (target["cloud"] === "gcp") {
    const gcp = trust as {
      workloadIdentityProvider: string;
      attributeMapping: Record<string, string>;
      attributeCondition: string;
      issuerUri: string;
      allowedAudiences: string[];
      members: string[];
      serviceAccountBinding?: { role: string; members: string[] };
    };
    return {
      cloud: "gcp",
      provider: {
        name: gcp.workloadIdentityProvider.replace(/^\/\/iam\.googleapis\.com\//, ""),
        state: "ACTIVE",
        attributeMapping: gcp.attributeMapping,
        attributeCondition: gcp.attributeCondition,
        oidc: {
          issuerUri: gcp.issuerUri,
          ...(gcp.allowedAudiences.length > 0 ? { allowedAudiences: gcp.allowedAudiences } : {}),
        },
      },
      policy: {
        bindings: [
          gcp.serviceAccountBinding ?? { role: "roles/iam.workloadIdentityUser", members: gcp.members },
        ],
      },
    };
  }
  if (target["cloud"] === "azure") {
    return {
      cloud: "azure",
      credentials: (trust as { credential: AzureCredentialExport }[]).map((t) => t.credential),
    };
  }
  throw usageError(`Target ${targetName} uses cloud ${String(target["cloud"])}, which doctor cannot replay.`);
}

/** The export files named on the command line. @internal */
export interface ExportFiles {
  readonly "aws-role"?: string | undefined;
  readonly "aws-provider"?: string | undefined;
  readonly "gcp-provider"?: string | undefined;
  readonly "gcp-policy"?: string | undefined;
  readonly "azure-credentials"?: string | undefined;
}

function readJson(cwd: string, file: string): unknown {
  try {
    return JSON.parse(readFileSync(resolve(cwd, file), "utf8"));
  } catch (error) {
    throw usageError(
      `Cannot read ${file} as JSON: ${(error as Error).message}`,
      "Export it with the cloud CLI's JSON output (--output json / --format=json).",
    );
  }
}

/** Reads the exports for a target's cloud; `undefined` when none was given. @internal */
export function readExport(cwd: string, cloud: string, files: ExportFiles): TrustExport | undefined {
  if (cloud === "aws" && files["aws-role"] !== undefined) {
    return {
      cloud,
      role: readJson(cwd, files["aws-role"]) as AwsRoleExport,
      ...(files["aws-provider"] === undefined
        ? {}
        : { provider: readJson(cwd, files["aws-provider"]) as AwsProviderExport }),
    };
  }
  if (cloud === "gcp" && files["gcp-provider"] !== undefined) {
    return {
      cloud,
      provider: readJson(cwd, files["gcp-provider"]) as GcpProviderExport,
      ...(files["gcp-policy"] === undefined
        ? {}
        : { policy: readJson(cwd, files["gcp-policy"]) as GcpPolicyExport }),
    };
  }
  if (cloud === "azure" && files["azure-credentials"] !== undefined) {
    const list = readJson(cwd, files["azure-credentials"]) as
      | AzureCredentialExport[]
      | { value: AzureCredentialExport[] };
    return { cloud, credentials: Array.isArray(list) ? list : list.value };
  }
  return undefined;
}

const sortDeep = (value: unknown): unknown =>
  Array.isArray(value)
    ? value.length === 1
      ? sortDeep(value[0])
      : value.map(sortDeep).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))
    : value !== null && typeof value === "object"
      ? Object.fromEntries(
          Object.entries(value)
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([k, v]) => [k, sortDeep(v)]),
        )
      : value;
const same = (a: unknown, b: unknown) => JSON.stringify(sortDeep(a)) === JSON.stringify(sortDeep(b));

/** Every difference between the generated and the deployed trust, one line each. @internal */
export function drift(generated: TrustExport, deployed: TrustExport): string[] {
  const out: string[] = [];
  const compare = (what: string, want: unknown, have: unknown) => {
    if (!same(want, have))
      out.push(
        `${what}: config ${JSON.stringify(sortDeep(want))}, deployed ${JSON.stringify(sortDeep(have))}`,
      );
  };
  if (generated.cloud === "aws" && deployed.cloud === "aws") {
    compare("trust policy", trustPolicyOf(generated.role), trustPolicyOf(deployed.role));
    if (deployed.provider !== undefined) {
      compare("provider url", generated.provider?.Url, deployed.provider.Url);
      const aud = generated.provider?.ClientIDList[0];
      if (aud !== undefined && !deployed.provider.ClientIDList.includes(aud))
        out.push(`provider client ids: ${aud} missing`);
    }
  } else if (generated.cloud === "gcp" && deployed.cloud === "gcp") {
    compare("provider", generated.provider.name, deployed.provider.name);
    compare("issuerUri", generated.provider.oidc?.issuerUri, deployed.provider.oidc?.issuerUri);
    compare(
      "allowedAudiences",
      generated.provider.oidc?.allowedAudiences ?? [],
      deployed.provider.oidc?.allowedAudiences ?? [],
    );
    compare("attributeMapping", generated.provider.attributeMapping, deployed.provider.attributeMapping);
    compare(
      "attributeCondition",
      generated.provider.attributeCondition,
      deployed.provider.attributeCondition,
    );
    if (deployed.policy !== undefined) {
      const members = (e: typeof generated) =>
        e.cloud === "gcp"
          ? (e.policy?.bindings ?? [])
              .filter((b) => b.role === "roles/iam.workloadIdentityUser")
              .flatMap((b) => b.members)
              .sort()
          : [];
      compare("workloadIdentityUser members", members(generated), members(deployed));
    }
  } else if (generated.cloud === "azure" && deployed.cloud === "azure") {
    const key = (c: AzureCredentialExport) => ({
      issuer: c.issuer,
      subject: c.subject,
      audiences: [...c.audiences].sort(),
    });
    compare("federated credentials", generated.credentials.map(key), deployed.credentials.map(key));
  }
  return out;
}
