import { expandPlaceholders, providerHostPath } from "../aws/control.js";
import type { EmulatorContext } from "../context.js";
import type { SaasConfig, SaasServiceConfig } from "./config.js";
import { validateSaasService } from "./config.js";

/** An access token a SaaS service issued. @public */
export interface SaasIssuedToken {
  /** The service (its `name`) that issued it; other services refuse it. */
  readonly service: string;
  /** The binding (service account, rule, policy, role) it acts as. */
  readonly binding: string;
  /** `iss` and `sub` of the exchanged token. */
  readonly issuer: string;
  readonly subject: string;
  readonly scope: string | undefined;
  /** Epoch ms. */
  readonly expiresAt: number;
}

/** What the SaaS services hold. @public */
export interface SaasState {
  /** Services by name. */
  readonly services: Map<string, SaasServiceConfig>;
  /** Issued access tokens by value. */
  readonly tokens: Map<string, SaasIssuedToken>;
  /** Per service: `<iss>\0<jti>` → exp (seconds) of assertions already used. */
  readonly seenJti: Map<string, Map<string, number>>;
  /** Token requests each service answered (by service name), for tests. */
  readonly calls: Map<string, number>;
  /**
   * Why each refused request was refused, newest last (Anthropic and OpenRouter answer one generic message and
   * keep the cause server-side; tests read it here). Never holds a token.
   */
  readonly refusals: Array<{ service: string; error: string; cause: string }>;
}

const KEY = "saas";

/** The SaaS state of a context (created from `ctx.config.saas` on first use). @internal */
export function saasState(ctx: EmulatorContext): SaasState {
  const existing = ctx.state.services.get(KEY) as SaasState | undefined;
  if (existing) return existing;
  // `{{idp}}` in a config file names the built-in IdP, whose port is chosen at start (as in the aws section).
  const values = {
    idp: ctx.urls.idp,
    idpHost: providerHostPath(ctx.urls.idp),
    accountId: ctx.state.aws.accountId,
  };
  const state = createSaasState(expandPlaceholders(ctx.config.saas, values) ?? {});
  ctx.state.services.set(KEY, state);
  return state;
}

function createSaasState(config: SaasConfig): SaasState {
  const state: SaasState = {
    services: new Map(),
    tokens: new Map(),
    seenJti: new Map(),
    calls: new Map(),
    refusals: [],
  };
  for (const service of config.services ?? []) state.services.set(service.name, service);
  return state;
}

/**
 * The SaaS state of a running emulator (started with a `saas` section, even `{}`).
 *
 * @example
 * ```ts
 * const emulator = await startEmulator({ saas: {} });
 * const state = saasStateOf(emulator);
 * ```
 * @throws Error when the emulator runs no SaaS services.
 * @public
 */
export function saasStateOf(emulator: { state: { services: Map<string, unknown> } }): SaasState {
  const state = emulator.state.services.get(KEY) as SaasState | undefined;
  if (!state) throw new Error("the emulator runs no SaaS services: pass a saas section to startEmulator");
  return state;
}

/**
 * Registers (or replaces) a SaaS service on a running emulator and returns its base URL.
 *
 * @example
 * ```ts
 * const emulator = await startEmulator({ saas: {} });
 * const base = addSaasService(emulator, {
 *   name: "anthropic",
 *   preset: "anthropic",
 *   organizationId: "00000000-0000-0000-0000-000000000000",
 *   issuers: [{ issuer: emulator.urls.idp }],
 *   bindings: [{ id: "fdrl_ci", issuer: emulator.urls.idp, subjectPrefix: "repo:acme/", audience: "https://api.anthropic.com" }],
 * });
 * // new Anthropic({ baseURL: base, ... }) — the token endpoint is `${base}/v1/oauth/token`
 * ```
 * @throws ConfigError naming the offending field.
 * @public
 */
export function addSaasService(
  emulator: { state: { services: Map<string, unknown> }; urls: { saas?: string } },
  service: SaasServiceConfig,
): string {
  validateSaasService(service, `saas.services[${service.name}]`);
  const state = saasStateOf(emulator);
  state.services.set(service.name, service);
  state.seenJti.delete(service.name);
  return `${emulator.urls.saas}/${service.name}`;
}

/** The used-`jti` register of one service (created on first use). @internal */
export function seenJtiOf(state: SaasState, service: string): Map<string, number> {
  let seen = state.seenJti.get(service);
  if (!seen) {
    seen = new Map();
    state.seenJti.set(service, seen);
  }
  return seen;
}
