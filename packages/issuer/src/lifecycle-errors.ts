/**
 * Why a key-set lifecycle step was refused:
 * - `invalid_key_set`: a document does not import with the runtime's own importer (the `cause` says why).
 * - `cross_context`: a key of one deploy context offered to another's key set.
 * - `duplicate_kid`: the step would publish two keys under one `kid`.
 * - `unknown_alg`: an algorithm outside {@link ISSUER_ALGORITHMS}.
 * - `not_staged`: promoting a key that was never staged (verifiers would not know it yet).
 * - `already_staged`: staging while another key is staged, without `replace`.
 * - `published_too_recently`: promoting before the staged key was published for `minPublishedSeconds`.
 * - `unknown_kid`: retiring or revoking a key the set does not hold.
 * - `not_previous`: retiring the current or the staged key (retire is for `previous` keys only).
 * - `needs_replacement`: revoking the current key without a replacement to sign with.
 * @public
 */
export type KeyLifecycleErrorCode =
  | "invalid_key_set"
  | "cross_context"
  | "duplicate_kid"
  | "unknown_alg"
  | "not_staged"
  | "already_staged"
  | "published_too_recently"
  | "unknown_kid"
  | "not_previous"
  | "needs_replacement";

/**
 * A refused key-set lifecycle step (a bad argument, so a `TypeError`), with a stable `code` to switch on.
 * Messages name kids and contexts, never key material.
 *
 * @example
 * ```ts
 * try {
 *   await promoteKey(current, next);
 * } catch (err) {
 *   if (err instanceof KeyLifecycleError && err.code === "not_staged") console.error(err.message);
 * }
 * ```
 * @public
 */
export class KeyLifecycleError extends TypeError {
  readonly code: KeyLifecycleErrorCode;

  constructor(code: KeyLifecycleErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "KeyLifecycleError";
    this.code = code;
  }
}
