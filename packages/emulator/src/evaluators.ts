/**
 * `@fedkit/emulator/evaluators`: the emulator's pure trust evaluators, for tools that replay a token against a
 * cloud's trust offline (`fedkit doctor`): IAM policy evaluation with IAM's condition operators, Google's CEL
 * for attribute mappings and conditions, and Entra's federated-credential matching. No listener, no I/O.
 *
 * @packageDocumentation
 */

export type { EntraFailure } from "./azure/errors.js";
export { type AssertionClaims, matchCredential } from "./azure/match.js";
export type { EntraApp, FederatedCredential } from "./azure/state.js";
export { CelConfigError, type CompiledCel, compileCel, fromCel } from "./gcp/cel.js";
export {
  type ConditionBlock,
  type Decision,
  type EvaluationRequest,
  evaluatePolicies,
  MalformedPolicyError,
  type PolicyDocument,
  type PolicyStatement,
  parsePolicy,
} from "./iam/index.js";
