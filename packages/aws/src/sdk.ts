/**
 * `@fedkit/aws/sdk`: fedkit credentials for any AWS SDK v3 client (`credentials:` option). The SDK types are
 * declared structurally here, so this entry adds no `@aws-sdk/*` dependency.
 *
 * @packageDocumentation
 */
import type { Provider } from "@fedkit/core";
import type { AwsCredentials } from "./credentials.js";
import type { CredentialGetter, CredentialOptions } from "./fetch.js";

/** The SDK's `AwsCredentialIdentity` (from `@smithy/types`), structurally. @public */
export interface AwsCredentialIdentity {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiration?: Date;
  readonly accountId?: string;
}

/** The SDK's `AwsCredentialIdentityProvider`, structurally. @public */
export type AwsCredentialIdentityProvider = (options?: {
  readonly forceRefresh?: boolean;
}) => Promise<AwsCredentialIdentity>;

/**
 * An AWS SDK v3 credential provider backed by a fedkit federation: the SDK asks, fedkit answers from its
 * cache or exchanges the subject token. `expiration` tells the SDK when to ask again.
 *
 * @example
 * ```ts
 * import { S3Client, GetObjectCommand } from "@aws-sdk/client-s3";
 * import { fromFederation } from "@fedkit/aws/sdk";
 *
 * const s3 = new S3Client({ region: "eu-west-1", credentials: fromFederation(federation, aws) });
 * await s3.send(new GetObjectCommand({ Bucket: "my-bucket", Key: "report.csv" }));
 * ```
 * @public
 */
export function fromFederation(
  federation: CredentialGetter,
  provider: Provider<AwsCredentials>,
  options: Pick<CredentialOptions, "correlationId" | "source"> = {},
): AwsCredentialIdentityProvider {
  return async () => {
    const creds = await federation.getCredentials(provider, { ...options });
    const accountId = /^arn:[\w-]+:sts::(\d{12}):/.exec(creds.assumedRoleArn ?? "")?.[1];
    return {
      accessKeyId: creds.accessKeyId,
      secretAccessKey: creds.secretAccessKey,
      sessionToken: creds.sessionToken,
      expiration: new Date(creds.expiresAt),
      ...(accountId ? { accountId } : {}),
    };
  };
}
