// What the SaaS plugins (`@fedkit/netlify/openai`, `/anthropic`, `/openrouter`) share: the target fields, the
// one-subject rule of their trust, and the client options. Reached only from those subpaths, so the main entry
// never pulls in @fedkit/oauth.
import { FederationError } from "@fedkit/core";
import type { FetchFn, ServiceFetchOptions } from "@fedkit/oauth";
import type { TargetConfig } from "../config.js";
import type { TrustInput } from "./types.js";

/** Fields every SaaS target may set. @public */
export interface SaasTargetConfig extends TargetConfig {
  /** Exact origins outside the service's hosts that may receive the subject token and the bearer (the emulator). */
  readonly allowedOrigins?: readonly string[];
}

/** The one subject a SaaS trust can match: its rule, policy or mapping names one `sub`. */
export function oneSubject(input: TrustInput, prefixMatch: boolean): string {
  const all = [...input.subjects, ...(prefixMatch ? input.subjectPatterns : [])];
  if (input.subjectPatterns.length > 0 && !prefixMatch) {
    throw new FederationError(
      "config",
      `fedkit: target "${input.targetName}" has per-user grants; ${input.target.cloud} matches one exact subject.`,
      {
        provider: "netlify",
        hint: 'Map it with identity "function", or use an Anthropic target (prefix match).',
      },
    );
  }
  if (all.length !== 1) {
    throw new FederationError(
      "config",
      `fedkit: target "${input.targetName}" is mapped to ${all.length} subjects; a ${input.target.cloud} rule matches one.`,
      {
        provider: "netlify",
        hint: "Define one target (with its own rule or policy id) per function, or none if nothing calls it.",
      },
    );
  }
  return all[0] as string;
}

export function clientOptions(target: SaasTargetConfig, fetch: unknown): ServiceFetchOptions {
  return {
    ...(target.allowedOrigins === undefined ? {} : { allowedOrigins: target.allowedOrigins }),
    ...(fetch === undefined ? {} : { fetch: fetch as FetchFn }),
  };
}

/** The rule, policy or mapping name for a target in a deploy context. */
export const trustName = (input: TrustInput): string =>
  `fedkit-${input.context}-${input.targetName}`.toLowerCase().replace(/[^a-z0-9-]/g, "-");
