/**
 * The claim sets and `sub` grammars of each platform's OIDC tokens, as their public docs show them (sources and
 * gaps in docs/emulator.md, "Platform issuers"). Pure functions: the issuer adds `iss`, signs, and serves keys.
 *
 * @packageDocumentation
 */

/** Platforms whose tokens the emulator can mint. @public */
export type PlatformName =
  | "github-actions"
  | "gitlab-ci"
  | "vercel"
  | "deno-deploy"
  | "cloudflare-workers"
  | "fly-io"
  | "kubernetes"
  | "aws";

/** A GitHub Actions job. `immutable` selects the `repo:OWNER@OWNER-ID/REPO@REPO-ID:…` subject. @public */
export interface GithubActionsJob {
  owner: string;
  ownerId: string;
  repo: string;
  repoId: string;
  /** Default `refs/heads/main`. */
  ref?: string;
  /** A job referencing an environment gets `:environment:<name>` (it wins over pull_request and ref). */
  environment?: string;
  /** Default `push`; `pull_request` gives `:pull_request` when there is no environment. */
  eventName?: string;
  immutable?: boolean;
  actor?: string;
  actorId?: string;
  sha?: string;
  workflow?: string;
  /** Default `<owner>/<repo>/.github/workflows/ci.yml@<ref>`. */
  jobWorkflowRef?: string;
  visibility?: "public" | "private" | "internal";
}

/** A GitLab CI job (`id_tokens`). @public */
export interface GitlabCiJob {
  /** `group/project`. */
  projectPath: string;
  projectId: string;
  namespaceId: string;
  /** Default `main`. */
  ref?: string;
  refType?: "branch" | "tag";
  refProtected?: boolean;
  environment?: string;
  /** Job timeout in seconds; the token expires then (default 300, GitLab's 5 minutes). */
  timeoutSeconds?: number;
  userLogin?: string;
  pipelineSource?: string;
}

/** A Vercel deployment (team issuer mode). @public */
export interface VercelDeployment {
  team: string;
  teamId: string;
  project: string;
  projectId: string;
  /** `production`, `preview`, `development` or a custom environment slug. */
  environment: string;
  /** Only development tokens carry it. */
  userId?: string;
}

/** A Deno Deploy revision. @public */
export interface DenoDeployRevision {
  orgSlug: string;
  orgId: string;
  appSlug: string;
  appId: string;
  contextName: string;
  contextId: string;
  revisionId?: string;
}

/** A Cloudflare Worker (issuer, `sub` and claims are NOT documented; see docs/emulator.md). @public */
export interface CloudflareWorker {
  accountId: string;
  /** The Worker's immutable id (the docs say the subject contains it). */
  workerId: string;
  workerName: string;
}

/** A Fly.io Machine. @public */
export interface FlyMachine {
  org: string;
  orgId: string;
  app: string;
  appId: string;
  machine: string;
  machineId: string;
  region?: string;
  image?: string;
}

/** A Kubernetes Pod's projected service-account token. @public */
export interface KubernetesServiceAccount {
  namespace: string;
  serviceAccount: string;
  serviceAccountUid?: string;
  pod?: { name: string; uid: string };
  node?: { name: string; uid: string };
}

/** The AWS principal calling `sts:GetWebIdentityToken`. @public */
export interface AwsPrincipal {
  accountId: string;
  /** The IAM role or user ARN (the documented `sub`). */
  principalArn: string;
  region?: string;
  principalTags?: Record<string, string>;
  requestTags?: Record<string, string>;
}

/** What each platform's `mint` takes. @public */
export interface PlatformInputs {
  "github-actions": GithubActionsJob;
  "gitlab-ci": GitlabCiJob;
  vercel: VercelDeployment;
  "deno-deploy": DenoDeployRevision;
  "cloudflare-workers": CloudflareWorker;
  "fly-io": FlyMachine;
  kubernetes: KubernetesServiceAccount;
  aws: AwsPrincipal;
}

/** A shaped token before signing. @internal */
export interface Shape {
  /** Path segment(s) after the platform's own, for per-team/org/account issuers. */
  issuerScope?: string;
  defaultAudience: string | string[] | undefined;
  claims: Record<string, unknown>;
  /** Offsets from `iat` in seconds. */
  nbfOffset: number | undefined;
  ttlSeconds: number;
}

// GitHub escapes ':' in subject metadata as %3A (reference page, "colon escaping").
const escapeColons = (value: string) => value.replaceAll(":", "%3A");

/** @internal */
export function githubActionsShape(job: GithubActionsJob): Shape {
  const ref = job.ref ?? "refs/heads/main";
  const event = job.eventName ?? "push";
  const repoPart = job.immutable
    ? `repo:${job.owner}@${job.ownerId}/${job.repo}@${job.repoId}`
    : `repo:${job.owner}/${job.repo}`;
  const tail =
    job.environment !== undefined
      ? `environment:${escapeColons(job.environment)}`
      : event === "pull_request"
        ? "pull_request"
        : `ref:${escapeColons(ref)}`;
  const repository = `${job.owner}/${job.repo}`;
  return {
    defaultAudience: `https://github.com/${job.owner}`,
    nbfOffset: -600,
    ttlSeconds: 300,
    claims: {
      sub: `${repoPart}:${tail}`,
      ...(job.environment !== undefined ? { environment: job.environment } : {}),
      ref,
      sha: job.sha ?? "0000000000000000000000000000000000000000",
      repository,
      repository_owner: job.owner,
      actor_id: job.actorId ?? "1",
      repository_visibility: job.visibility ?? "private",
      repository_id: job.repoId,
      repository_owner_id: job.ownerId,
      run_id: "1",
      run_number: "1",
      run_attempt: "1",
      runner_environment: "github-hosted",
      actor: job.actor ?? "octocat",
      workflow: job.workflow ?? "ci",
      head_ref: "",
      base_ref: "",
      event_name: event,
      ref_type: ref.startsWith("refs/tags/") ? "tag" : "branch",
      job_workflow_ref: job.jobWorkflowRef ?? `${repository}/.github/workflows/ci.yml@${ref}`,
    },
  };
}

/** @internal */
export function gitlabCiShape(job: GitlabCiJob): Shape {
  const ref = job.ref ?? "main";
  const refType = job.refType ?? "branch";
  const namespace = job.projectPath.split("/").slice(0, -1).join("/");
  return {
    defaultAudience: undefined,
    nbfOffset: -5,
    ttlSeconds: job.timeoutSeconds ?? 300,
    claims: {
      // Default sub components [project_path, ref_type, ref] as `claim:value` pairs (jwt_v2.rb).
      sub: `project_path:${job.projectPath}:ref_type:${refType}:ref:${ref}`,
      namespace_id: job.namespaceId,
      namespace_path: namespace,
      project_id: job.projectId,
      project_path: job.projectPath,
      user_id: "1",
      user_login: job.userLogin ?? "sample-user",
      user_email: `${job.userLogin ?? "sample-user"}@example.com`,
      pipeline_id: "1",
      pipeline_source: job.pipelineSource ?? "push",
      job_id: "1",
      ref,
      ref_type: refType,
      ref_path: `refs/${refType === "tag" ? "tags" : "heads"}/${ref}`,
      ref_protected: String(job.refProtected ?? false),
      runner_id: "1",
      runner_environment: "gitlab-hosted",
      sha: "0000000000000000000000000000000000000000",
      ci_config_ref_uri: `gitlab.com/${job.projectPath}//.gitlab-ci.yml@refs/heads/${ref}`,
      ci_config_sha: "0000000000000000000000000000000000000000",
      project_visibility: "private",
      ...(job.environment !== undefined
        ? { environment: job.environment, environment_protected: "false" }
        : {}),
    },
  };
}
