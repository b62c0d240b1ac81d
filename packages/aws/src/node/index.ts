/// <reference types="node" />
/**
 * `@fedkit/aws/node`: the AWS SDK's web-identity environment conventions for Node (EKS IRSA, CI runners):
 * `AWS_ROLE_ARN`, `AWS_ROLE_SESSION_NAME`, `AWS_WEB_IDENTITY_TOKEN_FILE`, `AWS_REGION`/`AWS_DEFAULT_REGION`.
 *
 * @packageDocumentation
 */

import { FederationError, type SubjectTokenSource } from "@fedkit/core";
import { fileToken } from "@fedkit/core/node";
import { toEnvGetter } from "@fedkit/core/provider";
import { type AwsProvider, type AwsProviderOptions, awsProvider } from "../provider.js";

/** What {@link fromWebIdentityEnv} returns: the provider and the token-file source to pair it with. @public */
export interface WebIdentityEnv {
  readonly provider: AwsProvider;
  readonly source: SubjectTokenSource;
}

/**
 * Builds the provider and token source the AWS SDK would build from the environment. Explicit options win
 * over the environment. The token file is re-read on every exchange (Kubernetes rotates it).
 *
 * @example
 * ```ts
 * import { createFederation } from "@fedkit/core";
 * import { fromWebIdentityEnv } from "@fedkit/aws/node";
 *
 * const { provider, source } = fromWebIdentityEnv();
 * const federation = createFederation({ source });
 * const creds = await federation.getCredentials(provider);
 * ```
 * @throws FederationError `config` naming the missing variable.
 * @public
 */
export function fromWebIdentityEnv(
  options: AwsProviderOptions & { readonly tokenFile?: string } = {},
): WebIdentityEnv {
  const env = options.env ?? process.env;
  const read = toEnvGetter(env);
  const tokenFile = options.tokenFile ?? read("AWS_WEB_IDENTITY_TOKEN_FILE");
  if (!tokenFile) {
    throw new FederationError("config", "AWS_WEB_IDENTITY_TOKEN_FILE is not set", {
      provider: "aws",
      hint: "Set AWS_WEB_IDENTITY_TOKEN_FILE to the path of the OIDC token file, or pass tokenFile.",
    });
  }
  const { tokenFile: _file, ...providerOptions } = options;
  return { provider: awsProvider({ ...providerOptions, env }), source: fileToken(tokenFile) };
}
