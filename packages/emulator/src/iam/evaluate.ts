import { evaluateConditions } from "./conditions.js";
import { ContextView, matchTokens, resolveTemplate } from "./context.js";
import { parsePolicy } from "./parse.js";
import { principalMatches } from "./principal.js";
import type { Decision, EvaluationRequest, OneOrMany, PolicyDocument, PolicyStatement } from "./types.js";

const validated = new WeakSet<object>();

function statementsOf(policy: PolicyDocument): readonly PolicyStatement[] {
  // Validate once per document object: a malformed policy must fail loudly, never grant by accident.
  if (!validated.has(policy)) {
    parsePolicy(policy);
    validated.add(policy);
  }
  const s = policy.Statement;
  return Array.isArray(s) ? s : [s as PolicyStatement];
}

const list = (v: OneOrMany<string>): readonly string[] => (typeof v === "string" ? [v] : v);

function actionMatches(patterns: OneOrMany<string>, action: string, ctx: ContextView): boolean {
  // Actions take no policy variables; wildcards are case-insensitive like action names.
  return list(patterns).some((p) => matchTokens(resolveTemplate(p, ctx, false)!, action, true));
}

function resourceMatches(
  patterns: OneOrMany<string>,
  resource: string,
  ctx: ContextView,
  variables: boolean,
): boolean | undefined {
  let unresolved = false;
  for (const p of list(patterns)) {
    const tokens = resolveTemplate(p, ctx, variables);
    if (!tokens) unresolved = true;
    else if (matchTokens(tokens, resource, false)) return true;
  }
  return unresolved ? undefined : false;
}

/**
 * Whether one statement applies to the request (ignoring its Effect).
 * @internal
 */
export function statementMatches(
  statement: PolicyStatement,
  request: EvaluationRequest,
  ctx: ContextView,
  variables: boolean,
): boolean {
  if (statement.Principal !== undefined && !principalMatches(statement.Principal, request.principal))
    return false;
  if (statement.NotPrincipal !== undefined && principalMatches(statement.NotPrincipal, request.principal))
    return false;
  if (statement.Action !== undefined && !actionMatches(statement.Action, request.action, ctx)) return false;
  if (statement.NotAction !== undefined && actionMatches(statement.NotAction, request.action, ctx))
    return false;
  if (statement.Resource !== undefined) {
    if (resourceMatches(statement.Resource, request.resource, ctx, variables) !== true) return false;
  }
  if (statement.NotResource !== undefined) {
    // An unresolvable variable makes the statement not apply, for NotResource as for Resource.
    if (resourceMatches(statement.NotResource, request.resource, ctx, variables) !== false) return false;
  }
  return statement.Condition === undefined || evaluateConditions(statement.Condition, ctx, variables);
}

/**
 * Evaluates policies of one kind together: an explicit `Deny` in any of them wins, else any `Allow` allows, else
 * the request is implicitly denied. Documents are validated (once each) and a malformed one throws
 * {@link MalformedPolicyError}.
 *
 * @example
 * ```ts
 * evaluatePolicies([trustPolicy], {
 *   action: "sts:AssumeRoleWithWebIdentity",
 *   resource: roleArn,
 *   principal: { federated: providerArn },
 *   context: { "example.com/oidc:aud": "sts.amazonaws.com", "example.com/oidc:sub": "repo:acme/*" },
 * }); // "allow" | "explicit-deny" | "implicit-deny"
 * ```
 * @public
 */
export function evaluatePolicies(policies: readonly PolicyDocument[], request: EvaluationRequest): Decision {
  const ctx = new ContextView(request.context);
  let allowed = false;
  for (const policy of policies) {
    const variables = policy.Version === "2012-10-17";
    for (const statement of statementsOf(policy)) {
      if (!statementMatches(statement, request, ctx, variables)) continue;
      if (statement.Effect === "Deny") return "explicit-deny";
      allowed = true;
    }
  }
  return allowed ? "allow" : "implicit-deny";
}

/** The policies that bound a role session. @public */
export interface SessionPolicies {
  /** The role's permission policies (inline and attached). */
  readonly identityPolicies: readonly PolicyDocument[];
  /** Inline `Policy` and `PolicyArns` passed when the session was created; absent or empty = no session policy. */
  readonly sessionPolicies?: readonly PolicyDocument[];
  /** The role's permissions boundary, if any. */
  readonly permissionsBoundary?: PolicyDocument;
}

/**
 * Evaluates a request made with role-session credentials as AWS does: an explicit `Deny` in any policy wins; then
 * the identity policies, the session policies (when there are any) and the permissions boundary (when set) must
 * each allow. A session policy can only narrow what the role grants, never widen it.
 *
 * @example
 * ```ts
 * const decision = evaluateWithSession(request, {
 *   identityPolicies: role.permissionPolicies,
 *   sessionPolicies: session.sessionPolicies,
 * });
 * declare function accessDenied(): Response; // the service's AccessDenied answer
 * if (decision !== "allow") return accessDenied();
 * ```
 * @public
 */
export function evaluateWithSession(request: EvaluationRequest, policies: SessionPolicies): Decision {
  const sets: (readonly PolicyDocument[])[] = [policies.identityPolicies];
  if (policies.sessionPolicies && policies.sessionPolicies.length > 0) sets.push(policies.sessionPolicies);
  if (policies.permissionsBoundary) sets.push([policies.permissionsBoundary]);
  const decisions = sets.map((set) => evaluatePolicies(set, request));
  if (decisions.includes("explicit-deny")) return "explicit-deny";
  return decisions.every((d) => d === "allow") ? "allow" : "implicit-deny";
}
