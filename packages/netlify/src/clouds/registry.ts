import { type FedkitConfig, netlifyError, type TargetConfig } from "../config.js";
import type { CloudPlugin } from "./types.js";

/** Looks up a target and the plugin of its cloud; `config` errors name what is missing. @internal */
export function resolveTarget(
  config: FedkitConfig,
  name: string,
): { target: TargetConfig; plugin: CloudPlugin } {
  const { targets, clouds = {} } = config;
  const target = Object.hasOwn(targets, name) ? targets[name] : undefined;
  if (target === undefined) {
    throw netlifyError(`no target "${name}" in the config.`, "Add it to `targets`, or fix the name.");
  }
  const cloud = String(target.cloud);
  const plugin = Object.hasOwn(clouds, cloud) ? clouds[cloud] : undefined;
  if (plugin === undefined) {
    // fedkit's own plugins live behind subpaths (`awsCloud` from `@fedkit/netlify/aws`), so a function ships only
    // the clouds its config names: the hint names the import.
    const own = /^(aws|gcp|azure)$/.test(cloud) && `${cloud}Cloud`;
    throw netlifyError(
      `\`clouds\` has no "${cloud}" plugin (target "${name}").`,
      own
        ? `Add \`import { ${own} } from "@fedkit/netlify/${cloud}";\` and clouds: { ${cloud}: ${own} }.`
        : `Pass the cloud's plugin: clouds: { ${JSON.stringify(cloud)}: yourPlugin }.`,
    );
  }
  // A target without `subject` gets its plugin's default form (bindings are cached, so this copy is made once).
  return { target: { ...target, subject: target.subject ?? plugin.defaultSubject }, plugin };
}
