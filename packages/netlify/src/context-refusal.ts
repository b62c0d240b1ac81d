/**
 * The deploy-context boundary, in words: when a cloud refuses a token of one deploy context at a target whose
 * trust belongs to another, the refusal is the isolation working. The adapter knows both contexts (providers see
 * only claims), so it replaces the cloud-specific hint with one that points to a separate identity for that
 * context and never to widening the other's trust.
 *
 * @packageDocumentation
 */
import { FederationError, type FederationErrorDetails } from "@fedkit/core";

/** Refusal codes a cross-context token gets from a cloud (a trust that does not name it). */
const TRUST_REFUSALS = new Set(
  "access_denied subject_mismatch issuer_untrusted audience_mismatch".split(" "),
);

/** Where a refusal happened: the running context, and the context whose issuer the target's trust accepts. */
export interface RefusalScope {
  readonly running: string;
  readonly trustContext: string;
  readonly targetName: string;
  /** `IAM role`, `app registration`, `workload identity pool`; default `identity`. */
  readonly holder?: string | undefined;
}

/**
 * Returns `error` with the isolation hint when it is a trust refusal of a token whose context differs from the
 * target's trust context; any other error unchanged. The hint is one sentence; docs/netlify.md ("Errors")
 * explains it.
 *
 * @example
 * ```ts
 * throw isolationRefusal(error, { running: "deploy-preview", trustContext: "production", targetName: "reports" });
 * ```
 * @internal
 */
export function isolationRefusal(error: unknown, scope: RefusalScope): unknown {
  const { running, trustContext, targetName, holder = "identity" } = scope;
  if (!(error instanceof FederationError) || !TRUST_REFUSALS.has(error.code) || running === trustContext)
    return error;
  // The error's own fields (provider, status, cloud code and message, ids, subject, attempts) are kept.
  return new FederationError(error.code, error.message, {
    ...(error as FederationErrorDetails),
    retryable: false,
    cause: error,
    hint:
      `Deploy-context isolation: "${targetName}" is the ${trustContext} ${holder}; do not add ${running} to it. ` +
      `Give ${running} its own: npx --no-install fedkit trust --target ${targetName} --context ${running}`,
  });
}
