import { FederationError } from "@fedkit/core";
import { issuerHostPath, issuerUrl, subjectFor, userSubjectPattern } from "@fedkit/issuer";
import { resolveTarget } from "../clouds/registry.js";
import type { CloudPlugin, TrustInput } from "../clouds/types.js";
import type { FedkitConfig } from "../config.js";
import type { AzureTrustPolicy } from "./azure.js";
import { BUILT_IN_TRUST } from "./built-in.js";

/** Options of {@link trustPolicyFor}. @public */
export interface TrustPolicyOptions {
  /** The deploy context whose issuer the cloud should trust. Default `production`. */
  readonly context?: string;
}

/**
 * The cloud-side trust document for one target, derived from the same config the runtime enforces: the AWS
 * role trust policy (principal = the context's IAM OIDC provider, `aud` and `sub` pinned), the Entra federated
 * identity credentials ({@link AzureTrustPolicy}: issuer, the exact subject, one audience, as JSON and as the
 * `az` command), the GCP pool, provider and bindings, or the SaaS service's rule or policy. Pure: no I/O.
 * Trust for a deploy context other than the target's `trustContext` (default `production`) is refused: it would
 * let that context act as the target's role, app or service account.
 *
 * The generator is the target plugin's own `trustPolicy` when it has one (a custom cloud), else fedkit's built-in
 * generator for the plugin's `cloud` (`aws`, `gcp`, `azure`, `openai`, `anthropic`, `openrouter`); a plugin with
 * neither is refused with a `config` error. The built-in generators live here, in `@fedkit/netlify/trust`, and not
 * on the plugins, so no edge function ships them.
 *
 * @example
 * ```ts
 * import { trustPolicyFor } from "@fedkit/netlify/trust";
 * import config from "./netlify/fedkit.config.js";
 * console.log(JSON.stringify(trustPolicyFor(config, "reports"), null, 2));
 * ```
 * @public
 */
export function trustPolicyFor(
  config: FedkitConfig,
  targetName: string,
  options: TrustPolicyOptions = {},
): unknown {
  const context = options.context ?? "production";
  const { target, plugin } = resolveTarget(config, targetName);
  const generate = trustGenerator(plugin, targetName);
  const issuer = issuerUrl(config.siteUrl, context);
  const scope = { siteId: config.siteId, context, targetName };
  // A target's role/app/service account belongs to one deploy context. Trust for another context on it would
  // let that context's key act as it: refuse to generate it (a GCP pool without a service account is per context).
  const owner = plugin.trustContext?.(target, scope) ?? target.trustContext ?? "production";
  if (owner !== context) {
    const holder = plugin.trustHolder ?? "identity";
    throw new FederationError(
      "config",
      `fedkit: target "${targetName}" names the ${owner} ${holder}; trust for deploy context "${context}" on it would let ${context} code act as ${owner}.`,
      {
        provider: "netlify",
        hint: `Give ${context} its own ${holder}, name it in the target with trustContext: "${context}" (e.g. both from environment variables set per deploy context), and generate the trust for that.`,
      },
    );
  }
  const subjects = new Set<string>();
  const subjectPatterns = new Set<string>();
  const functions = new Set<string>();
  for (const [functionName, grants] of Object.entries(config.functions)) {
    const grant = Object.hasOwn(grants, targetName) ? grants[targetName] : undefined;
    if (grant === undefined) continue;
    if (grant.identity === "user") {
      subjectPatterns.add(userSubjectPattern(config.siteId, context));
    } else {
      functions.add(functionName);
      subjects.add(
        subjectFor({ siteId: config.siteId, context, functionName }, target.subject ?? "function"),
      );
    }
  }
  return generate({
    target,
    targetName,
    issuer,
    issuerHostPath: issuerHostPath(issuer),
    audience: target.audience ?? plugin.audience(target, scope),
    subjects: [...subjects].sort(),
    subjectPatterns: [...subjectPatterns].sort(),
    functions: [...functions].sort(),
    context,
    siteId: config.siteId,
  });
}

/** The plugin's own generator, else the built-in one for its cloud; refuses a plugin with neither. */
function trustGenerator(plugin: CloudPlugin, targetName: string): (input: TrustInput) => unknown {
  if (plugin.trustPolicy !== undefined) return plugin.trustPolicy.bind(plugin);
  const builtIn = Object.hasOwn(BUILT_IN_TRUST, plugin.cloud) ? BUILT_IN_TRUST[plugin.cloud] : undefined;
  if (builtIn !== undefined) return builtIn;
  throw new FederationError(
    "config",
    `fedkit: target "${targetName}" uses cloud "${plugin.cloud}", whose plugin has no trustPolicy and which fedkit has no built-in trust for.`,
    {
      provider: "netlify",
      hint: `Give the "${plugin.cloud}" plugin a trustPolicy(input) that returns its cloud-side trust, or set up that trust by hand. Built-in trust: ${Object.keys(BUILT_IN_TRUST).join(", ")}.`,
    },
  );
}
