import { type AuditSink, FederationError, type Scheduler } from "@fedkit/core";
import type { AuditEvent } from "@fedkit/core/audit";
import type { FedkitConfig, TargetGrant } from "./config.js";

/** Who is asking for a target, for guardrail decisions and audit. @internal */
export interface Caller {
  readonly functionName: string;
  readonly identity: "function" | "user";
  readonly correlationId: string;
  readonly issuer: string;
  readonly subject: string;
  readonly labels: Readonly<Record<string, string>>;
}

/**
 * Returns the grant of `caller.functionName` for `targetName`, or refuses with `policy_refused` after writing a
 * `refusal` audit event. Guardrails catch mistakes; code in the same site can read the same key, so they are not
 * a boundary against it.
 * @internal
 */
export function checkGrant(
  config: FedkitConfig,
  targetName: string,
  caller: Caller,
  audit: AuditSink,
  scheduler: Scheduler | undefined,
  now: number,
): TargetGrant {
  const grants = Object.hasOwn(config.functions, caller.functionName)
    ? config.functions[caller.functionName]
    : undefined;
  const grant = grants !== undefined && Object.hasOwn(grants, targetName) ? grants[targetName] : undefined;
  let reason: string | undefined;
  if (grant === undefined) {
    reason = `function "${caller.functionName}" is not mapped to target "${targetName}"`;
  } else if ((grant.identity ?? "function") !== caller.identity) {
    reason = `function "${caller.functionName}" may use target "${targetName}" only as ${grant.identity ?? "function"} identity`;
  }
  if (reason === undefined) return grant!;
  const error = new FederationError("policy_refused", `fedkit: ${reason}.`, {
    provider: "netlify",
    hint: `Map it in the fedkit config: functions["${caller.functionName}"]["${targetName}"] = { ... }, and update the cloud-side trust with trustPolicyFor().`,
    subject: { iss: caller.issuer, sub: caller.subject },
  });
  const event: AuditEvent = {
    time: new Date(now).toISOString(),
    type: "refusal",
    provider: "netlify",
    target: { role: targetName },
    subject: { iss: caller.issuer, sub: caller.subject, trust: "minted" },
    durationMs: 0,
    cache: "miss",
    error: { code: "policy_refused", message: error.message },
    correlationId: caller.correlationId,
    labels: caller.labels,
  };
  try {
    const written = audit.write(event);
    if (written instanceof Promise) scheduler?.(written.catch(() => undefined));
  } catch {
    // A failing audit sink must not replace the refusal with its own error.
  }
  throw error;
}

/** The credential lifetime after the grant's cap. @internal */
export function cappedDuration(targetSeconds: number | undefined, grant: TargetGrant): number | undefined {
  if (grant.maxDurationSeconds === undefined) return targetSeconds;
  return Math.min(targetSeconds ?? grant.maxDurationSeconds, grant.maxDurationSeconds);
}
