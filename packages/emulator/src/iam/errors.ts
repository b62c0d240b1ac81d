/**
 * Thrown by {@link parsePolicy} when a document is not a policy IAM would accept. The message names the problem and
 * where it is (`Statement[1].Condition.StringEqualz`), like IAM's `MalformedPolicyDocument` does.
 *
 * @example
 * ```ts
 * try { parsePolicy(text); } catch (e) { if (e instanceof MalformedPolicyError) console.log(e.path, e.message); }
 * ```
 * @public
 */
export class MalformedPolicyError extends Error {
  /** AWS's error code for this failure (STS and IAM both answer `MalformedPolicyDocument`). */
  readonly awsCode = "MalformedPolicyDocument";
  /** Where in the document the problem is, e.g. `Statement[0].Effect`; empty for the document itself. */
  readonly path: string;

  constructor(message: string, path = "", options?: { cause?: unknown }) {
    super(path ? `${path}: ${message}` : message, options);
    this.name = "MalformedPolicyError";
    this.path = path;
  }
}
