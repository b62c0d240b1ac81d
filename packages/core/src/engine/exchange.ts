/**
 * One exchange through a provider: the context (deadline, retries), the sanity check of what came back, the
 * cache entry, the failure memory, and the audit event either way.
 *
 * @packageDocumentation
 */
import { fail } from "../errors.js";
import { exchangeContext } from "../http.js";
import type { CacheEntry, CacheOutcome, Provider, SubjectToken } from "../types.js";
import { toHex } from "../util/encoding.js";
import { monotonicMs } from "../util/time.js";
import type { GetCredentialsOptions } from "./options.js";
import { makeEntry } from "./policy.js";
import { redactSubject } from "./redact.js";
import { asFederationError, type Runtime } from "./runtime.js";

/** The strings the cloud's request id must not hold: the subject token and every string of the credentials. */
function secretsOf(token: SubjectToken, entry: CacheEntry): string[] {
  const secrets = [token.raw];
  for (const value of Object.values(entry.credentials)) if (typeof value === "string") secrets.push(value);
  return secrets;
}

/** Runs `provider.exchange` and stores, audits and remembers the outcome. @internal */
export async function runExchange(
  rt: Runtime,
  provider: Provider,
  token: SubjectToken,
  key: string,
  outcome: CacheOutcome,
  call: GetCredentialsOptions,
): Promise<CacheEntry> {
  const { failures, now, policy, random } = rt;
  const started = monotonicMs();
  // One draw per exchange (from the pool unless a source was injected): 8 bytes name the exchange, 4 jitter the
  // refresh time of what it brings.
  const drawn = rt.draw(new Uint8Array(12));
  const correlationId = call.correlationId ?? toHex(drawn.subarray(0, 8));
  // A provider another subject just found unavailable gets one attempt, not retries: this subject is still tried.
  const retry = failures.providerStruggling(provider, now()) ? { ...rt.retry, maxAttempts: 1 } : rt.retry;
  const ctx = exchangeContext({ fetch: rt.options.fetch, now, random, correlationId }, retry);
  const pair = failures.keysOf(provider, token, key);
  const report = (
    type: "exchange" | "refresh" | "failure",
    entry?: CacheEntry,
    error?: unknown,
    id?: string,
  ) =>
    rt.emit(
      call,
      {
        type,
        provider,
        token,
        cache: type === "failure" && outcome === "refresh" ? "stale" : outcome,
        durationMs: monotonicMs() - started,
        attempts: ctx.attempts,
        entry,
        error,
        requestId: id,
        // No string of the credentials (nor the token) may come back as the cloud's request id.
        secrets: id === undefined || entry === undefined ? undefined : secretsOf(token, entry),
      },
      correlationId,
    );
  try {
    const result = await provider.exchange(token, ctx);
    const obtainedAt = now();
    const credentials = result?.credentials;
    const expiresAt = credentials?.expiresAt;
    if (typeof expiresAt !== "number" || !(expiresAt - obtainedAt > policy.safetyMarginMs)) {
      throw fail(
        "bad_response",
        `${provider.cloud} credentials expire too soon or carry no expiry.`,
        provider.cloud,
        "Raise the session duration, or lower refresh.safetyMarginMs.",
      );
    }
    const entry = makeEntry(result, obtainedAt, policy, () => drawn.subarray(8, 12));
    try {
      // Awaited only when asynchronous: the memory cache stores synchronously, and each await is a microtask hop.
      const stored = rt.cache.set(key, entry, expiresAt - obtainedAt);
      if (stored !== undefined) await stored;
    } catch {
      // A cache that fails to store costs an exchange next time; the caller still gets valid credentials.
    }
    failures.recordSuccess(provider, pair);
    report(outcome === "refresh" ? "refresh" : "exchange", entry, undefined, result.requestId);
    return entry;
  } catch (thrown) {
    // Before the failure memory (shared between subjects), the audit event and the caller see it.
    const error = redactSubject(asFederationError(thrown, provider), token.raw);
    failures.recordFailure(provider, token, pair, error, now());
    report("failure", undefined, error);
    throw error;
  }
}
