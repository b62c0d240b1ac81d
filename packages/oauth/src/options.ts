/**
 * Options every OAuth grant provider here shares, and their checks.
 *
 * @packageDocumentation
 */
import { FederationError } from "@fedkit/core";
import type { HostPattern } from "@fedkit/core/provider";
import type { BodyEncoding } from "./encode.js";

/** Options of both generic grant providers. @public */
export interface GrantOptions {
  /** The service's OAuth token endpoint (https). */
  readonly tokenUrl: string;
  /** A name for errors, audit and cache keys. Default `oauth`. */
  readonly name?: string;
  /**
   * Host patterns the token endpoint may be on. Default: exactly `tokenUrl`'s host, which you named yourself.
   * The subject token is sent there and nowhere else.
   */
  readonly officialHosts?: readonly HostPattern[];
  /** Exact origins outside `officialHosts` you opt into (an emulator on loopback over http). */
  readonly allowedOrigins?: readonly string[];
  /** `form` (the RFCs' encoding, default) or `json` (OpenAI, Anthropic). */
  readonly encoding?: BodyEncoding;
  /** Scopes to request (`scope`, space-separated). */
  readonly scope?: string | readonly string[];
  /** Service-specific parameters sent with the grant (`federation_policy_id`, ...). */
  readonly params?: Readonly<Record<string, string>>;
  /** Extra request headers (a beta flag). Never put a secret here: it is not redacted from errors. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Lifetime to assume when the answer has no `expires_in`. Default: such an answer is an error. */
  readonly defaultLifetimeSeconds?: number;
  /** What holds the trust at the service, for error hints. Default `trust configuration`. */
  readonly trustHolder?: string;
}

const NAME = /^[a-z][a-z0-9-]{0,31}$/;
const RESERVED = new Set(["grant_type", "subject_token", "assertion", "actor_token"]);

/** Checks the shared options; returns the provider name and the scope string. @internal */
export function checkGrantOptions(options: GrantOptions): { name: string; scope: string | undefined } {
  const name = options.name ?? "oauth";
  if (!NAME.test(name)) throw new TypeError(`name must match ${NAME} (got ${JSON.stringify(name)})`);
  for (const param of Object.keys(options.params ?? {})) {
    if (RESERVED.has(param)) {
      throw new FederationError("config", `${name}: params.${param} is set by fedkit and may not be given.`, {
        provider: name,
        hint: "The grant type and the subject token are filled in per exchange; remove this parameter.",
      });
    }
  }
  const life = options.defaultLifetimeSeconds;
  if (life !== undefined && !(Number.isInteger(life) && life > 0)) {
    throw new TypeError(`defaultLifetimeSeconds must be a positive integer (got ${life})`);
  }
  const scope = typeof options.scope === "string" ? options.scope : options.scope?.join(" ");
  return { name, scope: scope === "" ? undefined : scope };
}

/** A required non-empty string option, else a `config` error naming it. @internal */
export function requireString(provider: string, option: string, value: unknown, hint: string): string {
  if (typeof value === "string" && value.trim() !== "") return value;
  throw new FederationError("config", `${provider}: ${option} is required.`, { provider, hint });
}
