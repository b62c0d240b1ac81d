/**
 * Guardrails for everything fedkit puts into an IAM policy or a session tag. A value taken from a token
 * (`sub`, an email) must never be able to widen a grant: `*` and `?` are IAM wildcards, `${...}` is a policy
 * variable, `/` would step into somebody else's prefix. Such values are refused with `policy_refused`.
 *
 * Per-user scoping belongs in the role's permission policy (`${aws:PrincipalTag/user}` or
 * `${<provider>:sub}`); a session policy only narrows further, as defence in depth.
 *
 * @packageDocumentation
 */
import { FederationError, type SubjectToken } from "@fedkit/core";
import { awsError } from "./errors.js";

/** An IAM policy document (`{ Version, Statement }`) as plain JSON. @public */
export type PolicyDocument = { readonly Version?: string; readonly Statement: unknown } & Readonly<
  Record<string, unknown>
>;

/** Characters a value placed into a policy may contain: no wildcard, variable, path or quoting characters. */
const SAFE_POLICY_VALUE = /^[A-Za-z0-9_+=,.@:-]{1,256}$/;
/** AWS's own tag value alphabet (letters, digits, spaces, `_.:/=+-@`), minus anything IAM could interpret. */
const SAFE_TAG_VALUE = /^[\p{L}\p{N} _.:/=+@-]{0,256}$/u;
const TAG_KEY = /^[\p{L}\p{N} _.:/=+@-]{1,128}$/u;

/** STS's limit on the plain text of an inline session policy. @public */
export const MAX_SESSION_POLICY_CHARS = 2048;
/** STS accepts at most ten managed session policy ARNs. @public */
export const MAX_POLICY_ARNS = 10;
/** STS accepts at most fifty session tags. @public */
export const MAX_SESSION_TAGS = 50;

function refuse(what: string, value: string, why: string): never {
  throw new FederationError(
    "policy_refused",
    `${what} ${JSON.stringify(value)} cannot go into a policy: ${why}`,
    {
      provider: "aws",
      hint:
        "Values taken from a token may only contain letters, digits and _+=,.@:- ; scope per user in the role's " +
        // biome-ignore lint/suspicious/noTemplateCurlyInString: an IAM policy variable, not a JS template
        "permission policy with ${aws:PrincipalTag/...} instead of widening a session policy.",
    },
  );
}

/**
 * Checks a value before it is placed into a policy document: rejects IAM wildcards (`*`, `?`), policy
 * variables (`$`), path separators, quotes, whitespace and anything outside `[A-Za-z0-9_+=,.@:-]`, and the
 * path segments `.` and `..`.
 *
 * @example
 * ```ts
 * assertPolicyValue("alice@example.com", "sub"); // ok
 * assertPolicyValue("*", "sub");                  // throws FederationError policy_refused
 * ```
 * @throws FederationError `policy_refused`.
 * @public
 */
export function assertPolicyValue(value: string, what = "value"): string {
  if (typeof value !== "string" || value === "") refuse(what, String(value), "it is empty");
  for (const c of ["*", "?", "$", "{", "}", "/", "\\", '"']) {
    if (value.includes(c)) refuse(what, value, `it contains "${c}"`);
  }
  if (value === "." || value === "..") refuse(what, value, "it is a relative path segment");
  if (!SAFE_POLICY_VALUE.test(value))
    refuse(what, value, "it contains characters outside [A-Za-z0-9_+=,.@:-]");
  return value;
}

/**
 * Checks a session tag key and value against AWS's tag alphabet and refuses anything IAM could read as a
 * wildcard or variable. @throws FederationError `policy_refused`. @public
 */
export function assertTag(key: string, value: string): void {
  if (!TAG_KEY.test(key) || key.toLowerCase().startsWith("aws:"))
    refuse("tag key", key, "not a valid tag key");
  if (/[*?$]/.test(value)) refuse(`tag ${key}`, value, "it contains an IAM wildcard or variable character");
  if (!SAFE_TAG_VALUE.test(value))
    refuse(`tag ${key}`, value, "it contains characters AWS does not allow in tags");
}

const PLACEHOLDER = /\{\{\s*([A-Za-z_][\w.-]*)\s*\}\}/g;

/**
 * Replaces `{{claim}}` placeholders with the token's claim of that name after {@link assertPolicyValue}.
 * A missing or non-string claim is refused, never replaced by an empty string.
 * @internal
 */
export function renderClaims(template: string, subject: SubjectToken, what: string): string {
  return template.replace(PLACEHOLDER, (_whole, claim: string) => {
    const value = subject.claims[claim];
    if (typeof value !== "string") {
      throw new FederationError("policy_refused", `${what}: the token has no string claim "${claim}"`, {
        provider: "aws",
        hint: `Only string claims can fill {{${claim}}}; check the token your identity provider issues.`,
      });
    }
    return assertPolicyValue(value, `claim ${claim}`);
  });
}

/**
 * A session policy with `{{claim}}` placeholders, filled from each subject token at exchange time with
 * validated values. Its `key` (the template) goes into the provider's cache key.
 * @public
 */
export interface SessionPolicyTemplate {
  readonly key: string;
  render(subject: SubjectToken): string;
}

/**
 * Builds a per-subject session policy safely: every `{{claim}}` in the document is filled with the token's
 * claim after {@link assertPolicyValue}, so a `sub` of `*` or `a/../b` is refused instead of widening the grant.
 *
 * @example
 * ```ts
 * const policy = sessionPolicyTemplate({
 *   Version: "2012-10-17",
 *   Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::uploads/users/{{sub}}/*" }],
 * });
 * awsProvider({ roleArn, region: "eu-west-1", policy });
 * ```
 * @public
 */
export function sessionPolicyTemplate(document: PolicyDocument | string): SessionPolicyTemplate {
  const template = typeof document === "string" ? document : JSON.stringify(document);
  try {
    JSON.parse(template.replace(PLACEHOLDER, "x"));
  } catch (cause) {
    throw new TypeError(`sessionPolicyTemplate: the policy is not JSON (${String(cause)})`);
  }
  return {
    key: `template:${template}`,
    render: (subject) => checkSessionPolicy(renderClaims(template, subject, "session policy")),
  };
}

/**
 * Checks an inline session policy before it is sent: the characters STS accepts (tab, newline, U+0020 to U+00FF),
 * and at most {@link MAX_SESSION_POLICY_CHARS} characters. STS also limits the packed (compressed) size of policy,
 * policy ARNs and tags together, which only STS can compute; `PackedPolicyTooLarge` reports that.
 * @internal
 */
export function checkSessionPolicy(policy: string): string {
  if (policy.length > MAX_SESSION_POLICY_CHARS || /[^\t\n\r\u0020-\u00ff]/.test(policy)) {
    throw awsError(
      "config",
      `the session policy has ${policy.length} characters (at most ${MAX_SESSION_POLICY_CHARS}) or ones outside U+0020-U+00FF`,
      "Shorten it, or move grants into the role's policy.",
    );
  }
  return policy;
}

/** A policy ARN (`arn:aws:iam::aws:policy/ReadOnlyAccess`, `arn:aws:iam::123456789012:policy/x`). @internal */
export function checkPolicyArns(arns: readonly string[]): readonly string[] {
  const bad = arns.find(
    (arn) => !/^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}|aws):policy\/[\w+=,.@/-]{1,512}$/.test(arn),
  );
  if (arns.length > MAX_POLICY_ARNS || bad !== undefined) {
    throw awsError(
      "config",
      `policyArns: at most ${MAX_POLICY_ARNS} managed policy ARNs, got ${JSON.stringify(bad ?? arns.length)}`,
      "Use arn:aws:iam::<account or aws>:policy/<name>.",
    );
  }
  return arns;
}
