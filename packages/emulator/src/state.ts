import type { PolicyDocument } from "./iam/types.js";

/** A registered IAM OIDC identity provider. @public */
export interface AwsOidcProvider {
  /** `arn:aws:iam::<account>:oidc-provider/<host/path>`. */
  readonly arn: string;
  /** The issuer as registered, scheme included (`https://example.com/oidc`). */
  readonly url: string;
  /** The URL without its scheme, as IAM uses it in ARNs and condition keys (`example.com/oidc`). */
  readonly hostPath: string;
  clientIds: string[];
  readonly createdAt: number;
}

/** An IAM role. @public */
export interface AwsRole {
  readonly name: string;
  readonly path: string;
  /** `arn:aws:iam::<account>:role<path><name>`. */
  readonly arn: string;
  /** `AROA…`, the unique id that prefixes assumed-role ids. */
  readonly roleId: string;
  trustPolicy: PolicyDocument;
  permissionPolicies: PolicyDocument[];
  maxSessionDurationSeconds: number;
  tags: Record<string, string>;
}

/** The web identity a session was created from. @public */
export interface AwsWebIdentity {
  readonly iss: string;
  readonly sub: string;
  readonly aud: string;
  /** The provider ARN. */
  readonly provider: string;
}

/** A temporary-credentials session created by STS. @public */
export interface AwsSession {
  /** `ASIA…`. */
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly accountId: string;
  readonly roleArn: string;
  /** `arn:aws:sts::<account>:assumed-role/<name>/<session>`. */
  readonly assumedRoleArn: string;
  /** `<roleId>:<sessionName>`. */
  readonly assumedRoleId: string;
  readonly sessionName: string;
  /** Epoch ms. */
  readonly expiresAt: number;
  /** Session (principal) tags: `aws:PrincipalTag/<key>`. */
  readonly tags: Record<string, string>;
  readonly transitiveTagKeys: string[];
  /** Inline session policy, if any (intersected with the role's permission policies). */
  readonly sessionPolicies: PolicyDocument[];
  readonly policyArns: string[];
  readonly sourceIdentity?: string;
  readonly webIdentity?: AwsWebIdentity;
  /** True when this session was made by `AssumeRole` with another session's credentials. */
  readonly chained?: boolean;
}

/** An S3 object. @public */
export interface S3Object {
  body: Uint8Array;
  contentType: string;
  /** Quoted MD5 hex, as S3 returns it. */
  etag: string;
  lastModified: number;
}

/** Everything the emulator holds; tests read and change it directly. @public */
export interface EmulatorState {
  readonly aws: {
    accountId: string;
    /** Keyed by host/path (the URL without scheme), as IAM identifies providers. */
    readonly oidcProviders: Map<string, AwsOidcProvider>;
    /** Keyed by role name. */
    readonly roles: Map<string, AwsRole>;
    /** Keyed by access key id. */
    readonly sessions: Map<string, AwsSession>;
    /** bucket → key → object; a bucket exists when it has an entry (possibly empty). */
    readonly objects: Map<string, Map<string, S3Object>>;
    /** bucket → the region it lives in (`us-east-1` unless created elsewhere). */
    readonly bucketRegions: Map<string, string>;
  };
  /** State of other services (gcp, azure), keyed by service name. */
  readonly services: Map<string, unknown>;
}

/** An empty state for `accountId`. @internal */
export function createState(accountId: string): EmulatorState {
  return {
    aws: {
      accountId,
      oidcProviders: new Map(),
      roles: new Map(),
      sessions: new Map(),
      objects: new Map(),
      bucketRegions: new Map(),
    },
    services: new Map(),
  };
}
