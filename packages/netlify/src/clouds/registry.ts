import { FederationError } from "@fedkit/core";
import type { FedkitConfig, TargetConfig } from "../config.js";
import { awsCloud } from "./aws.js";
import { azureCloud } from "./azure.js";
import { gcpCloud } from "./gcp.js";
import type { CloudPlugin } from "./types.js";

const BUILT_IN: Readonly<Record<string, CloudPlugin>> = {
  aws: awsCloud as unknown as CloudPlugin,
  azure: azureCloud as unknown as CloudPlugin,
  gcp: gcpCloud as unknown as CloudPlugin,
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
  const plugin = config.clouds?.[target.cloud] ?? BUILT_IN[target.cloud];
  if (plugin === undefined) {
    throw new FederationError(
      "config",
      `fedkit: target "${name}" uses cloud "${target.cloud}", which has no plugin.`,
      {
        provider: "netlify",
        hint: `Pass the cloud's plugin in \`clouds: { ${target.cloud}: ... }\` (aws, azure and gcp are built in).`,
      },
    );
  }
  if (target.subject !== undefined || plugin.defaultSubject === undefined) return { target, plugin };
  let defaulted = withDefaults.get(target);
  if (defaulted === undefined) {
    defaulted = { ...target, subject: plugin.defaultSubject };
    withDefaults.set(target, defaulted);
  }
  return { target: defaulted, plugin };
}
