/// <reference types="node" />
/**
 * `@fedkit/azure/node`: the Node-only part, reading the federated token file the Azure SDK's
 * `WorkloadIdentityCredential` reads (AKS workload identity, `AZURE_FEDERATED_TOKEN_FILE`).
 *
 * @packageDocumentation
 */

import type { SubjectTokenSource } from "@fedkit/core";
import { FederationError } from "@fedkit/core";
import { fileToken } from "@fedkit/core/node";

/** Options of {@link federatedTokenFile}. @public */
export interface FederatedTokenFileOptions {
  /** The file; default `AZURE_FEDERATED_TOKEN_FILE`. */
  readonly path?: string;
  /** Where the variable is read; default `process.env`. */
  readonly env?: () => Readonly<Record<string, string | undefined>>;
}

/**
 * A subject-token source reading the token file named by `AZURE_FEDERATED_TOKEN_FILE` (re-read on every use, as
 * the kubelet rotates it).
 *
 * @example
 * ```ts
 * import { federatedTokenFile } from "@fedkit/azure/node";
 * const federation = createFederation({ source: federatedTokenFile() });
 * ```
 * @public
 */
export function federatedTokenFile(options: FederatedTokenFileOptions = {}): SubjectTokenSource {
  const path = options.path ?? (options.env ?? (() => process.env))()["AZURE_FEDERATED_TOKEN_FILE"]?.trim();
  if (path === undefined || path === "") {
    throw new FederationError("config", "azure: no token file; pass path or set AZURE_FEDERATED_TOKEN_FILE", {
      provider: "azure",
    });
  }
  return fileToken(path);
}
