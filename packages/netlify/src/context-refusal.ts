/**
 * The deploy-context boundary, in words: when a cloud refuses a token of one deploy context at a target whose
 * trust belongs to another, the refusal is the isolation working. The adapter knows both contexts (providers see
 * only claims), so it replaces the cloud-specific hint with one that points to a separate identity for that
 * context and never to widening the other's trust.
 *
 * @packageDocumentation
 */
import { FederationError, type FederationErrorCode } from "@fedkit/core";

/** Refusal codes a cross-context token gets from a cloud (a trust that does not name it). */
const TRUST_REFUSALS: ReadonlySet<FederationErrorCode> = new Set([
  "access_denied",
  "subject_mismatch",
  "issuer_untrusted",
  "audience_mismatch",
]);

/** Where a refusal happened: the running context, and the context whose issuer the target's trust accepts. */
export interface RefusalScope {
  readonly running: string;
  readonly trustContext: string;
  readonly targetName: string;
  /** `IAM role`, `app registration`, `workload identity pool`; default `identity`. */
  readonly holder?: string;
}

/**
 * Returns `error` with the isolation hint when it is a trust refusal of a token whose context differs from the
 * target's trust context; any other error unchanged.
 *
 * @example
 * ```ts
 * throw isolationRefusal(error, { running: "deploy-preview", trustContext: "production", targetName: "reports" });
 * ```
 * @internal
 */
export function isolationRefusal(error: unknown, scope: RefusalScope): unknown {
  if (!(error instanceof FederationError) || !TRUST_REFUSALS.has(error.code)) return error;
  if (scope.running === scope.trustContext) return error;
  const { running, trustContext, targetName } = scope;
  const holder = scope.holder ?? "identity";
  return new FederationError(error.code, error.message, {
    ...(error.provider === undefined ? {} : { provider: error.provider }),
    ...(error.status === undefined ? {} : { status: error.status }),
    ...(error.cloudCode === undefined ? {} : { cloudCode: error.cloudCode }),
    ...(error.cloudMessage === undefined ? {} : { cloudMessage: error.cloudMessage }),
    ...(error.requestId === undefined ? {} : { requestId: error.requestId }),
    ...(error.traceId === undefined ? {} : { traceId: error.traceId }),
    ...(error.subject === undefined ? {} : { subject: error.subject }),
    ...(error.attempts === undefined ? {} : { attempts: error.attempts }),
    retryable: false,
    cause: error,
    hint:
      `This is the deploy-context isolation working: the site runs as "${running}", and target "${targetName}" ` +
      `is the ${trustContext} ${holder}, which trusts only the ${trustContext} issuer. Do not add the ${running} ` +
      `issuer or subjects to it. If ${running} deploys need this target, give ${running} a separate ${holder} ` +
      `that may touch only what ${running} code may, generate its trust with ` +
      `trustPolicyFor(config, "${targetName}", { context: "${running}" }) (CLI: \`npx --no-install ` +
      `fedkit trust --target ${targetName} --context ${running}\`), and point the target at it in ${running} with ` +
      `trustContext: "${running}".`,
  });
}
