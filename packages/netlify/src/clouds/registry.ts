import { FederationError } from "@fedkit/core";
import type { FedkitConfig, TargetConfig } from "../config.js";
import { awsCloud } from "./aws.js";
import type { CloudPlugin } from "./types.js";

const BUILT_IN: Readonly<Record<string, CloudPlugin>> = { aws: awsCloud as unknown as CloudPlugin };

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
        hint: `Pass the cloud's plugin in \`clouds: { ${target.cloud}: ... }\` (aws is built in).`,
      },
    );
  }
  return { target, plugin };
}
