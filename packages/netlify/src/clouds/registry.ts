import { FederationError } from "@fedkit/core";
import type { FedkitConfig, TargetConfig } from "../config.js";
import type { CloudPlugin } from "./types.js";

// fedkit's own plugins live behind subpaths so a function ships only the clouds its config names; these are
// only the words of the error that tells which import is missing.
const OWN_PLUGINS: Readonly<Record<string, string>> = {
  aws: "awsCloud",
  azure: "azureCloud",
  gcp: "gcpCloud",
};
// A target without `subject` gets its plugin's default form; one copy per target, so lookups stay cheap.
const withDefaults = new WeakMap<TargetConfig, TargetConfig>();

/** Looks up a target and the plugin of its cloud; `config` errors name what is missing. @internal */
export function resolveTarget(
  config: FedkitConfig,
  name: string,
): { target: TargetConfig; plugin: CloudPlugin } {
  const target = Object.hasOwn(config.targets, name) ? config.targets[name] : undefined;
  if (target === undefined) {
    throw new FederationError("config", `fedkit: no target named "${name}" in the config.`, {
      provider: "netlify",
      hint: `Add it under \`targets\`, or use one of: ${Object.keys(config.targets).join(", ") || "(none)"}.`,
    });
  }
  const clouds = config.clouds;
  const plugin =
    clouds !== undefined && Object.hasOwn(clouds, target.cloud) ? clouds[target.cloud] : undefined;
  if (plugin === undefined) throw missingPlugin(name, String(target.cloud));
  if (target.subject !== undefined || plugin.defaultSubject === undefined) return { target, plugin };
  let defaulted = withDefaults.get(target);
  if (defaulted === undefined) {
    defaulted = { ...target, subject: plugin.defaultSubject };
    withDefaults.set(target, defaulted);
  }
  return { target: defaulted, plugin };
}

function missingPlugin(targetName: string, cloud: string): FederationError {
  const own = Object.hasOwn(OWN_PLUGINS, cloud) ? OWN_PLUGINS[cloud] : undefined;
  return new FederationError(
    "config",
    `fedkit: target "${targetName}" uses cloud "${cloud}", but the config's \`clouds\` has no "${cloud}" plugin.`,
    {
      provider: "netlify",
      hint:
        own === undefined
          ? `Pass the cloud's plugin in the config: clouds: { ${JSON.stringify(cloud)}: yourPlugin }.`
          : `Add \`import { ${own} } from "@fedkit/netlify/${cloud}";\` to the config file and set clouds: { ${cloud}: ${own} }.`,
    },
  );
}
