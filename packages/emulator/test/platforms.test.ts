/// <reference types="node" />
/**
 * Emulated platform issuers: each token carries the platform's documented claims, `sub` grammar, algorithm and
 * lifetime; each issuer serves discovery and JWKS at its documented paths so the verifier every emulated cloud
 * uses accepts it; GitHub's token request endpoint answers `@actions/core`'s exact request; Fly's Machine API
 * answers a raw JWT; and AWS STS accepts a GitHub token with trust pinned to immutable ids.
 */
import { AssumeRoleWithWebIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { decodeJwt, decodeProtectedHeader } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Emulator,
  IssuerVerifier,
  type PlatformIssuers,
  platformsOf,
  startEmulator,
} from "../src/index.js";
import { testClock } from "./aws-fixture.js";

const clock = testClock(Date.UTC(2026, 11, 7, 1, 0, 0));
let emulator: Emulator;
let platforms: PlatformIssuers;
const job = { owner: "octo-org", ownerId: "123456", repo: "octo-repo", repoId: "456789" };

beforeAll(async () => {
  emulator = await startEmulator({ platforms: {} }, { now: clock.now });
  platforms = platformsOf(emulator);
});
afterAll(() => emulator.stop());

const nowSeconds = () => Math.floor(clock.ms / 1000);

describe("GitHub Actions", () => {
  it("mints the immutable-id subject with the documented header, claims and 5-minute life", async () => {
    const token = await platforms.mint(
      "github-actions",
      { ...job, immutable: true },
      { audience: "sts.amazonaws.com" },
    );
    expect(decodeProtectedHeader(token)).toMatchObject({
      alg: "RS256",
      typ: "JWT",
      kid: expect.any(String),
      x5t: expect.any(String),
    });
    const claims = decodeJwt(token);
    expect(claims).toMatchObject({
      iss: platforms.issuer("github-actions"),
      sub: "repo:octo-org@123456/octo-repo@456789:ref:refs/heads/main",
      repository: "octo-org/octo-repo",
      repository_id: "456789",
      repository_owner_id: "123456",
      ref_type: "branch",
      iat: nowSeconds(),
      nbf: nowSeconds() - 600,
      exp: nowSeconds() + 300,
    });
  });

  it("follows the legacy grammar: environment wins over pull_request, which wins over ref; ':' is escaped", async () => {
    const sub = async (extra: object) =>
      decodeJwt(await platforms.mint("github-actions", { ...job, ...extra })).sub;
    expect(await sub({ environment: "Production:V1", eventName: "pull_request" })).toBe(
      "repo:octo-org/octo-repo:environment:Production%3AV1",
    );
    expect(await sub({ eventName: "pull_request" })).toBe("repo:octo-org/octo-repo:pull_request");
    expect(await sub({ ref: "refs/tags/v1" })).toBe("repo:octo-org/octo-repo:ref:refs/tags/v1");
  });

  it("answers @actions/core's request (URL + &audience=, bearer) with { value }, default audience the owner URL", async () => {
    const env = platforms.githubActionsJob({ ...job, immutable: true });
    const get = (url: string, bearer: string) =>
      fetch(url, { headers: { authorization: `Bearer ${bearer}`, accept: "application/json" } });
    const withAudience = await get(
      `${env.ACTIONS_ID_TOKEN_REQUEST_URL}&audience=${encodeURIComponent("api://AzureADTokenExchange")}`,
      env.ACTIONS_ID_TOKEN_REQUEST_TOKEN,
    );
    const { value } = (await withAudience.json()) as { value: string };
    expect(decodeJwt(value)).toMatchObject({
      aud: "api://AzureADTokenExchange",
      sub: "repo:octo-org@123456/octo-repo@456789:ref:refs/heads/main",
    });
    const plain = (await (
      await get(env.ACTIONS_ID_TOKEN_REQUEST_URL, env.ACTIONS_ID_TOKEN_REQUEST_TOKEN)
    ).json()) as { value: string };
    expect(decodeJwt(plain.value).aud).toBe("https://github.com/octo-org");
    expect((await get(env.ACTIONS_ID_TOKEN_REQUEST_URL, "emu-actions-forged")).status).toBe(401);
  });

  it("is accepted by AWS STS with ids pinned and names wildcarded, and refused for another repository id", async () => {
    const issuer = platforms.issuer("github-actions");
    const provider = emulator.aws.createOpenIdConnectProvider({
      url: issuer,
      clientIds: ["sts.amazonaws.com"],
    });
    const role = emulator.aws.putRole({
      name: "gha",
      trustPolicy: {
        Version: "2012-10-17",
        Statement: {
          Effect: "Allow",
          Principal: { Federated: provider.arn },
          Action: "sts:AssumeRoleWithWebIdentity",
          Condition: {
            StringEquals: { [`${provider.hostPath}:aud`]: "sts.amazonaws.com" },
            StringLike: { [`${provider.hostPath}:sub`]: "repo:*@123456/*@456789:ref:refs/heads/main" },
          },
        },
      },
    });
    const sts = new STSClient({
      endpoint: emulator.urls.sts,
      region: "us-east-1",
      credentials: { accessKeyId: "x", secretAccessKey: "x" },
    });
    const assume = async (repoId: string, repo = "octo-repo") =>
      sts.send(
        new AssumeRoleWithWebIdentityCommand({
          RoleArn: role.arn,
          RoleSessionName: "ci",
          WebIdentityToken: await platforms.mint(
            "github-actions",
            { ...job, repo, repoId, immutable: true },
            { audience: "sts.amazonaws.com" },
          ),
        }),
      );
    expect((await assume("456789", "renamed-repo")).Credentials?.AccessKeyId).toMatch(/^ASIA/);
    await expect(assume("999999")).rejects.toMatchObject({ name: "AccessDenied" });
  });
});

describe("other platforms", () => {
  it("GitLab CI: project_path/ref_type/ref subject, nbf 5 s early, expiry at the job timeout", async () => {
    const claims = decodeJwt(
      await platforms.mint(
        "gitlab-ci",
        {
          projectPath: "my-group/my-project",
          projectId: "20",
          namespaceId: "72",
          ref: "feature-branch-1",
          timeoutSeconds: 3600,
        },
        { audience: "https://vault.example" },
      ),
    );
    expect(claims).toMatchObject({
      sub: "project_path:my-group/my-project:ref_type:branch:ref:feature-branch-1",
      namespace_path: "my-group",
      ref_path: "refs/heads/feature-branch-1",
      nbf: nowSeconds() - 5,
      exp: nowSeconds() + 3600,
    });
  });

  it("Vercel: team-scoped issuer, owner/project/environment subject, user_id only in development", async () => {
    const deployment = { team: "acme", teamId: "team_1", project: "site", projectId: "prj_1", userId: "u1" };
    const production = decodeJwt(
      await platforms.mint("vercel", { ...deployment, environment: "production" }),
    );
    expect(production).toMatchObject({
      iss: platforms.issuer("vercel", "acme"),
      aud: "https://vercel.com/acme",
      sub: "owner:acme:project:site:environment:production",
      exp: nowSeconds() + 7200,
    });
    expect(production["user_id"]).toBeUndefined();
    expect(
      decodeJwt(await platforms.mint("vercel", { ...deployment, environment: "development" }))["user_id"],
    ).toBe("u1");
  });

  it("Deno Deploy: ES256 by default, RS256 on request, 5-minute tokens with nbf a minute early", async () => {
    const revision = {
      orgSlug: "deno",
      orgId: "o1",
      appSlug: "astro-app",
      appId: "a1",
      contextName: "production",
      contextId: "c1",
    };
    const token = await platforms.mint("deno-deploy", revision, { audience: "https://example.com/" });
    expect(decodeProtectedHeader(token).alg).toBe("ES256");
    expect(decodeJwt(token)).toMatchObject({
      sub: "deployment:deno/astro-app/production",
      nbf: nowSeconds() - 60,
      exp: nowSeconds() + 300,
    });
    expect(
      decodeProtectedHeader(await platforms.mint("deno-deploy", revision, { audience: "x", alg: "RS256" }))
        .alg,
    ).toBe("RS256");
  });

  it("Cloudflare Workers signs ES256 by default, RS256 as an option, and nothing else", async () => {
    const worker = { accountId: "acc1", workerId: "w-immutable-1", workerName: "api" };
    expect(
      decodeProtectedHeader(await platforms.mint("cloudflare-workers", worker, { audience: "a" })).alg,
    ).toBe("ES256");
    expect(
      decodeProtectedHeader(
        await platforms.mint("cloudflare-workers", worker, { audience: "a", alg: "RS256" }),
      ).alg,
    ).toBe("RS256");
    await expect(
      platforms.mint("cloudflare-workers", worker, { audience: "a", alg: "ES384" }),
    ).rejects.toThrow(/ES256, RS256/);
  });

  it("Fly.io: the Machine API answers a raw JWT for the requested audience", async () => {
    const { apiUrl } = platforms.flyMachine({
      org: "example-org",
      orgId: "1",
      app: "example-app",
      appId: "2",
      machine: "example-machine",
      machineId: "148e21ea7e46e8",
    });
    const response = await fetch(`${apiUrl}/v1/tokens/oidc`, {
      method: "POST",
      body: JSON.stringify({ aud: "sts.amazonaws.com" }),
    });
    const token = await response.text();
    expect(decodeJwt(token)).toMatchObject({
      iss: platforms.issuer("fly-io", "example-org"),
      aud: "sts.amazonaws.com",
      sub: "example-org:example-app:example-machine",
      exp: nowSeconds() + 600,
    });
  });

  it("Kubernetes: system:serviceaccount subject, kubernetes.io claims, aud array, one hour", async () => {
    const claims = decodeJwt(
      await platforms.mint("kubernetes", {
        namespace: "my-namespace",
        serviceAccount: "my-serviceaccount",
        pod: { name: "my-pod", uid: "p1" },
      }),
    );
    expect(claims).toMatchObject({
      sub: "system:serviceaccount:my-namespace:my-serviceaccount",
      aud: ["https://kubernetes.default.svc.cluster.local"],
      exp: nowSeconds() + 3600,
      "kubernetes.io": { namespace: "my-namespace", pod: { name: "my-pod" } },
    });
  });

  it("AWS GetWebIdentityToken shape: principal ARN subject, AWS claims under https://sts.amazonaws.com/", async () => {
    const token = await platforms.mint(
      "aws",
      {
        accountId: "123456789012",
        principalArn: "arn:aws:iam::123456789012:role/DataProcessingRole",
        requestTags: { job: "1" },
      },
      { audience: "https://api.example.com", alg: "ES384" },
    );
    expect(decodeProtectedHeader(token).alg).toBe("ES384");
    expect(decodeJwt(token)).toMatchObject({
      iss: platforms.issuer("aws", "123456789012"),
      sub: "arn:aws:iam::123456789012:role/DataProcessingRole",
      "https://sts.amazonaws.com/": { aws_account: "123456789012", request_tags: { job: "1" } },
    });
  });

  it("every platform's issuer serves discovery and JWKS that the clouds' verifier accepts", async () => {
    const verifier = new IssuerVerifier({ now: clock.now });
    const tokens = [
      platforms.mint("github-actions", job),
      platforms.mint(
        "gitlab-ci",
        { projectPath: "g/p", projectId: "1", namespaceId: "1" },
        { audience: "a" },
      ),
      platforms.mint("vercel", {
        team: "acme",
        teamId: "t",
        project: "p",
        projectId: "p",
        environment: "preview",
      }),
      platforms.mint(
        "deno-deploy",
        { orgSlug: "o", orgId: "o", appSlug: "a", appId: "a", contextName: "c", contextId: "c" },
        { audience: "a" },
      ),
      platforms.mint(
        "cloudflare-workers",
        { accountId: "acc", workerId: "w", workerName: "n" },
        { audience: "a" },
      ),
      platforms.mint("fly-io", { org: "o", orgId: "1", app: "a", appId: "1", machine: "m", machineId: "1" }),
      platforms.mint("kubernetes", { namespace: "n", serviceAccount: "s" }),
      platforms.mint(
        "aws",
        { accountId: "123456789012", principalArn: "arn:aws:iam::123456789012:role/r" },
        { audience: "a", alg: "ES384" },
      ),
    ];
    for (const token of await Promise.all(tokens)) {
      const { payload } = await verifier.verify(token, { algorithms: ["RS256", "ES256", "ES384"] });
      expect(payload.iss).toBe(decodeJwt(token).iss);
    }
    const deno = await fetch(`${platforms.issuer("deno-deploy")}/.well-known/openid-configuration`);
    expect(((await deno.json()) as { jwks_uri: string }).jwks_uri).toBe(
      `${platforms.issuer("deno-deploy")}/.well-known/jwks.json`,
    );
    const k8s = await fetch(`${platforms.issuer("kubernetes")}/.well-known/openid-configuration`);
    expect(((await k8s.json()) as { jwks_uri: string }).jwks_uri).toBe(
      `${platforms.issuer("kubernetes")}/openid/v1/jwks`,
    );
  });

  it("a key of one platform does not verify another platform's token", async () => {
    const forged = await platforms.mint(
      "gitlab-ci",
      { projectPath: "g/p", projectId: "1", namespaceId: "1" },
      { audience: "a", claims: { iss: platforms.issuer("github-actions") } },
    );
    await expect(new IssuerVerifier({ now: clock.now }).verify(forged)).rejects.toMatchObject({
      reason: "kid_not_found",
    });
  });
});
