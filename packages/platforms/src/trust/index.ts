/**
 * `@fedkit/platforms/trust`: what to configure on AWS, GCP and Azure so a platform's tokens are trusted, for
 * every platform `@fedkit/platforms` has a source for (GitHub Actions, GitLab CI, Vercel, Deno Deploy,
 * Cloudflare Workers, Fly.io, Kubernetes, AWS outbound federation). Pure: it computes, it calls nothing. A
 * subpath of its own because it needs the clouds' identity rules (`@fedkit/gcp`'s pool ids, `@fedkit/aws`'s
 * policy types): the main entry and the runtime adapters load only core and the issuer, as every adapter does.
 *
 * @packageDocumentation
 */

export { type AwsOutboundIdentity, awsOutboundTrust } from "./aws-outbound.js";
export { cloudflareWorkersTrust, type WorkersIdentity } from "./cloudflare-workers.js";
export { type DenoDeployIdentity, denoDeployTrust } from "./deno-deploy.js";
export { type FlyIdentity, flyTrust } from "./fly-io.js";
export { GITHUB_ACTIONS_ISSUER, type GithubActionsIdentity, githubActionsTrust } from "./github-actions.js";
export { type GitlabCiIdentity, gitlabCiTrust } from "./gitlab-ci.js";
export { type KubernetesIdentity, kubernetesTrust } from "./kubernetes.js";
export {
  type ContextIsolation,
  type PlatformTrust,
  type PlatformTrustSpec,
  platformTrust,
} from "./platform-trust.js";
export { type VercelIdentity, vercelTrust } from "./vercel.js";
