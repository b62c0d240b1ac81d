import { createHash } from "node:crypto";
import type { AwsConfig, AwsRoleConfig, PolicyDocument } from "../config.js";
import { MalformedPolicyError, type PolicyKind, parsePolicy } from "../iam/index.js";
import type { AwsOidcProvider, AwsRole, EmulatorState } from "../state.js";
import { awsId } from "./ids.js";
import { REGION_NAME } from "./s3-region.js";

/** The IAM `url` → host/path form used in provider ARNs and condition keys. @public */
export function providerHostPath(url: string): string {
  return url.replace(/^https?:\/\//i, "").replace(/\/+$/, "");
}

/**
 * Programmatic IAM and S3 seeding for tests and the config loader. Changes take effect on the next request.
 *
 * @example
 * ```ts
 * emulator.aws.createOpenIdConnectProvider({ url: emulator.urls.idp, clientIds: ["sts.amazonaws.com"] });
 * emulator.aws.putRole({ name: "reader", trustPolicy, permissionPolicies: [readPolicy] });
 * emulator.aws.putObject("media", "users/alice/a.txt", "hello");
 * ```
 * @public
 */
export interface AwsControl {
  readonly accountId: string;
  /** Registers an OIDC provider; `url` is the issuer with its scheme. Returns it (with its ARN). */
  createOpenIdConnectProvider(input: { url: string; clientIds: string[] }): AwsOidcProvider;
  /** Removes a provider by ARN or URL. */
  deleteOpenIdConnectProvider(arnOrUrl: string): void;
  /** Creates or replaces a role (a replaced role keeps its role id). */
  putRole(input: AwsRoleConfig): AwsRole;
  deleteRole(name: string): void;
  /** Creates an empty bucket (no-op when it exists). */
  /**
   * Creates an empty bucket in `region` (default `us-east-1`); no-op when it exists. Requests signed for, or sent
   * to the endpoint of, another region get S3's region errors.
   */
  createBucket(name: string, region?: string): void;
  putObject(bucket: string, key: string, body: string | Uint8Array, contentType?: string): void;
}

function checkedPolicy(doc: PolicyDocument, kind: PolicyKind, where: string): PolicyDocument {
  try {
    return parsePolicy(doc, { kind });
  } catch (error) {
    if (error instanceof MalformedPolicyError)
      throw new TypeError(`${where}: ${error.message}`, { cause: error });
    throw error;
  }
}

/** Builds the control over `state`. @internal */
export function createAwsControl(state: EmulatorState, now: () => number): AwsControl {
  const aws = state.aws;
  const control: AwsControl = {
    get accountId() {
      return aws.accountId;
    },
    createOpenIdConnectProvider({ url, clientIds }) {
      if (!/^https?:\/\/[^\s/?#]+/.test(url)) {
        throw new TypeError(`OIDC provider url must start with https:// (http:// for loopback), got ${url}`);
      }
      if (!Array.isArray(clientIds) || clientIds.some((id) => typeof id !== "string" || id === "")) {
        throw new TypeError("clientIds must be an array of non-empty strings");
      }
      const hostPath = providerHostPath(url);
      if (aws.oidcProviders.has(hostPath))
        throw new TypeError(`an OIDC provider for ${hostPath} already exists`);
      const provider: AwsOidcProvider = {
        arn: `arn:aws:iam::${aws.accountId}:oidc-provider/${hostPath}`,
        url: url.replace(/\/+$/, ""),
        hostPath,
        clientIds: [...clientIds],
        createdAt: now(),
      };
      aws.oidcProviders.set(hostPath, provider);
      return provider;
    },
    deleteOpenIdConnectProvider(arnOrUrl) {
      const hostPath = providerHostPath(arnOrUrl.replace(/^arn:aws[\w-]*:iam::\d{12}:oidc-provider\//, ""));
      if (!aws.oidcProviders.delete(hostPath)) throw new TypeError(`no OIDC provider ${arnOrUrl}`);
    },
    putRole(input) {
      if (!/^[\w+=,.@-]{1,64}$/.test(input.name)) throw new TypeError(`invalid role name ${input.name}`);
      const path = input.path ?? "/";
      if (!/^\/([\x21-\x7e]*\/)?$/.test(path))
        throw new TypeError(`role path must start and end with /, got ${path}`);
      const max = input.maxSessionDurationSeconds ?? 3600;
      if (!Number.isInteger(max) || max < 3600 || max > 43_200) {
        throw new TypeError(`maxSessionDurationSeconds must be 3600..43200, got ${max}`);
      }
      const trustPolicy = checkedPolicy(input.trustPolicy, "trust", `role ${input.name} trustPolicy`);
      const permissionPolicies = (input.permissionPolicies ?? []).map((doc, i) =>
        checkedPolicy(doc, "identity", `role ${input.name} permissionPolicies[${i}]`),
      );
      const previous = aws.roles.get(input.name);
      const role: AwsRole = {
        name: input.name,
        path,
        arn: `arn:aws:iam::${aws.accountId}:role${path}${input.name}`,
        roleId: previous?.roleId ?? awsId("AROA", 17),
        trustPolicy,
        permissionPolicies,
        maxSessionDurationSeconds: max,
        tags: { ...input.tags },
      };
      aws.roles.set(input.name, role);
      return role;
    },
    deleteRole(name) {
      if (!aws.roles.delete(name)) throw new TypeError(`no role ${name}`);
    },
    createBucket(name, region = "us-east-1") {
      if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name))
        throw new TypeError(`invalid bucket name ${name}`);
      if (!REGION_NAME.test(region)) throw new TypeError(`invalid region ${region}, e.g. eu-west-1`);
      if (!aws.objects.has(name)) {
        aws.objects.set(name, new Map());
        aws.bucketRegions.set(name, region);
      }
    },
    putObject(bucket, key, body, contentType = "application/octet-stream") {
      control.createBucket(bucket);
      const bytes = typeof body === "string" ? new TextEncoder().encode(body) : body;
      const etag = `"${createHash("md5").update(bytes).digest("hex")}"`;
      aws.objects.get(bucket)!.set(key, { body: bytes, contentType, etag, lastModified: now() });
    },
  };
  return control;
}

/**
 * Replaces `{{idp}}` (the built-in IdP's issuer URL), `{{idpHost}}` (that URL without scheme, as IAM writes it in
 * ARNs and condition keys) and `{{accountId}}` in every string of the `aws` section: the IdP's port is only
 * known once it listens, so a config file cannot spell it out.
 * @internal
 */
export function expandPlaceholders<T = AwsConfig>(
  config: T | undefined,
  values: Record<string, string>,
): T | undefined {
  if (config === undefined) return undefined;
  const expand = (value: unknown): unknown => {
    if (typeof value === "string")
      return value.replace(/\{\{(\w+)\}\}/g, (whole, name: string) => values[name] ?? whole);
    if (Array.isArray(value)) return value.map(expand);
    if (typeof value === "object" && value !== null) {
      return Object.fromEntries(
        Object.entries(value).map(([key, item]) => [expand(key) as string, expand(item)]),
      );
    }
    return value;
  };
  return expand(config) as T;
}

/** Applies the `aws` section of a config to a fresh state. @internal */
export function seedAws(control: AwsControl, config: AwsConfig | undefined): void {
  for (const provider of config?.oidcProviders ?? []) control.createOpenIdConnectProvider(provider);
  for (const role of config?.roles ?? []) control.putRole(role);
  for (const bucket of config?.buckets ?? []) {
    control.createBucket(bucket.name, bucket.region);
    for (const [key, body] of Object.entries(bucket.objects ?? {})) {
      control.putObject(bucket.name, key, body, key.endsWith(".json") ? "application/json" : "text/plain");
    }
  }
}
