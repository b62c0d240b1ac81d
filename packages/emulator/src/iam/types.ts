/**
 * IAM policy JSON as AWS accepts it, and the request shape the evaluator answers for.
 *
 * @packageDocumentation
 */

/** IAM's "one value or a list of values" shape. @public */
export type OneOrMany<T> = T | readonly T[];

/** A condition value as written in a policy (`"true"`, `true` and `1` are all accepted by IAM). @public */
export type ConditionValue = string | number | boolean;

/**
 * `Condition` block: operator (`StringEquals`, `ForAnyValue:StringLike`, `DateLessThanIfExists`, ...) →
 * condition key → value(s).
 * @public
 */
export type ConditionBlock = Readonly<Record<string, Readonly<Record<string, OneOrMany<ConditionValue>>>>>;

/** `Principal` / `NotPrincipal`: `"*"` or `{ AWS | Federated | Service | CanonicalUser: ... }`. @public */
export type PrincipalBlock = "*" | Readonly<Record<string, OneOrMany<string>>>;

/** One statement of an IAM policy. @public */
export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: "Allow" | "Deny";
  readonly Action?: OneOrMany<string>;
  readonly NotAction?: OneOrMany<string>;
  readonly Resource?: OneOrMany<string>;
  readonly NotResource?: OneOrMany<string>;
  readonly Principal?: PrincipalBlock;
  readonly NotPrincipal?: PrincipalBlock;
  readonly Condition?: ConditionBlock;
}

/**
 * An IAM policy document (identity, session, trust or resource policy) exactly as written in JSON.
 * `Version` `"2012-10-17"` enables policy variables; without it (or with `"2008-10-17"`) `${...}` is literal, as in AWS.
 * @public
 */
export interface PolicyDocument {
  readonly Version?: "2012-10-17" | "2008-10-17";
  readonly Id?: string;
  readonly Statement: OneOrMany<PolicyStatement>;
}

/** The outcome of an evaluation. @public */
export type Decision = "allow" | "explicit-deny" | "implicit-deny";

/** The principal making the request, for policies that carry `Principal` (trust and resource policies). @public */
export interface RequestPrincipal {
  /** An OIDC/SAML provider ARN, e.g. `arn:aws:iam::123456789012:oidc-provider/example.com/oidc`. */
  readonly federated?: string;
  /** An IAM principal ARN (role, assumed-role session, user) or `arn:aws:iam::<account>:root`. */
  readonly aws?: string;
  /** A service principal, e.g. `lambda.amazonaws.com`. */
  readonly service?: string;
}

/** Request-context values keyed by condition key. Keys are matched case-insensitively. @public */
export type RequestContext = Readonly<Record<string, string | readonly string[] | undefined>>;

/**
 * What is being asked: an action on a resource by a principal, with the request context.
 *
 * @example
 * ```ts
 * const request: EvaluationRequest = {
 *   action: "s3:GetObject",
 *   resource: "arn:aws:s3:::media/users/alice/a.txt",
 *   context: { "aws:PrincipalTag/user": "alice", "aws:userid": "AROAEXAMPLE:alice" },
 * };
 * ```
 * @public
 */
export interface EvaluationRequest {
  readonly action: string;
  /** The resource ARN; trust-policy evaluation may pass the role ARN. */
  readonly resource: string;
  readonly principal?: RequestPrincipal;
  readonly context: RequestContext;
}
