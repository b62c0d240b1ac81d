import type { Clock } from "@fedkit/core";
import type { IssuerKeyDocument, IssuerKeyEntry } from "./keyset.js";
import { toPublicJwk } from "./keyset.js";
import { KeyLifecycleError } from "./lifecycle-errors.js";
import { isPrivate, keySetStatus, validateKeyDocument } from "./lifecycle-status.js";
import { ISSUER_CACHE_SECONDS, MAX_TOKEN_LIFETIME_SECONDS } from "./limits.js";

/**
 * How long a staged key must have been published before {@link promoteKey} lets it sign: a day, longer than
 * the JWKS caches of the clouds' verifiers, so none of them meets a token signed by a key it has not fetched.
 *
 * @example
 * ```ts
 * await promoteKey(staged, next, { minPublishedSeconds: MIN_PUBLISHED_SECONDS });
 * ```
 * @public
 */
export const MIN_PUBLISHED_SECONDS = 86_400;

/** Options of {@link stageKey}. @public */
export interface StageKeyOptions {
  readonly now?: Clock;
  /** Replace a key that is already staged (it was never used to sign). Default: refuse. */
  readonly replace?: boolean;
}

/**
 * Rotation, step 1: publishes the public half of `next` (a freshly generated key document of the same context)
 * as the staged key, and records when (`staged_at`, seconds; the JWKS never shows it).
 *
 * @throws KeyLifecycleError `cross_context`, `duplicate_kid`, `unknown_alg`, `already_staged`, `invalid_key_set`.
 * @example
 * ```ts
 * const next = await generateIssuerKeys({ context: "production" });
 * const staged = await stageKey(current, next.document);
 * ```
 * @public
 */
export async function stageKey(
  current: IssuerKeyDocument,
  next: IssuerKeyDocument,
  options: StageKeyOptions = {},
): Promise<IssuerKeyDocument> {
  await validateKeyDocument(current);
  await validateKeyDocument(next, current.context);
  const key = signingEntry(next);
  const status = keySetStatus(current);
  if (status.next !== undefined && options.replace !== true) {
    throw new KeyLifecycleError(
      "already_staged",
      `Key ${status.next.kid} is already staged; pass replace to stage ${key.kid} instead.`,
    );
  }
  const kept = current.keys.filter((k) => isPrivate(k) || k.status !== "next");
  refuseDuplicate(kept, key.kid);
  const stagedAt = Math.floor((options.now ?? Date.now)() / 1000);
  return checked({
    ...current,
    keys: [...kept, { ...toPublicJwk(key), status: "next", staged_at: stagedAt }],
  });
}

/** Options of {@link promoteKey}. @public */
export interface PromoteKeyOptions {
  readonly now?: Clock;
  /** How long the staged key must have been published. Default {@link MIN_PUBLISHED_SECONDS}. */
  readonly minPublishedSeconds?: number;
  /** Promote even if the staged key was published for less (verifiers may then refuse tokens for a while). */
  readonly force?: boolean;
}

/**
 * Rotation, step 2: the staged key signs. `next` is the private document whose public half {@link stageKey}
 * published; the old current key stays published as `previous` (retire it after the token lifetime and the
 * verifiers' cache time); older previous keys are dropped.
 *
 * @throws KeyLifecycleError `not_staged`, `published_too_recently`, `cross_context`, `unknown_alg`,
 * `duplicate_kid`, `invalid_key_set`.
 * @example
 * ```ts
 * const promoted = await promoteKey(staged, next.document, { now: Date.now });
 * ```
 * @public
 */
export async function promoteKey(
  current: IssuerKeyDocument,
  next: IssuerKeyDocument,
  options: PromoteKeyOptions = {},
): Promise<IssuerKeyDocument> {
  await validateKeyDocument(current);
  await validateKeyDocument(next, current.context);
  const key = signingEntry(next);
  const status = keySetStatus(current);
  if (status.next?.kid !== key.kid) {
    throw new KeyLifecycleError(
      "not_staged",
      `Key ${key.kid} was not staged in the "${current.context}" key set${status.next ? ` (staged: ${status.next.kid})` : ""}; stage it and deploy first so verifiers know it before it signs.`,
    );
  }
  const minimum = options.minPublishedSeconds ?? MIN_PUBLISHED_SECONDS;
  const now = (options.now ?? Date.now)();
  if (
    options.force !== true &&
    (status.next.stagedAt === undefined || now - status.next.stagedAt < minimum * 1000)
  ) {
    throw new KeyLifecycleError(
      "published_too_recently",
      `Key ${key.kid} has been staged for less than ${minimum} s (or its staging time is unknown); verifiers may not have fetched it yet. Wait, or pass force.`,
    );
  }
  const old = current.keys.find(isPrivate)!;
  return checked({
    v: 1,
    context: current.context,
    keys: [
      { ...key, status: "current" },
      { ...toPublicJwk(old), status: "previous" },
    ],
  });
}

/**
 * Rotation, step 3: stops publishing a `previous` key (all of them when `kid` is left out). Run it once every
 * token that key signed has expired and the verifiers' caches have refreshed.
 *
 * @throws KeyLifecycleError `unknown_kid`, `not_previous`, `invalid_key_set`.
 * @example
 * ```ts
 * const retired = await retireKey(promoted);
 * ```
 * @public
 */
export async function retireKey(current: IssuerKeyDocument, kid?: string): Promise<IssuerKeyDocument> {
  await validateKeyDocument(current);
  const status = keySetStatus(current);
  if (kid !== undefined && (kid === status.current || kid === status.next?.kid)) {
    throw new KeyLifecycleError(
      "not_previous",
      `Key ${kid} is the ${kid === status.current ? "current" : "staged"} key; retire removes previous keys only (revoke is the emergency path).`,
    );
  }
  const retired = kid === undefined ? status.previous : status.previous.filter((k) => k === kid);
  if (retired.length === 0) {
    throw new KeyLifecycleError(
      "unknown_kid",
      kid === undefined ? "The key set has no previous key to retire." : `The key set holds no key ${kid}.`,
    );
  }
  return checked({ ...current, keys: current.keys.filter((k) => !retired.includes(k.kid)) });
}

/** What {@link revokeKey} returns: the new document and how long the revoked key may still be trusted. @public */
export interface RevokedKey {
  readonly document: IssuerKeyDocument;
  readonly revokedKid: string;
  /** Tokens the key already signed stay valid until their `exp`: at most this time (ms since epoch). */
  readonly tokensValidUntil: number;
  /**
   * Until when a verifier that honours the JWKS `Cache-Control` may still hold the key (ms since epoch). Clouds
   * may cache longer; each cloud's own JWKS refresh is outside the site's control.
   */
  readonly cachedUntil: number;
}

/**
 * The emergency path for a leaked key: drops `kid` at once. Revoking the current key needs `replacement` (a new
 * private document of the same context), which signs immediately; verifiers that have not fetched it yet refuse
 * its tokens until their JWKS cache refreshes.
 *
 * @throws KeyLifecycleError `unknown_kid`, `needs_replacement`, `cross_context`, `duplicate_kid`, `invalid_key_set`.
 * @example
 * ```ts
 * const fresh = await generateIssuerKeys({ context: "production" });
 * const { document, tokensValidUntil } = await revokeKey(current, "production-20250115-abc", {
 *   replacement: fresh.document,
 * });
 * ```
 * @public
 */
export async function revokeKey(
  current: IssuerKeyDocument,
  kid: string,
  options: { readonly replacement?: IssuerKeyDocument; readonly now?: Clock } = {},
): Promise<RevokedKey> {
  await validateKeyDocument(current);
  if (!current.keys.some((k) => k.kid === kid)) {
    throw new KeyLifecycleError("unknown_kid", `The key set holds no key ${kid}.`);
  }
  let keys = current.keys.filter((k) => k.kid !== kid);
  if (kid === keySetStatus(current).current) {
    if (options.replacement === undefined) {
      throw new KeyLifecycleError(
        "needs_replacement",
        `Key ${kid} is the current signing key; pass a replacement key document of "${current.context}" to sign instead.`,
      );
    }
    await validateKeyDocument(options.replacement, current.context);
    const replacement = signingEntry(options.replacement);
    // A new key under the revoked kid would meet verifiers that still cache the leaked key under that kid.
    if (replacement.kid === kid) {
      throw new KeyLifecycleError(
        "duplicate_kid",
        `The replacement reuses the revoked kid ${kid}; give it its own kid.`,
      );
    }
    keys = keys.filter((k) => k.kid !== replacement.kid || k.status !== "next");
    refuseDuplicate(keys, replacement.kid);
    keys = [{ ...replacement, status: "current" }, ...keys];
  }
  const now = (options.now ?? Date.now)();
  return {
    document: await checked({ ...current, keys }),
    revokedKid: kid,
    tokensValidUntil: now + MAX_TOKEN_LIFETIME_SECONDS * 1000,
    cachedUntil: now + ISSUER_CACHE_SECONDS * 1000,
  };
}

function signingEntry(document: IssuerKeyDocument): IssuerKeyEntry {
  return document.keys.find(isPrivate)!;
}

function refuseDuplicate(keys: readonly IssuerKeyEntry[], kid: string): void {
  if (keys.some((k) => k.kid === kid)) {
    throw new KeyLifecycleError(
      "duplicate_kid",
      `The key set already holds a key ${kid}; every key needs its own kid.`,
    );
  }
}

async function checked(document: IssuerKeyDocument): Promise<IssuerKeyDocument> {
  await validateKeyDocument(document, document.context);
  return document;
}
