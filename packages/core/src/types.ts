/**
 * The interfaces every fedkit package shares: subject tokens and their sources, providers, credentials,
 * the credential cache, the audit sink, and the injected runtime (fetch, clock, randomness, scheduler).
 *
 * @packageDocumentation
 */
import type { FederationErrorCode, SubjectSummary } from "./errors.js";

/**
 * The narrow `fetch` fedkit needs: exactly what it calls. `globalThis.fetch` fits, and so does any test double.
 * @public
 */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/** Milliseconds since the epoch. Injected so tests can move time. @public */
export type Clock = () => number;

/** Fills the array with cryptographically random bytes (`crypto.getRandomValues`). @public */
export type RandomSource = (bytes: Uint8Array) => Uint8Array;

/**
 * Keeps work alive after the response is sent: Netlify's and Vercel's `context.waitUntil`, Cloudflare's
 * `ctx.waitUntil`. Edge isolates run no timers between requests, so background refreshes go through this.
 * @public
 */
export type Scheduler = (work: Promise<unknown>) => void;

/** Decoded JWT claims. @public */
export interface TokenClaims {
  readonly iss?: string;
  readonly sub?: string;
  readonly aud?: string | readonly string[];
  readonly exp?: number;
  readonly nbf?: number;
  readonly iat?: number;
  readonly jti?: string;
  readonly [claim: string]: unknown;
}

/**
 * How far a token's claims can be believed.
 * - `verified`: signature, an allowed issuer, audience and expiry were checked by fedkit.
 * - `minted`: fedkit signed it itself (the site issuer).
 * - `unverified`: decoded only; its claims must not decide anything that matters (cache keys use a hash of the
 *   raw token instead).
 * @public
 */
export type TokenTrust = "verified" | "minted" | "unverified";

/**
 * A subject token: the raw JWT that goes to the cloud, and its decoded claims.
 * The `raw` value is a secret: it is never logged, audited or put in an error.
 * @public
 */
export interface SubjectToken {
  readonly raw: string;
  readonly claims: TokenClaims;
  readonly header: { readonly alg?: string; readonly kid?: string; readonly typ?: string };
  readonly trust: TokenTrust;
}

/** What a {@link SubjectTokenSource} is asked for. @public */
export interface TokenRequest {
  /** The audience the target cloud expects in `aud`; sources that mint tokens use it, others check it. */
  readonly audience: string;
  /** The clock of the federation, for expiry checks. */
  readonly now: Clock;
  readonly signal?: AbortSignal;
}

/**
 * Where subject tokens come from: a static value, an environment variable, an incoming request's bearer
 * token, a file (Node), the site issuer (Netlify), or a chain of these.
 * @public
 */
export interface SubjectTokenSource {
  /** A short name for audit and errors (`static`, `env:FOO`, `request`, `site-issuer`, ...). */
  readonly name: string;
  getToken(request: TokenRequest): Promise<SubjectToken>;
  /**
   * Optional: the token `getToken` would yield for `audience` at time `now` (milliseconds, the federation's
   * clock), if it is already at hand without any I/O or verification (a static token, a token already minted
   * for that audience and still fresh), else `undefined`. Lets the engine's cache-hit path skip an `await`;
   * sources whose token can change between calls (environment, file, request) leave it out or return
   * `undefined`, and the engine then calls `getToken`. Sources that serve one token ignore both arguments.
   */
  peek?(audience: string, now: number): SubjectToken | undefined;
}

/**
 * What every credential kind has. A provider extends it with its cloud's own shape (`@fedkit/aws`'s
 * `AwsCredentials`, a SaaS API key, ...) and declares itself a `Provider<ThatKind>`; core only reads `kind` (to
 * tell kinds apart in logs) and `expiresAt` (to cache and refresh). Every other field is treated as secret.
 *
 * @example
 * ```ts
 * interface ApiKey extends Credentials { readonly kind: "api-key"; readonly key: string }
 * ```
 * @public
 */
export interface Credentials {
  /** Names the credential shape, e.g. `"aws"`, `"access-token"`. */
  readonly kind: string;
  /** When the cloud says they stop working, in ms since the epoch. */
  readonly expiresAt: number;
}

/**
 * An OAuth 2.0 bearer access token (RFC 6749; GCP, Entra, any OAuth token endpoint). Cloud-neutral, so it stays
 * in core for every OAuth-shaped provider. The token is a secret.
 *
 * @example
 * ```ts
 * const token: AccessToken = { kind: "access-token", token: "ya29...", tokenType: "Bearer", expiresAt: Date.now() + 3_600_000 };
 * ```
 * @public
 */
export interface AccessToken extends Credentials {
  readonly kind: "access-token";
  readonly token: string;
  readonly tokenType: string;
  readonly scopes?: readonly string[];
}

/** What the audit log records as the target of an exchange (no secrets). @public */
export interface AuditTarget {
  /** AWS role ARN, GCP service account, Entra client id, ... */
  readonly role?: string;
  /** The audience of the subject token. */
  readonly audience?: string;
  /** Entra client id / GCP workload identity provider. */
  readonly client?: string;
  /** Scopes requested. */
  readonly scopes?: readonly string[];
}

/** An HTTP request a provider asks the core to send. @public */
export interface HttpRequest {
  readonly url: string;
  readonly method: "GET" | "POST";
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  /** The official hosts this request may go to, and the caller's explicit opt-ins. */
  readonly endpoint: EndpointRule;
  /** A short name of the call for errors and audit (`sts:AssumeRoleWithWebIdentity`). */
  readonly operation: string;
  /**
   * Marks an answer that is worth retrying although it is not a 5xx or 429
   * (`IDPCommunicationError`, AADSTS70021 right after a credential was created).
   */
  readonly isTransient?: (response: HttpResponse, attempt: number) => boolean;
}

/** A response whose body was read (size-capped) by the core. @public */
export interface HttpResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** How many attempts the core made, this one included. */
  readonly attempts: number;
}

/**
 * Which hosts may receive a token: the cloud's official set, plus origins the user opted into explicitly
 * (the emulator on loopback, a private link).
 * @public
 */
export interface EndpointRule {
  /** Which cloud, for messages. */
  readonly cloud: string;
  /** Official host patterns: exact hosts or `*.suffix` wildcards; https only. */
  readonly officialHosts: readonly string[];
  /** Extra origins (`http://127.0.0.1:4566`) allowed because the user opted in. */
  readonly allowedOrigins?: readonly string[];
}

/**
 * What a provider gets for one exchange: the safe HTTP client (endpoint allowlist, no redirect followed,
 * per-attempt timeout, body cap, retry policy) and the injected runtime.
 * @public
 */
export interface ExchangeContext {
  /** Sends with the shared retry policy; resolves with any HTTP answer, rejects on network/timeout/deadline. */
  send(request: HttpRequest): Promise<HttpResponse>;
  readonly now: Clock;
  readonly random: RandomSource;
  /** Fires at the overall deadline or when the caller aborts. */
  readonly signal: AbortSignal;
  readonly correlationId: string;
}

/** What a provider returns from an exchange. @public */
export interface ExchangeResult<C extends Credentials = Credentials> {
  readonly credentials: C;
  /** The session name the cloud recorded (AWS `RoleSessionName`), for the audit log. */
  readonly sessionName?: string;
  /** The cloud's request id of the exchange, for the audit log. */
  readonly requestId?: string;
  /** When to refresh, if the cloud says (Entra's `refresh_in`); otherwise the engine decides. */
  readonly refreshAt?: number;
}

/**
 * A cloud provider: turns a subject token into credentials with one or two HTTP calls.
 * @public
 */
export interface Provider<C extends Credentials = Credentials> {
  /** `aws`, `gcp`, `azure`, or a custom provider's name. */
  readonly cloud: string;
  /**
   * A stable string over every configuration input that affects the resulting permissions (target, session
   * policy, policy ARNs, tags, duration, scopes, audience, endpoint). The engine hashes it into cache keys.
   */
  readonly key: string;
  /** The `aud` the subject token must carry for this provider. */
  readonly audience: string;
  /** What the audit log records as the target. */
  readonly target: AuditTarget;
  exchange(subject: SubjectToken, context: ExchangeContext): Promise<ExchangeResult<C>>;
}

/** A cached credential with its timing. @public */
export interface CacheEntry<C extends Credentials = Credentials> {
  readonly credentials: C;
  readonly obtainedAt: number;
  /** Equals `credentials.expiresAt`. */
  readonly expiresAt: number;
  /** When a request should start a background refresh. */
  readonly refreshAt: number;
  readonly sessionName?: string;
}

/** A value or a promise of it: in-memory drivers answer synchronously, remote ones do not. @public */
export type MaybePromise<T> = T | Promise<T>;

/**
 * Where credentials are kept between requests. The key is a hash that already includes the verified subject
 * and every permission-affecting input, so a driver just stores by key.
 *
 * A driver that stores **outside the process** (a KV store, Netlify Blobs, Redis) must encrypt each entry with
 * AES-GCM using the cache key as associated data (use `encryptedCache` from `@fedkit/core`) and set
 * `persistent: true`.
 * @public
 */
export interface CredentialCache {
  readonly name: string;
  /** True when entries leave the process; such drivers must encrypt. */
  readonly persistent?: boolean;
  get(key: string): MaybePromise<CacheEntry | undefined>;
  /** `ttlMs` is the time until the credentials expire; drivers may drop the entry after it. */
  set(key: string, entry: CacheEntry, ttlMs: number): MaybePromise<void>;
  delete(key: string): MaybePromise<void>;
  /**
   * Optional capability of a cache shared between isolates whose store has an atomic compare-and-set (Redis
   * `SET NX PX`): the engine takes a short lease before an exchange, so one isolate exchanges and the others
   * read its result. Caches without it exchange in every isolate that misses.
   */
  readonly coordination?: CacheCoordination;
}

/** A short exclusive claim on one cache key, held by one isolate while it exchanges. @public */
export interface CacheLease {
  /** Gives the claim up early (the store also expires it, so a crashed holder blocks nobody for long). */
  release(): Promise<void>;
}

/**
 * Cross-isolate single flight, offered by a {@link CredentialCache}: the engine calls `lease` on a miss or a
 * due refresh. With a lease it exchanges and stores; without one it reads the cache (and asks for the lease
 * again) every `pollMs` for up to `waitMs`, then exchanges itself. A `lease` that throws (store down) means:
 * exchange without coordination.
 * @public
 */
export interface CacheCoordination {
  /** Claims `key` for one exchange; `undefined` when another isolate holds it. */
  lease(key: string): Promise<CacheLease | undefined>;
  /** How long a follower waits for the holder's entry before exchanging itself. */
  readonly waitMs: number;
  /** How often a follower reads the cache while it waits. */
  readonly pollMs: number;
}

/** Kinds of audit events. @public */
export type AuditEventType =
  | "exchange"
  | "refresh"
  | "refusal"
  | "failure"
  | "cache_unavailable"
  | "cache_eviction";

/**
 * How the cache took part in the call the event describes. Hits are not audited (an event per hit would cost more
 * than the hit), so only the outcomes that lead to an event exist: `miss` (exchanged because nothing usable was
 * cached), `refresh` (a background refresh before expiry), `stale` (a refresh failed while a still-valid entry was
 * served) and `negative` (refused from failure memory without calling the cloud).
 * @public
 */
export type CacheOutcome = "miss" | "stale" | "refresh" | "negative";

/**
 * One audit event. Nothing secret is in it: the subject is described by claims and a hash of its `jti`.
 * @public
 */
export interface AuditEvent {
  /** ISO 8601 time of the event. */
  readonly time: string;
  readonly type: AuditEventType;
  readonly provider: string;
  readonly target: AuditTarget;
  readonly subject: SubjectSummary & { readonly jtiHash?: string; readonly trust?: TokenTrust };
  readonly sessionName?: string;
  /** ISO 8601 expiry of the credentials handed out. */
  readonly expiresAt?: string;
  readonly durationMs: number;
  readonly attempts?: number;
  readonly cache: CacheOutcome;
  readonly error?: {
    readonly code: FederationErrorCode;
    readonly status?: number;
    readonly cloudCode?: string;
    readonly message?: string;
  };
  /** Ties the event to the request that caused it (Netlify's `context.requestId`). */
  readonly correlationId: string;
  /** The cloud's request id of the exchange. */
  readonly requestId?: string;
  /** Free-form, non-secret context added by adapters (site, deploy context, function). */
  readonly labels?: Readonly<Record<string, string>>;
}

/** Where audit events go: a log drain, a queue, memory in tests. @public */
export interface AuditSink {
  readonly name: string;
  write(event: AuditEvent): MaybePromise<void>;
  /** Sends anything buffered; adapters call it through the scheduler after the response. */
  flush?(): Promise<void>;
}
