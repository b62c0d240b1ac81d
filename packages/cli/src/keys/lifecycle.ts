/**
 * The CLI's side of the key lifecycle: what the CLI keeps per deploy context (the staged private key, when it
 * was staged and promoted), its `--alg` and `--force` policy, and its refusals. The steps themselves (stage,
 * promote, retire, revoke) and the validation of every key set with the runtime's own importer are
 * `@fedkit/issuer`'s; none of these functions writes anything.
 */
import { CliError, ExitCode, refusal, usageError } from "../io.js";
import {
  generateIssuerKeys,
  ISSUER_ALGORITHMS,
  type IssuerAlgorithm,
  type IssuerKeyDocument,
  KeyLifecycleError,
  keySetStatus,
  promoteIssuerKey,
  retireIssuerKey,
  revokeIssuerKey,
  stageIssuerKey,
  validateKeyDocument,
} from "../issuer-api.js";

/** The keys of one deploy context as the CLI keeps them. @internal */
export interface ContextKeys {
  /** The value of the context's `FEDKIT_ISSUER_KEYS`: the current private key, the next and previous public keys. */
  readonly current: IssuerKeyDocument;
  /** The staged key's private document, kept until `promote` makes it current. */
  readonly next?: IssuerKeyDocument;
  /** When `stage` ran (ms since the epoch); the key set records it too (`staged_at`). */
  readonly stagedAt?: number;
  /** When `promote` ran: the previous key may be retired once no verifier can still hold a token it signed. */
  readonly promotedAt?: number;
}

/**
 * The algorithms the site issuer signs with, as the issuer's importer defines them: RS256 (Entra accepts only
 * RS256, every cloud accepts it) and ES256 (smaller tokens, AWS and GCP only). Anything else is refused.
 * @internal
 */
export const SUPPORTED_ALGORITHMS: readonly IssuerAlgorithm[] = ISSUER_ALGORITHMS;

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
  return step(() => keySetStatus(doc).current);
}

/** Kids of a key document by role. @internal */
export function kidsOf(doc: IssuerKeyDocument): { current: string; next: string[]; previous: string[] } {
  const status = step(() => keySetStatus(doc));
  return {
    current: status.current,
    next: status.next === undefined ? [] : [status.next.kid],
    previous: [...status.previous],
  };
}

/** Runs an issuer lifecycle step, turning its refusal into the CLI's (exit 1, the issuer's message). */
function step<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    throw asRefusal(error);
  }
}

async function stepAsync<T>(run: () => Promise<T>, context?: string): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw asRefusal(error, context);
  }
}

function asRefusal(error: unknown, context?: string): unknown {
  if (!(error instanceof KeyLifecycleError)) return error;
  // A kid the set does not hold is a bad argument (exit 2); every other refusal is a finding (exit 1).
  if (error.code === "unknown_kid") return new CliError(error.message, ExitCode.usage);
  return refusal(error.message, context === undefined ? undefined : HINTS[error.code]?.(context));
}

/** The CLI command that fixes a refusal, where there is one. */
const HINTS: Partial<Record<KeyLifecycleError["code"], (context: string) => string>> = {
  cross_context: (context) =>
    `Stage a new key of ${context} with \`fedkit keys stage --context ${context} --force\`; a key never moves between deploy contexts.`,
};

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
  await stepAsync(() => validateKeyDocument(current, context));
  return { current };
}

/** Rotation step 1: a new key, published as `next` beside the current one (`force` replaces a staged key). @internal */
export async function stageKey(
  keys: ContextKeys,
  options: { alg: IssuerAlgorithm; now: number; force?: boolean },
): Promise<ContextKeys> {
  const next = await freshKey(keys.current.context, options.alg, options.now);
  const current = await stepAsync(() =>
    stageIssuerKey(keys.current, next, { now: () => options.now, replace: options.force === true }),
  );
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
  const next = keys.next;
  const staged = step(() => keySetStatus(keys.current)).next;
  const stagedAt = staged?.stagedAt ?? keys.stagedAt;
  const nextKid = step(() => keySetStatus(next).current);
  const problems: string[] = [];
  const age = (checks.now - (stagedAt ?? checks.now)) / 1000;
  if (staged?.kid === nextKid && (stagedAt === undefined || age < checks.minAgeSeconds)) {
    problems.push(
      `${nextKid} was staged ${stagedAt === undefined ? "at an unknown time" : `${Math.floor(age)} s ago`}; verifiers may cache the JWKS for ${checks.minAgeSeconds} s and would reject its tokens until then.`,
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
  // The issuer refuses a key of another context or one never staged, even under --force.
  const current = await stepAsync(
    () =>
      promoteIssuerKey(keys.current, next, {
        now: () => checks.now,
        minPublishedSeconds: checks.minAgeSeconds,
        force: checks.force === true,
      }),
    context,
  );
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
  const { previous } = kidsOf(keys.current);
  if (previous.length === 0)
    throw refusal(`The ${keys.current.context} key set has no previous key to retire.`);
  const age = (options.now - (keys.promotedAt ?? 0)) / 1000;
  if (age < options.minAgeSeconds && options.force !== true) {
    throw refusal(
      `The previous key ${previous.join(", ")} stopped signing ${Math.floor(age)} s ago; tokens it signed are valid and verifiers may hold it for ${options.minAgeSeconds} s.`,
      "Retry later, or use `fedkit keys revoke --kid <kid>` if the key leaked.",
    );
  }
  const current = await stepAsync(() => retireIssuerKey(keys.current));
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
    const { document: current } = await stepAsync(() =>
      revokeIssuerKey(keys.current, kid, { now: () => options.now }),
    );
    const dropsNext = keys.next !== undefined && currentKid(keys.next) === kid;
    return { keys: dropsNext ? { current } : { ...keys, current } };
  }
  const replacement =
    keys.next !== undefined && keys.next.context === context
      ? keys.next
      : await freshKey(context, options.alg, options.now);
  const { document: current } = await stepAsync(() =>
    revokeIssuerKey(keys.current, kid, { replacement, now: () => options.now }),
  );
  return { keys: { current, promotedAt: options.now }, replacedBy: currentKid(replacement) };
}
