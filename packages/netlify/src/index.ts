/**
 * `@fedkit/netlify`: the site as its own per-deploy-context OIDC issuer, edge-function and function wrappers
 * that hand handlers ready cloud clients, role mappings as guardrails, and trust-policy generation.
 *
 * @packageDocumentation
 */
export * from "./issuer/index.js";
