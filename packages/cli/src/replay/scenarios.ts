/**
 * The tokens a replay presents for a target: every mapped function from the target's deploy context (which the
 * trust must accept) and the mismatches the demo provokes (which it must refuse): an unmapped function, a
 * deploy-preview token, a wrong audience, another function, a wrong issuer, a letter-case difference.
 */
import type { FedkitConfig } from "../issuer-api.js";
import { type Claims, mintedClaims, pluginOf } from "./claims.js";

/** One token to replay and what the config intends for it. @internal */
export interface Scenario {
  readonly name: string;
  readonly claims: Claims;
  /** `accept`: the config maps it. `deny`: it must be refused. */
  readonly intent: "accept" | "deny";
  /** Said when the cloud cannot tell this token apart from a trusted one (Azure's site subject form). */
  readonly note?: string;
}

const OTHER_AUDIENCE: Record<string, string> = {
  aws: "api://AzureADTokenExchange",
  azure: "sts.amazonaws.com",
  gcp: "sts.amazonaws.com",
};

/** Builds the scenarios of a target in `context`. @internal */
export async function scenariosFor(
  config: FedkitConfig,
  targetName: string,
  context: string,
): Promise<Scenario[]> {
  const target = config.targets[targetName] as { cloud: string; subject?: string };
  const siteForm = (target.subject ?? pluginOf(config, targetName).defaultSubject) === "site";
  const mapped = Object.entries(config.functions)
    .filter(
      ([, grants]) =>
        Object.hasOwn(grants, targetName) &&
        (grants as Record<string, { identity?: string }>)[targetName]?.identity !== "user",
    )
    .map(([name]) => name)
    .sort();
  const others = Object.keys(config.functions)
    .filter((name) => !mapped.includes(name))
    .sort();
  const out: Scenario[] = [];
  for (const name of mapped)
    out.push({
      name: `function ${name} (${context})`,
      claims: await mintedClaims(config, targetName, name, context),
      intent: "accept",
    });
  const first = mapped[0];
  if (first === undefined) return out;
  const base = await mintedClaims(config, targetName, first, context);
  const unmapped = others[0] ?? "unmapped";
  const siteNote = siteForm
    ? "the site subject form does not name the function: the runtime's mapping is the only guard"
    : undefined;
  out.push({
    name: others[0] === undefined ? `unmapped function ${unmapped}` : `other function ${unmapped}`,
    claims: await mintedClaims(config, targetName, unmapped, context),
    intent: siteForm ? "accept" : "deny",
    ...(siteNote === undefined ? {} : { note: siteNote }),
  });
  const preview = context === "deploy-preview" ? "production" : "deploy-preview";
  out.push({
    name: `${preview} token`,
    claims: await mintedClaims(config, targetName, first, preview),
    intent: "deny",
  });
  out.push({
    name: "wrong audience",
    claims: { ...base, aud: OTHER_AUDIENCE[target.cloud] ?? "wrong-audience" },
    intent: "deny",
  });
  out.push({
    name: "wrong issuer",
    claims: {
      ...base,
      iss: String(base["iss"]).replace(/^https:\/\/[^/]+/, "https://another-site.netlify.app"),
    },
    intent: "deny",
  });
  const sub = String(base["sub"]);
  const cased = sub.replace(/[^:]+$/, (last) => last.charAt(0).toUpperCase() + last.slice(1));
  out.push({
    name: "case difference",
    claims: {
      ...base,
      sub: cased === sub ? sub.toUpperCase() : cased,
      ...(base["function"] === undefined ? {} : { function: String(base["function"]).toUpperCase() }),
    },
    intent: "deny",
  });
  return out;
}
