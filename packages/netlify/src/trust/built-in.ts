import type { TrustInput } from "../clouds/types.js";
import { awsTrustPolicy } from "./aws.js";
import { azureTrustPolicy } from "./azure.js";
import { gcpTrustPolicy } from "./gcp.js";
import { anthropicTrustPolicy, openaiTrustPolicy, openrouterTrustPolicy } from "./saas.js";

/**
 * fedkit's trust generators, by the `cloud` of the built-in plugin they belong to. They are kept off the plugins so
 * that edge functions, which import the plugins through the site's config, never bundle them (Netlify's edge
 * bundler keeps every export of a package it includes).
 * @internal
 */
export const BUILT_IN_TRUST: Readonly<Record<string, (input: TrustInput) => unknown>> = Object.freeze({
  aws: awsTrustPolicy as (input: TrustInput) => unknown,
  gcp: gcpTrustPolicy as (input: TrustInput) => unknown,
  azure: azureTrustPolicy as (input: TrustInput) => unknown,
  openai: openaiTrustPolicy as (input: TrustInput) => unknown,
  anthropic: anthropicTrustPolicy as (input: TrustInput) => unknown,
  openrouter: openrouterTrustPolicy as (input: TrustInput) => unknown,
});
