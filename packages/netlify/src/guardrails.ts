import type { RequestFacts } from "./bindings.js";
import { netlifyError, type TargetGrant } from "./config.js";
import type { IsolateState } from "./isolate.js";

/**
 * Returns the grant of the request's function for `targetName` under the request's identity (`function`, or
 * `user` on a handle from `asUser`), or refuses with `policy_refused` after writing a `refusal` audit event
 * with the request's ids. Guardrails catch mistakes; code in the same site can read the same key, so they are
 * not a boundary against it.
 * @internal
 */
export function checkGrant(
  state: IsolateState,
  facts: RequestFacts,
  targetName: string,
  /** The target's subject form (default `function`). */
  subjectForm: string | undefined,
): TargetGrant {
  const { config, issuer } = state;
  const { functionName } = facts;
  const identity = facts.userHash === undefined ? "function" : "user";
  const has = Object.hasOwn;
  const grants = has(config.functions, functionName) ? config.functions[functionName] : undefined;
  const grant = grants && has(grants, targetName) ? grants[targetName] : undefined;
  const granted = grant?.identity ?? "function";
  if (grant && granted === identity) return grant;
  // The subject the refused token would have carried (for the audit and the error; never validated here).
  const site = `site:${config.siteId}:context:${issuer.context}`;
  const sub = {
    iss: issuer.issuer,
    sub: facts.userHash
      ? `${site}:user:${facts.userHash}`
      : subjectForm === "site"
        ? site
        : `${site}:function:${functionName}`,
  };
  const error = netlifyError(
    `function "${functionName}" ${grant ? "may use" : "is not mapped to"} target "${targetName}"${grant ? ` only as ${granted}` : ""}.`,
    `Map it: functions["${functionName}"]["${targetName}"], then regenerate the trust (trustPolicyFor).`,
    "policy_refused",
    sub,
  );
  try {
    const written = state.federation.audit.write({
      time: new Date((config.runtime?.now ?? Date.now)()).toISOString(),
      type: "refusal",
      provider: "netlify",
      target: { role: targetName },
      subject: { ...sub, trust: "minted" },
      durationMs: 0,
      cache: "miss",
      error: { code: "policy_refused", message: error.message },
      correlationId: facts.requestId,
      labels: { ...facts.labels, site: config.siteId, context: issuer.context },
    });
    if (written instanceof Promise) facts.scheduler?.(written.catch(() => undefined));
  } catch {
    // A failing audit sink must not replace the refusal with its own error.
  }
  throw error;
}
