import {
  ISSUER_ALGORITHMS,
  type IssuerKeyDocument,
  type IssuerKeyEntry,
  importIssuerKeySet,
} from "./keyset.js";
import { KeyLifecycleError } from "./lifecycle-errors.js";

/** The roles of a key set's keys, as {@link keySetStatus} reads them. @public */
export interface KeySetStatus {
  readonly context: string;
  /** The signing key (the one entry with private members). */
  readonly current: string;
  /** The staged key, with when it was staged (ms since epoch) if recorded. */
  readonly next?: { readonly kid: string; readonly stagedAt?: number };
  /** Keys that signed before and are still published for tokens already minted. */
  readonly previous: readonly string[];
}

const PRIVATE_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "pkcs8"];
/** Whether an entry holds private material (the signing key). @internal */
export const isPrivate = (entry: IssuerKeyEntry) => PRIVATE_MEMBERS.some((m) => entry[m] !== undefined);

/**
 * Reads which key is current, staged and previous.
 *
 * @example
 * ```ts
 * const { current, next, previous } = keySetStatus(JSON.parse(process.env.FEDKIT_ISSUER_KEYS!));
 * ```
 * @public
 */
export function keySetStatus(document: IssuerKeyDocument): KeySetStatus {
  checkShape(document, "the key set");
  const current = document.keys.find(isPrivate);
  if (current === undefined) {
    throw new KeyLifecycleError(
      "invalid_key_set",
      `The key set of "${document.context}" has no private key.`,
    );
  }
  const staged = document.keys.find((k) => !isPrivate(k) && k.status === "next");
  const stagedAt =
    typeof staged?.["staged_at"] === "number" ? (staged["staged_at"] as number) * 1000 : undefined;
  return {
    context: document.context,
    current: current.kid,
    ...(staged === undefined
      ? {}
      : { next: { kid: staged.kid, ...(stagedAt === undefined ? {} : { stagedAt }) } }),
    previous: document.keys.filter((k) => k !== current && k !== staged).map((k) => k.kid),
  };
}

/**
 * Checks a key document as the runtime will: imported with the runtime's own importer and refused unless it is
 * of `context`. Lifecycle functions run it on every input and on every document they return.
 *
 * @throws KeyLifecycleError `unknown_alg`, `duplicate_kid`, `cross_context` or `invalid_key_set`.
 * @example
 * ```ts
 * await validateKeyDocument(JSON.parse(value), "production");
 * ```
 * @public
 */
export async function validateKeyDocument(document: IssuerKeyDocument, context?: string): Promise<void> {
  checkShape(document, "the key set");
  if (context !== undefined && document.context !== context) {
    throw new KeyLifecycleError(
      "cross_context",
      `The key set is for context "${document.context}", not "${context}"; a key is used only in its own context.`,
    );
  }
  try {
    await importIssuerKeySet(JSON.stringify(document), "the key set", document.context);
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    throw new KeyLifecycleError("invalid_key_set", `The key set does not import: ${message}`, { cause });
  }
}

/** Shape checks that deserve their own codes, before the importer's general one. @internal */
export function checkShape(document: IssuerKeyDocument, what: string): void {
  if (typeof document !== "object" || document === null || !Array.isArray(document.keys)) {
    throw new KeyLifecycleError(
      "invalid_key_set",
      `${what} is not a key document ({ v: 1, context, keys }).`,
    );
  }
  const seen = new Set<string>();
  for (const entry of document.keys) {
    if (!(ISSUER_ALGORITHMS as readonly unknown[]).includes(entry?.alg)) {
      throw new KeyLifecycleError(
        "unknown_alg",
        `Key ${String(entry?.kid)} has alg ${JSON.stringify(entry?.alg)}; supported: ${ISSUER_ALGORITHMS.join(", ")} (RS256 works on every cloud, Entra accepts only RS256).`,
      );
    }
    if (seen.has(entry.kid))
      throw new KeyLifecycleError("duplicate_kid", `${what} repeats kid ${entry.kid}.`);
    seen.add(entry.kid);
  }
}
