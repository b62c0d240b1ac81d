/**
 * What a provider is: credentials it returns, the exchange context it sends through, the provider contract.
 *
 * @packageDocumentation
 */
import type { AuditTarget } from "./audit.js";
import type { Clock, RandomSource } from "./runtime.js";
import type { SubjectToken } from "./tokens.js";

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
 * One official host pattern: an exact host, `*.suffix`, a `*` label (any ONE label, a customer's too), or a
 * regular expression matched against the whole host (see `hostMatches`).
 *
 * @example
 * ```ts
 * const regionalSts: HostPattern = /sts\.[a-z]{2}(?:-[a-z]+)+-\d{1,2}\.amazonaws\.com/;
 * ```
 * @public
 */
export type HostPattern = string | RegExp;

/**
 * Which hosts may receive a token: the cloud's official set, plus origins the user opted into explicitly
 * (the emulator on loopback, a private link).
 * @public
 */
export interface EndpointRule {
  /** Which cloud, for messages. */
  readonly cloud: string;
  /** Official host patterns (exact hosts, `*.suffix`, `*` labels, whole-host regular expressions); https only. */
  readonly officialHosts: readonly HostPattern[];
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
