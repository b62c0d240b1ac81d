/**
 * One exchange through a provider: the context (deadline, retries), the sanity check of what came back, the
 * cache entry, negative caching of failures, and the audit event either way.
 *
 * @packageDocumentation
 */
import { FederationError } from "../errors.js";
import { createExchangeContext } from "../http.js";
import type { CacheEntry, CacheOutcome, Credentials, Provider, SubjectToken } from "../types.js";
import { cleanCloudId } from "../util/ids.js";
import { randomId } from "../util/random.js";
import { monotonicMs } from "../util/time.js";
import { jtiHash } from "./events.js";
import type { GetCredentialsOptions } from "./options.js";
import { makeEntry } from "./policy.js";
import { redactSubject } from "./redact.js";
import { asFederationError, type Runtime } from "./runtime.js";

/** Runs `provider.exchange` and stores, audits and negative-caches the outcome. @internal */
export async function runExchange(
  rt: Runtime,
  provider: Provider,
  token: SubjectToken,
  key: string,
  outcome: CacheOutcome,
  call: GetCredentialsOptions,
): Promise<CacheEntry> {
  const { cache, failures, now, policy, random, emit } = rt;
  const started = monotonicMs();
  const correlationId = call.correlationId ?? randomId(random);
  // A provider another subject just found unavailable gets one attempt, not retries: this subject is still tried.
  const retry = failures.providerStruggling(provider, now()) ? { ...rt.retry, maxAttempts: 1 } : rt.retry;
  const ctx = createExchangeContext({ fetch: rt.options.fetch, now, random, retry, correlationId });
  void jtiHash(token);
  const remembered = await failures.keysOf(provider, token, key);
  const background = outcome === "refresh";
  const base = { provider, token, correlationId, labels: rt.labelsOf(call) };
  try {
    const result = await provider.exchange(token, ctx);
    const obtainedAt = now();
    const expiresAt = result?.credentials?.expiresAt;
    if (typeof expiresAt !== "number" || !(expiresAt - obtainedAt > policy.safetyMarginMs)) {
      throw new FederationError(
        "bad_response",
        `${provider.cloud} returned credentials that expire too soon or carry no expiry.`,
        {
          provider: provider.cloud,
          hint: `Credentials must outlive refresh.safetyMarginMs (${policy.safetyMarginMs} ms); raise the session duration or lower the margin.`,
        },
      );
    }
    const entry = makeEntry(result, obtainedAt, policy, random);
    try {
      await cache.set(key, entry, expiresAt - obtainedAt);
    } catch {
      // A cache that fails to store costs an exchange next time; the caller still gets valid credentials.
    }
    failures.recordSuccess(provider, remembered);
    await emit(
      {
        ...base,
        type: background ? "refresh" : "exchange",
        cache: outcome,
        durationMs: monotonicMs() - started,
        now: now(),
        attempts: ctx.attempts,
        entry,
        ...(result.requestId !== undefined
          ? { requestId: cleanCloudId(result.requestId, [token.raw, ...secretsOf(result.credentials)]) }
          : {}),
      },
      call.scheduler,
    );
    return entry;
  } catch (thrown) {
    // Before the negative cache (shared between subjects), the audit event and the caller see it.
    const error = redactSubject(asFederationError(thrown, provider), token.raw);
    failures.recordFailure(provider, token, remembered, error, now());
    await emit(
      {
        ...base,
        type: "failure",
        cache: background ? "stale" : outcome,
        durationMs: monotonicMs() - started,
        now: now(),
        attempts: ctx.attempts,
        error,
      },
      call.scheduler,
    );
    throw error;
  }
}

/** Every string of the credentials an exchange returned: none may come back as the cloud's request id. */
function secretsOf(credentials: Credentials): string[] {
  return Object.values(credentials).filter((v): v is string => typeof v === "string");
}
