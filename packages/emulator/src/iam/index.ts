/**
 * The IAM policy engine of the emulator: parse and validate IAM JSON, evaluate identity, session and trust
 * policies with IAM's semantics (explicit deny wins, wildcards, policy variables, condition operators and their
 * missing-key rules).
 *
 * @packageDocumentation
 */
export { MalformedPolicyError } from "./errors.js";
export { evaluatePolicies, evaluateWithSession, type SessionPolicies } from "./evaluate.js";
export { type PolicyKind, parsePolicy } from "./parse.js";
export type {
  ConditionBlock,
  ConditionValue,
  Decision,
  EvaluationRequest,
  OneOrMany,
  PolicyDocument,
  PolicyStatement,
  PrincipalBlock,
  RequestContext,
  RequestPrincipal,
} from "./types.js";
