/**
 * Emulated platform issuers (`urls.platforms`): tokens shaped like GitHub Actions, GitLab CI, Vercel, Deno Deploy,
 * Cloudflare Workers, Fly.io, Kubernetes and AWS `GetWebIdentityToken` tokens, each issuer with discovery and
 * JWKS so the emulated clouds verify them once trust is registered.
 *
 * @packageDocumentation
 */
import { ConfigError } from "../config-validate.js";
import type { ServiceDefinition } from "../services.js";
import { PlatformIssuers } from "./issuer.js";

export { type PlatformAlgorithm, PlatformIssuers, type PlatformMintOptions } from "./issuer.js";
export type * from "./shapes.js";

const KEY = "platforms";

/** The platform issuers listener; runs when the config has a `platforms` section (`{}` is enough). @internal */
export const platformsService: ServiceDefinition = {
  name: "platforms",
  enabled: (config) => (config as { platforms?: unknown }).platforms !== undefined,
  configSection: "platforms",
  validateConfig(section, path) {
    if (
      typeof section !== "object" ||
      section === null ||
      Array.isArray(section) ||
      Object.keys(section).length > 0
    )
      throw new ConfigError(path, "expected {} (the platform issuers take no settings yet)");
  },
  async create(ctx) {
    const issuers = new PlatformIssuers(ctx.urls.platforms ?? "", () => ctx.now());
    await issuers.init();
    ctx.state.services.set(KEY, issuers);
    return (request) => issuers.handle(request);
  },
};

/**
 * The platform issuers of a running emulator (started with `platforms: {}`).
 *
 * @example
 * ```ts
 * const emulator = await startEmulator({ platforms: {} });
 * const { ACTIONS_ID_TOKEN_REQUEST_URL, ACTIONS_ID_TOKEN_REQUEST_TOKEN } = platformsOf(emulator).githubActionsJob({
 *   owner: "octo-org", ownerId: "123456", repo: "octo-repo", repoId: "456789",
 * });
 * ```
 * @throws Error when the emulator runs no platform issuers.
 * @public
 */
export function platformsOf(emulator: { state: { services: Map<string, unknown> } }): PlatformIssuers {
  const issuers = emulator.state.services.get(KEY) as PlatformIssuers | undefined;
  if (!issuers) throw new Error("the emulator runs no platform issuers: pass platforms: {} to startEmulator");
  return issuers;
}

declare module "../config.js" {
  interface EmulatorConfig {
    /** Emulated platform OIDC issuers (`{}`: on). */
    platforms?: Record<string, never>;
  }
}
