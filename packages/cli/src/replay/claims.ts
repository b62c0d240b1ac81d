/**
 * The claims fedkit would mint, produced by the real minter with a throwaway in-memory key, so a replay
 * evaluates exactly what a deployed function would present: per function, deploy context and target.
 */
import {
  createSiteIssuer,
  type FedkitConfig,
  generateIssuerKeys,
  importIssuerKeySet,
} from "../issuer-api.js";

/** The payload of a token. @internal */
export type Claims = Readonly<Record<string, unknown>>;

interface PluginView {
  readonly defaultSubject?: "function" | "site";
  audience(target: unknown, scope: { siteId: string; context: string; targetName: string }): string;
  mintOptions?(
    target: unknown,
    input: { siteId: string; context: string; functionName: string },
  ): {
    claims?: Record<string, unknown>;
  };
}

/** The plugin of a target's cloud, as the runtime resolves it. @internal */
export function pluginOf(config: FedkitConfig, targetName: string): PluginView {
  const target = config.targets[targetName] as { cloud: string };
  const clouds = (config.clouds ?? {}) as Record<string, PluginView>;
  const plugin = Object.hasOwn(clouds, target.cloud) ? clouds[target.cloud] : undefined;
  if (plugin === undefined) throw new TypeError(`The config names no plugin for cloud ${target.cloud}.`);
  return plugin;
}

/** Mints the token a function would present to a target when deployed in `context`, and returns its claims. @internal */
export async function mintedClaims(
  config: FedkitConfig,
  targetName: string,
  functionName: string,
  context: string,
): Promise<Claims> {
  const target = config.targets[targetName] as { subject?: "function" | "site"; audience?: string };
  const plugin = pluginOf(config, targetName);
  const scope = { siteId: config.siteId, context, targetName };
  const { secret } = await generateIssuerKeys({ context, alg: "ES256" });
  const issuer = createSiteIssuer({
    siteUrl: config.siteUrl,
    siteId: config.siteId,
    context,
    keys: await importIssuerKeySet(secret, "FEDKIT_ISSUER_KEYS", context),
  });
  const extra = plugin.mintOptions?.(target, { siteId: config.siteId, context, functionName }) ?? {};
  const token = await issuer.mint({
    audience: target.audience ?? plugin.audience(target, scope),
    functionName,
    subjectForm: target.subject ?? plugin.defaultSubject ?? "function",
    ...extra,
  });
  return token.claims as unknown as Claims;
}
