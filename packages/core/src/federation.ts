/**
 * The engine: one call gives a caller valid credentials for (provider, subject), from the cache when it can,
 * through one shared exchange when it must.
 *
 * @packageDocumentation
 */
import { coordinatedExchange } from "./engine/coordinate.js";
import { createLookup } from "./engine/lookup.js";
import type { Federation, FederationOptions, GetCredentialsOptions } from "./engine/options.js";
import { refreshScheduler } from "./engine/refresh.js";
import { createRuntime, raceAbort } from "./engine/runtime.js";
import { singleFlight } from "./engine/single-flight.js";
import { fail } from "./errors.js";
import { checkTokenTimes } from "./tokens.js";
import type { CacheEntry, Credentials, Provider, SubjectToken, SubjectTokenSource } from "./types.js";
import { monotonicMs } from "./util/time.js";
import { MAX_SUBJECT_TOKEN_LENGTH, tooLong } from "./util/token-size.js";

export type {
  Federation,
  FederationLimits,
  FederationOptions,
  GetCredentialsOptions,
} from "./engine/options.js";

const NO_OPTIONS: GetCredentialsOptions = Object.freeze({});
const FLUSHED: Promise<void> = Promise.resolve();

/** The rejection of a call with no subject-token source, in the federation or the call. */
function noSource(): Promise<never> {
  return Promise.reject(
    fail("config", "No subject-token source.", "core", "Pass source to createFederation or getCredentials."),
  );
}

/** Bad arguments are programming errors: a TypeError saying what was expected, off the hit path. */
function assertProvider(provider: Provider): void {
  if (
    typeof provider?.exchange !== "function" ||
    typeof provider.key !== "string" ||
    typeof provider.cloud !== "string" ||
    typeof provider.audience !== "string"
  ) {
    throw new TypeError("getCredentials: pass a Provider, e.g. awsProvider({ roleArn })");
  }
}

/**
 * Creates the engine. Its parts: the lookup (the one hit path), single flight (one exchange per key), the
 * refresh scheduler (background refreshes), the failure memory (`rt.failures`) and the cross-isolate
 * coordination of a shared cache (`coordinatedExchange`).
 *
 * @example
 * ```ts
 * import { awsProvider } from "@fedkit/aws";
 * const federation = createFederation({ source: envToken("OIDC_TOKEN") });
 * const creds = await federation.getCredentials(
 *   awsProvider({ roleArn: "arn:aws:iam::123456789012:role/reader", region: "eu-west-1" }),
 * );
 * ```
 * @public
 */
export function createFederation(options: FederationOptions = {}): Federation {
  const rt = createRuntime(options);
  const { cache, audit, now, policy, keys, failures, pending, refuse } = rt;
  const flights = singleFlight<CacheEntry>();
  const refresh = refreshScheduler(rt, flights);
  const lookup = createLookup(rt, refresh);

  /** Past the hit path: check the token, derive its key, read an asynchronous cache, or join/start the exchange. */
  async function slowPath(
    provider: Provider,
    token: SubjectToken,
    call: GetCredentialsOptions,
  ): Promise<Credentials> {
    assertProvider(provider);
    let key: string;
    try {
      // A SubjectToken built by a callback skipped decoding and its cap: hashing it must not cost megabytes.
      if (token.raw.length > MAX_SUBJECT_TOKEN_LENGTH) throw tooLong(token.raw.length);
      checkTokenTimes(token, now(), policy.clockSkewSeconds);
      key = keys.derive(token, provider);
    } catch (error) {
      return refuse(provider, token, error, call, "miss", monotonicMs());
    }
    let entry: CacheEntry | undefined;
    try {
      // A synchronous cache (the memory cache) is not awaited: no microtask hop on the way to the exchange.
      const got = cache.get(key);
      entry = got instanceof Promise ? await got : got;
    } catch {
      // A cache that fails to answer is a miss.
    }
    let t = now();
    if (entry !== undefined && t < entry.expiresAt - policy.safetyMarginMs) {
      // An asynchronous cache answered: the same refresh rule as the hit path.
      if (t >= entry.refreshAt) refresh(provider, token, key, call);
      return entry.credentials;
    }
    // No await between this lookup and the registration: the first cold caller registers, the rest join. An
    // exchange first consults the failure memory: a remembered failure is refused (and audited).
    const flight = flights.run(key, () => {
      const started = monotonicMs();
      t = now();
      const remembered = failures.check(failures.keysOf(provider, token, key), t);
      return remembered === undefined
        ? coordinatedExchange(rt, provider, token, key, "miss", call)
        : refuse(provider, token, failures.refusal(remembered, t), call, "negative", started);
    });
    return (await raceAbort(flight, call.signal, provider.cloud)).credentials;
  }

  /**
   * A source without `peek` (or without a token to peek): its token comes asynchronously, then the same hit path
   * as every other source. Not `async`: one `then` on the source's promise, no extra async frame on the
   * adapter's hit path.
   */
  function viaSource<C extends Credentials>(
    provider: Provider<C>,
    source: SubjectTokenSource,
    call: GetCredentialsOptions,
  ): Promise<C> {
    const refused = (error: unknown) =>
      refuse(provider as Provider, undefined, error, call, "miss", monotonicMs());
    let pending: Promise<SubjectToken>;
    try {
      assertProvider(provider as Provider);
    } catch (error) {
      return Promise.reject(error);
    }
    try {
      pending = source.getToken(rt.tokenRequest(provider.audience, call.signal));
    } catch (error) {
      return refused(error);
    }
    return pending.then(
      (token) =>
        (lookup.held(provider as Provider, token, call) ?? slowPath(provider as Provider, token, call)) as
          | C
          | Promise<C>,
      refused,
    );
  }

  /** A peeked token past the front entry: credentials held in the cache, else the slow path. */
  function viaPeeked<C extends Credentials>(
    provider: Provider<C>,
    token: SubjectToken,
    call: GetCredentialsOptions,
    t: number,
  ): Promise<C> {
    const held = lookup.held(provider as Provider, token, call, t) as C | undefined;
    return held === undefined
      ? (slowPath(provider as Provider, token, call) as Promise<C>)
      : Promise.resolve(held);
  }

  async function flushAll(): Promise<void> {
    while (pending.size > 0) await Promise.all([...pending]);
    await audit.flush?.();
  }

  return {
    audit,
    // Deliberately not `async`: the hit path returns an already-resolved promise without an async frame. Kept
    // small (the rare branches are functions of their own) so that callers' compilers inline it whole.
    getCredentials<C extends Credentials>(provider: Provider<C>, call = NO_OPTIONS): Promise<C> {
      const source = call.source ?? options.source;
      if (source === undefined) return noSource();
      try {
        // One clock reading serves the source (is its token for this audience still fresh?) and the lookup.
        const t = now();
        const peeked = source.peek?.(provider.audience, t);
        if (peeked !== undefined)
          return (lookup.hot(peeked, provider as Provider, t) ??
            viaPeeked(provider, peeked, call, t)) as Promise<C>;
      } catch {
        // A source or cache that throws synchronously takes the source's own path, which turns it into a rejection.
      }
      return viaSource(provider, source, call);
    },
    peek<C extends Credentials>(provider: Provider<C>, source: SubjectTokenSource): Promise<C> | undefined {
      try {
        // getCredentials' own hit: one clock reading for the source and the front entry.
        const t = now();
        const token = source.peek?.(provider.audience, t);
        return token === undefined
          ? undefined
          : (lookup.hot(token, provider as Provider, t) as Promise<C> | undefined);
      } catch {
        // A source that throws is getCredentials' to report.
        return undefined;
      }
    },
    flush() {
      // Called after every request by adapters: with nothing pending and a sink that buffers nothing, no work.
      return pending.size === 0 && audit.flush === undefined ? FLUSHED : flushAll();
    },
  };
}
