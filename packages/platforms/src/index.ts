/**
 * `@fedkit/platforms`: subject-token sources and trust generation for platforms that issue OIDC tokens
 * (GitHub Actions, GitLab CI, Vercel, Deno Deploy, Cloudflare Workers, Fly.io, Kubernetes, AWS outbound
 * federation). Edge-safe: `fetch` and WebCrypto only; Node-only helpers live in `@fedkit/platforms/node`,
 * runtime adapters in `./cloudflare-workers`, `./vercel`, `./deno-deploy`, `./hono`.
 *
 * @packageDocumentation
 */

export { type AwsOutboundIdentity, awsOutboundTrust } from "./aws-outbound-trust.js";
export { type RequestBinding, type RequestFederation, requestFederation } from "./bound.js";
export {
  cloudflareWorkersTrust,
  type OidcTokenBinding,
  WORKERS_ALGORITHMS_BY_CLOUD,
  type WorkersAlgorithm,
  type WorkersIdentity,
  workersOidcToken,
  workersOidcTokens,
} from "./cloudflare-workers.js";
export {
  type DenoDeployIdentity,
  type DenoGetIdToken,
  denoDeployToken,
  denoDeployTrust,
} from "./deno-deploy.js";
export { type FlyIdentity, type FlyMachineTokenOptions, flyMachineToken, flyTrust } from "./fly-io.js";
export { type GithubActionsTokenOptions, githubActionsToken } from "./github-actions.js";
export { GITHUB_ACTIONS_ISSUER, type GithubActionsIdentity, githubActionsTrust } from "./github-trust.js";
export { type GitlabCiIdentity, gitlabCiToken, gitlabCiTrust } from "./gitlab-ci.js";
export { type KubernetesIdentity, kubernetesTrust } from "./kubernetes.js";
export type { AdapterFederationOptions } from "./shared-federation.js";
export type { EnvInput } from "./source.js";
export { type ContextIsolation, type PlatformTrust, type PlatformTrustSpec, platformTrust } from "./trust.js";
export {
  VERCEL_OIDC_HEADER,
  type VercelIdentity,
  type VercelTokenOptions,
  vercelToken,
  vercelTrust,
} from "./vercel.js";
