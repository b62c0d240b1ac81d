/**
 * The engine: one call gives a caller valid credentials for (provider, subject), from the cache when it can,
 * through one shared exchange when it must.
 *
 * @packageDocumentation
 */
import { coordinatedExchange } from "./engine/coordinate.js";
import { refusedByNegativeCache } from "./engine/negative.js";
import type { Federation, FederationOptions, GetCredentialsOptions } from "./engine/options.js";
import { createRuntime, raceAbort } from "./engine/runtime.js";
import { FederationError } from "./errors.js";
import { checkTokenTimes } from "./tokens.js";
import type {
  CacheEntry,
  CredentialCache,
  Credentials,
  Provider,
  SubjectToken,
  SubjectTokenSource,
} from "./types.js";
import { monotonicMs } from "./util/time.js";
import { MAX_SUBJECT_TOKEN_LENGTH, tooLong } from "./util/token-size.js";

export type { Federation, FederationOptions, GetCredentialsOptions } from "./engine/options.js";

const NO_OPTIONS: GetCredentialsOptions = Object.freeze({});

/** Bad arguments are programming errors: a TypeError saying what was expected, off the hit path. */
function assertProvider(provider: Provider): void {
  if (
    typeof provider?.exchange !== "function" ||
    typeof provider.key !== "string" ||
    typeof provider.cloud !== "string" ||
    typeof provider.audience !== "string"
  ) {
    throw new TypeError(
      "getCredentials: pass a Provider ({ cloud, key, audience, target, exchange }), e.g. awsProvider({ roleArn })",
    );
  }
}

/**
 * Creates the engine.
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
  const { cache, audit, now, policy, keys, negative, pending, refuse } = rt;
  const inflight = new Map<string, Promise<CacheEntry>>();
  /** Keys whose background refresh failed recently: hits skip starting another until this time. */
  const refreshHold = new Map<string, number>();
  const skewMs = policy.clockSkewSeconds * 1000;

  function startRefresh(
    provider: Provider,
    token: SubjectToken,
    key: string,
    call: GetCredentialsOptions,
  ): void {
    if (inflight.has(key)) return;
    const hold = refreshHold.get(key);
    if (hold !== undefined && now() < hold) return;
    // Deferred to a microtask so not even the synchronous start of the exchange runs on the caller's path.
    const flight = Promise.resolve().then(async () => {
      const neg = await rt.negativeKeys(provider, token);
      const blocked = negative.check([neg.tokenKey, neg.availabilityKey], now());
      // Backing off: the held credentials are still served; a caller that waits for this flight sees why.
      if (blocked !== undefined) {
        refreshHold.set(key, now() + blocked.retryInMs);
        throw refusedByNegativeCache(blocked.error, blocked.retryInMs);
      }
      return coordinatedExchange(rt, provider, token, key, "refresh", call);
    });
    inflight.set(key, flight);
    const done = () => {
      if (inflight.get(key) === flight) inflight.delete(key);
    };
    flight.then(
      () => {
        refreshHold.delete(key);
        done();
      },
      () => {
        // The negative cache decides when to try again; until then hits do not even start a refresh.
        const holdUntil = refreshHold.get(key);
        if (holdUntil === undefined || holdUntil <= now()) refreshHold.set(key, now() + policy.negativeTtlMs);
        while (refreshHold.size > 1024) refreshHold.delete(refreshHold.keys().next().value as string);
        done();
      },
    );
    rt.track(flight, call.scheduler);
  }

  /** An exchange that first consults the negative cache: a remembered failure is refused (and audited) once. */
  async function guardedExchange(
    provider: Provider,
    token: SubjectToken,
    key: string,
    call: GetCredentialsOptions,
  ) {
    const started = monotonicMs();
    const neg = await rt.negativeKeys(provider, token);
    const blocked = negative.check([neg.tokenKey, neg.availabilityKey], now());
    if (blocked !== undefined) {
      return refuse(
        provider,
        token,
        refusedByNegativeCache(blocked.error, blocked.retryInMs),
        call,
        "negative",
        started,
      );
    }
    return coordinatedExchange(rt, provider, token, key, "miss", call);
  }

  async function slowPath<C extends Credentials>(
    provider: Provider<C>,
    token: SubjectToken,
    call: GetCredentialsOptions,
  ): Promise<C> {
    assertProvider(provider as Provider);
    let key: string;
    try {
      // A SubjectToken built by a callback skipped decoding and its cap: hashing it must not cost megabytes.
      if (token.raw.length > MAX_SUBJECT_TOKEN_LENGTH) throw tooLong(token.raw.length);
      checkTokenTimes(token, now(), policy.clockSkewSeconds);
      key = keys.peek(token, provider as Provider) ?? (await keys.derive(token, provider as Provider));
    } catch (error) {
      return refuse(provider, token, error, call, "miss", monotonicMs());
    }
    let entry: CacheEntry | undefined;
    try {
      const got = cache.get(key);
      entry = got instanceof Promise ? await got : got;
    } catch {
      entry = undefined;
    }
    const t = now();
    if (entry !== undefined && t < entry.expiresAt - policy.safetyMarginMs) {
      if (t >= entry.refreshAt) startRefresh(provider as Provider, token, key, call);
      return entry.credentials as C;
    }
    // No await between this lookup and the registration below: the first cold caller registers, the rest join.
    let flight = inflight.get(key);
    if (flight === undefined) {
      const registered = guardedExchange(provider as Provider, token, key, call);
      flight = registered;
      inflight.set(key, registered);
      const done = () => {
        if (inflight.get(key) === registered) inflight.delete(key);
      };
      registered.then(done, done);
    }
    const fresh = await raceAbort(flight, call.signal, provider.cloud);
    return fresh.credentials as C;
  }

  /**
   * A one-entry front cache: the last (token, provider) served and until when it may be served again without
   * looking anything up: the earliest of the token's expiry, the safety margin and the refresh time. Past that
   * the normal path runs (cache read, refresh start). Repeated calls thus cost a few comparisons and one clock read.
   */
  let hot:
    | {
        token: SubjectToken;
        provider: Provider;
        providerKey: string;
        key: string;
        credentials: Credentials;
        promise: Promise<Credentials>;
        until: number;
      }
    | undefined;

  /** Held credentials for (provider, token) if the key is known and they are outside the safety margin. */
  function held(
    provider: Provider,
    token: SubjectToken,
    call: GetCredentialsOptions,
  ): Credentials | undefined {
    const t = now();
    const front = hot;
    const same =
      front !== undefined &&
      front.token === token &&
      front.provider === provider &&
      front.providerKey === provider.key;
    if (same && t < front.until) return front.credentials;
    const key = same ? front.key : keys.peek(token, provider);
    if (key === undefined) return undefined;
    const { exp, nbf } = token.claims;
    // No exp, no held credentials: the slow path refuses such a token (checkTokenTimes).
    if (typeof exp !== "number") return undefined;
    const tokenUntil = exp * 1000 + skewMs;
    if (tokenUntil <= t || (typeof nbf === "number" && nbf * 1000 - skewMs > t)) return undefined;
    let entry: ReturnType<CredentialCache["get"]>;
    try {
      entry = cache.get(key);
    } catch {
      return undefined;
    }
    if (entry === undefined || entry instanceof Promise || t >= entry.expiresAt - policy.safetyMarginMs)
      return undefined;
    if (t >= entry.refreshAt) {
      startRefresh(provider, token, key, call);
    } else {
      const until = Math.min(tokenUntil, entry.expiresAt - policy.safetyMarginMs, entry.refreshAt);
      const credentials = entry.credentials;
      hot = {
        token,
        provider,
        providerKey: provider.key,
        key,
        credentials,
        promise: Promise.resolve(credentials),
        until,
      };
    }
    return entry.credentials;
  }

  async function viaSource<C extends Credentials>(
    provider: Provider<C>,
    source: SubjectTokenSource,
    call: GetCredentialsOptions,
  ): Promise<C> {
    assertProvider(provider as Provider);
    let token: SubjectToken;
    try {
      token = await source.getToken(rt.tokenRequest(provider.audience, call.signal));
    } catch (error) {
      return refuse(provider, undefined, error, call, "miss", monotonicMs());
    }
    const credentials = held(provider as Provider, token, call);
    if (credentials !== undefined) return credentials as C;
    return slowPath(provider, token, call);
  }

  return {
    audit,
    // Deliberately not `async`: the hit path returns an already-resolved promise without an async frame.
    getCredentials<C extends Credentials>(provider: Provider<C>, call?: GetCredentialsOptions): Promise<C> {
      const options_ = call ?? NO_OPTIONS;
      const source = options_.source ?? options.source;
      if (source === undefined) {
        return Promise.reject(
          new FederationError(
            "config",
            "No subject-token source: pass `source` to createFederation or getCredentials.",
            {
              provider: "core",
              hint: "For example createFederation({ source: envToken('OIDC_TOKEN') }).",
            },
          ),
        );
      }
      // The hit path: a source with the token at hand, a known key, held credentials: no await, no hashing.
      let peeked: SubjectToken | undefined;
      try {
        peeked = source.peek?.();
        if (peeked === undefined) return viaSource(provider, source, options_);
        // The front cache, inline: same token and provider as the last hit, and still before its deadline.
        const front = hot;
        if (
          front !== undefined &&
          front.token === peeked &&
          front.provider === provider &&
          front.providerKey === provider.key &&
          now() < front.until
        ) {
          // One already-resolved promise per front entry, shared by every hit: no allocation per call.
          return front.promise as Promise<C>;
        }
        const credentials = held(provider as Provider, peeked, options_);
        if (credentials !== undefined) return Promise.resolve(credentials as C);
      } catch {
        // A source or cache that throws synchronously takes the slow path, which turns it into a rejection.
        return viaSource(provider, source, options_);
      }
      return slowPath(provider, peeked, options_);
    },
    async flush() {
      while (pending.size > 0) await Promise.all([...pending]);
      await audit.flush?.();
    },
  };
}
