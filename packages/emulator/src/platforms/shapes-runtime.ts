import type {
  AwsPrincipal,
  CloudflareWorker,
  DenoDeployRevision,
  FlyMachine,
  KubernetesServiceAccount,
  Shape,
  VercelDeployment,
} from "./shapes.js";

/** Vercel team-mode token (`iss` = `https://oidc.vercel.com/<team>`, default `aud` `https://vercel.com/<team>`). @internal */
export function vercelShape(deployment: VercelDeployment): Shape {
  return {
    issuerScope: deployment.team,
    defaultAudience: `https://vercel.com/${deployment.team}`,
    nbfOffset: 0,
    // Function tokens for preview and production: two hours (quoted reference; development tokens 12 h).
    ttlSeconds: deployment.environment === "development" ? 12 * 3600 : 2 * 3600,
    claims: {
      sub: `owner:${deployment.team}:project:${deployment.project}:environment:${deployment.environment}`,
      owner: deployment.team,
      owner_id: deployment.teamId,
      project: deployment.project,
      project_id: deployment.projectId,
      environment: deployment.environment,
      ...(deployment.environment === "development" && deployment.userId
        ? { user_id: deployment.userId }
        : {}),
    },
  };
}

/** Deno Deploy: 5-minute tokens, `nbf` one minute before `iat`. @internal */
export function denoDeployShape(revision: DenoDeployRevision): Shape {
  return {
    defaultAudience: undefined,
    nbfOffset: -60,
    ttlSeconds: 300,
    claims: {
      sub: `deployment:${revision.orgSlug}/${revision.appSlug}/${revision.contextName}`,
      org_id: revision.orgId,
      org_slug: revision.orgSlug,
      app_id: revision.appId,
      app_slug: revision.appSlug,
      context_id: revision.contextId,
      context_name: revision.contextName,
      revision_id: revision.revisionId ?? "rev1",
      deployment_id: crypto.randomUUID().replaceAll("-", "").slice(0, 12),
    },
  };
}

/**
 * Cloudflare Workers `oidc_tokens`: only the algorithm (ES256 default, RS256 option) and "the subject contains
 * the Worker's immutable ID" are documented; the issuer path, `sub` grammar, claims and lifetime here are the
 * emulator's own placeholders, labelled as such in docs/emulator.md.
 * @internal
 */
export function cloudflareWorkersShape(worker: CloudflareWorker): Shape {
  return {
    issuerScope: worker.accountId,
    defaultAudience: undefined,
    nbfOffset: 0,
    ttlSeconds: 300,
    claims: {
      sub: `worker:${worker.workerId}`,
      account_id: worker.accountId,
      worker_name: worker.workerName,
    },
  };
}

/** Fly.io Machine token (`iss` = `https://oidc.fly.io/<org>`, `sub` = `<org>:<app>:<machine>`). @internal */
export function flyShape(machine: FlyMachine): Shape {
  return {
    issuerScope: machine.org,
    defaultAudience: `https://fly.io/${machine.org}`,
    nbfOffset: 0,
    ttlSeconds: 600,
    claims: {
      sub: `${machine.org}:${machine.app}:${machine.machine}`,
      app_id: machine.appId,
      app_name: machine.app,
      image: machine.image ?? "registry.fly.io/app:latest",
      image_digest: `sha256:${"0".repeat(64)}`,
      machine_id: machine.machineId,
      machine_name: machine.machine,
      machine_version: "01HTGGC1TZ2JHK83J4AC0R3VET",
      org_id: machine.orgId,
      org_name: machine.org,
      region: machine.region ?? "sea",
    },
  };
}

/** Kubernetes Pod-bound service-account token (1 h default, `aud` an array). @internal */
export function kubernetesShape(account: KubernetesServiceAccount): Shape {
  return {
    defaultAudience: ["https://kubernetes.default.svc.cluster.local"],
    nbfOffset: 0,
    ttlSeconds: 3600,
    claims: {
      sub: `system:serviceaccount:${account.namespace}:${account.serviceAccount}`,
      "kubernetes.io": {
        namespace: account.namespace,
        ...(account.node ? { node: account.node } : {}),
        ...(account.pod ? { pod: account.pod } : {}),
        serviceaccount: {
          name: account.serviceAccount,
          uid: account.serviceAccountUid ?? crypto.randomUUID(),
        },
      },
    },
  };
}

/** AWS `GetWebIdentityToken`: `sub` = principal ARN, AWS claims under the `https://sts.amazonaws.com/` key. @internal */
export function awsShape(principal: AwsPrincipal): Shape {
  return {
    issuerScope: principal.accountId,
    defaultAudience: undefined,
    nbfOffset: undefined,
    ttlSeconds: 300,
    claims: {
      sub: principal.principalArn,
      "https://sts.amazonaws.com/": {
        aws_account: principal.accountId,
        source_region: principal.region ?? "us-east-1",
        ...(principal.principalTags ? { principal_tags: principal.principalTags } : {}),
        ...(principal.requestTags ? { request_tags: principal.requestTags } : {}),
      },
    },
  };
}
