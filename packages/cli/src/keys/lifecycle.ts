/**
 * The key lifecycle of one deploy context as pure steps over its key documents: generate, stage, promote,
 * retire, revoke. Each step returns the new state or throws a refusal; none writes anything. Every key set a
 * step returns has been imported with the runtime's own importer, for its own context, before the caller sees it.
 */
import { refusal, usageError } from "../io.js";
import {
  generateIssuerKeys,
  type IssuerAlgorithm,
  type IssuerKeyDocument,
  importIssuerKeySet,
  promoteNextKey,
  stageNextKey,
  toPublicJwk,
} from "../issuer-api.js";

/** The keys of one deploy context as the CLI keeps them. @internal */
export interface ContextKeys {
  /** The value of the context's `FEDKIT_ISSUER_KEYS`: the current private key, the next and previous public keys. */
  readonly current: IssuerKeyDocument;
  /** The staged key's private document, kept until `promote` makes it current. */
  readonly next?: IssuerKeyDocument;
  /** When `stage` ran (ms since the epoch): a JWKS carries no publication time, so the CLI records it. */
  readonly stagedAt?: number;
  /** When `promote` ran: the previous key may be retired once no verifier can still hold a token it signed. */
  readonly promotedAt?: number;
}

/**
 * The algorithms the site issuer signs with: RS256 because Entra accepts only RS256 (and every cloud accepts
 * it), ES256 for smaller tokens where Entra is not a target. Anything else is refused rather than replaced.
 * @internal
 */
export const SUPPORTED_ALGORITHMS: readonly IssuerAlgorithm[] = ["RS256", "ES256"];

/** Checks a `--alg` value, naming what is supported and why. @internal */
export function checkAlgorithm(alg: string | undefined): IssuerAlgorithm {
  if (alg === undefined) return "RS256";
  if ((SUPPORTED_ALGORITHMS as readonly string[]).includes(alg)) return alg as IssuerAlgorithm;
  throw usageError(
    `--alg ${alg} is not supported.`,
    "Use RS256 (the default; Entra accepts only RS256) or ES256 (AWS and GCP only). The issuer's importer and every cloud agree on these two.",
  );
}

/** The kid of the current (private) key of a key document. @internal */
export function currentKid(doc: IssuerKeyDocument): string {
  const entry = doc.keys.find((k) => k["d"] !== undefined || k.pkcs8 !== undefined);
  if (entry === undefined) throw refusal(`The ${doc.context} key set holds no private (current) key.`);
  return entry.kid;
}

/** Kids of a key document by role. @internal */
export function kidsOf(doc: IssuerKeyDocument): { current: string; next: string[]; previous: string[] } {
  const current = currentKid(doc);
  const others = doc.keys.filter((k) => k.kid !== current);
  return {
    current,
    next: others.filter((k) => k.status === "next").map((k) => k.kid),
    previous: others.filter((k) => k.status !== "next").map((k) => k.kid),
  };
}

/**
 * Imports a key document with the runtime's importer for its context, so nothing is written that the runtime
 * would refuse (another context, duplicate kids, two private keys, an unknown algorithm).
 * @internal
 */
export async function checkKeySet(doc: IssuerKeyDocument, context: string): Promise<void> {
  try {
    await importIssuerKeySet(JSON.stringify(doc), "FEDKIT_ISSUER_KEYS", context);
  } catch (error) {
    throw refusal(
      `The resulting ${context} key set would not load in the runtime: ${(error as Error).message}`,
      (error as { hint?: string }).hint,
    );
  }
}

async function freshKey(context: string, alg: IssuerAlgorithm, now: number): Promise<IssuerKeyDocument> {
  return (await generateIssuerKeys({ context, alg, now: () => now })).document;
}

/** A new key set for a context. @internal */
export async function generateContextKeys(
  context: string,
  alg: IssuerAlgorithm,
  now: number,
): Promise<ContextKeys> {
  const current = await freshKey(context, alg, now);
  await checkKeySet(current, context);
  return { current };
}

/** Rotation step 1: a new key, published as `next` beside the current one. @internal */
export async function stageKey(
  keys: ContextKeys,
  options: { alg: IssuerAlgorithm; now: number; force?: boolean },
): Promise<ContextKeys> {
  const { context } = keys.current;
  if (keys.next !== undefined && options.force !== true) {
    throw refusal(
      `A next key (${currentKid(keys.next)}) is already staged for ${context}.`,
      "Promote it once it has been published long enough, or pass --force to replace it (restarting the wait).",
    );
  }
  const next = await freshKey(context, options.alg, options.now);
  const nextPrivate = next.keys[0]!;
  const current = stageNextKey(keys.current, toPublicJwk(nextPrivate));
  await checkKeySet(current, context);
  await checkKeySet(next, context);
  return { current, next, stagedAt: options.now };
}

/** What `promote` checks before the staged key signs. @internal */
export interface PromoteChecks {
  readonly now: number;
  /** How long the next key must have been published: the verifiers' JWKS cache time. */
  readonly minAgeSeconds: number;
  /** Kids the deployed JWKS publishes, when the site URL was given. */
  readonly publishedKids?: readonly string[];
  readonly force?: boolean;
}

/**
 * Rotation step 2: the staged key becomes current, the old current key stays published as `previous`.
 * Refuses a missing stage, a staged key of another context, a key published too briefly, or one the deployed
 * JWKS does not carry; the last two only warn under `force`.
 * @returns the new keys and the warnings `force` overrode.
 * @internal
 */
export async function promoteKey(
  keys: ContextKeys,
  checks: PromoteChecks,
): Promise<{ keys: ContextKeys; warnings: string[] }> {
  const { context } = keys.current;
  if (keys.next === undefined) {
    throw refusal(
      `No next key is staged for ${context}: promoting now would sign with a key no verifier has seen.`,
      `Run \`fedkit keys stage --context ${context}\`, deploy, wait for the verifiers' cache time, then promote.`,
    );
  }
  if (keys.next.context !== context) {
    throw refusal(
      `The staged key belongs to "${keys.next.context}", not "${context}": a key never moves between deploy contexts.`,
      `Stage a new key with \`fedkit keys stage --context ${context} --force\`.`,
    );
  }
  const nextKid = currentKid(keys.next);
  if (!kidsOf(keys.current).next.includes(nextKid)) {
    throw refusal(
      `The staged key ${nextKid} is not in the ${context} key set as "next", so it was never published.`,
      `Stage again with \`fedkit keys stage --context ${context} --force\`.`,
    );
  }
  const problems: string[] = [];
  const age = (checks.now - (keys.stagedAt ?? checks.now)) / 1000;
  if (keys.stagedAt === undefined || age < checks.minAgeSeconds) {
    problems.push(
      `${nextKid} was staged ${keys.stagedAt === undefined ? "at an unknown time" : `${Math.floor(age)} s ago`}; verifiers may cache the JWKS for ${checks.minAgeSeconds} s and would reject its tokens until then.`,
    );
  }
  if (checks.publishedKids !== undefined && !checks.publishedKids.includes(nextKid)) {
    problems.push(
      `The deployed JWKS of ${context} does not publish ${nextKid}; deploy the staged key set first.`,
    );
  }
  if (problems.length > 0 && checks.force !== true) {
    throw refusal(problems.join(" "), "Wait and retry, or pass --force if you accept failing exchanges.");
  }
  const current = promoteNextKey(keys.current, keys.next);
  await checkKeySet(current, context);
  return { keys: { current, promotedAt: checks.now }, warnings: problems };
}

/**
 * Drops the `previous` key once no token it signed can still be accepted (cache time plus token lifetime after
 * the promotion), or earlier under `force`.
 * @internal
 */
export async function retireKey(
  keys: ContextKeys,
  options: { now: number; minAgeSeconds: number; force?: boolean },
): Promise<{ keys: ContextKeys; retired: string[] }> {
  const { context } = keys.current;
  const { previous } = kidsOf(keys.current);
  if (previous.length === 0) throw refusal(`The ${context} key set has no previous key to retire.`);
  const age = (options.now - (keys.promotedAt ?? 0)) / 1000;
  if (age < options.minAgeSeconds && options.force !== true) {
    throw refusal(
      `The previous key ${previous.join(", ")} stopped signing ${Math.floor(age)} s ago; tokens it signed are valid and verifiers may hold it for ${options.minAgeSeconds} s.`,
      "Retry later, or use `fedkit keys revoke --kid <kid>` if the key leaked.",
    );
  }
  const current: IssuerKeyDocument = {
    ...keys.current,
    keys: keys.current.keys.filter((k) => !previous.includes(k.kid)),
  };
  await checkKeySet(current, context);
  return { keys: { ...keys, current }, retired: previous };
}

/**
 * The emergency path for a leaked key: drops it at once. A revoked current key is replaced by the staged next
 * key if there is one (without waiting), else by a fresh key.
 * @internal
 */
export async function revokeKey(
  keys: ContextKeys,
  kid: string,
  options: { alg: IssuerAlgorithm; now: number },
): Promise<{ keys: ContextKeys; replacedBy?: string }> {
  const { context } = keys.current;
  const all = keys.current.keys.map((k) => k.kid);
  if (!all.includes(kid)) {
    throw usageError(`The ${context} key set has no key ${kid}.`, `Its kids are: ${all.join(", ")}.`);
  }
  if (kid !== currentKid(keys.current)) {
    const current = { ...keys.current, keys: keys.current.keys.filter((k) => k.kid !== kid) };
    await checkKeySet(current, context);
    const dropsNext = keys.next !== undefined && currentKid(keys.next) === kid;
    return { keys: dropsNext ? { current } : { ...keys, current } };
  }
  const replacement =
    keys.next !== undefined && keys.next.context === context
      ? keys.next
      : await freshKey(context, options.alg, options.now);
  const signing = replacement.keys[0]!;
  const current: IssuerKeyDocument = {
    v: 1,
    context,
    // Other published keys that did not leak stay published; the revoked one and the promoted next entry go.
    keys: [
      { ...signing, status: "current" },
      ...keys.current.keys.filter((k) => k.kid !== kid && k.kid !== signing.kid),
    ],
  };
  await checkKeySet(current, context);
  return { keys: { current, promotedAt: options.now }, replacedBy: signing.kid };
}
