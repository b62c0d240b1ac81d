// What the SaaS plugins (`@fedkit/netlify/openai`, `/anthropic`, `/openrouter`) share: the target fields and the
// client options (their trust lives in `@fedkit/netlify/trust`). Reached only from those subpaths, so the main entry
// never pulls in @fedkit/oauth.
import type { FetchFn, ServiceFetchOptions } from "@fedkit/oauth";
import type { TargetConfig } from "../config.js";

/** Fields every SaaS target may set. @public */
export interface SaasTargetConfig extends TargetConfig {
  /** Exact origins outside the service's hosts that may receive the subject token and the bearer (the emulator). */
  readonly allowedOrigins?: readonly string[];
}

export function clientOptions(target: SaasTargetConfig, fetch: unknown): ServiceFetchOptions {
  return {
    ...(target.allowedOrigins === undefined ? {} : { allowedOrigins: target.allowedOrigins }),
    ...(fetch === undefined ? {} : { fetch: fetch as FetchFn }),
  };
}
