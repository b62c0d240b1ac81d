/// <reference types="node" />
/**
 * The other platforms' sources and trust against the emulated issuers and clouds: each platform's token, fetched
 * the platform's way, is accepted by the trust fedkit generates, and a neighbouring identity (another
 * environment, app, project or role) is refused. Vercel's expiry is caught before any cloud sees the token.
 */
import { awsProvider, awsWebIdentityToken } from "@fedkit/aws";
import { createFederation, staticToken } from "@fedkit/core";
import { memoryAudit } from "@fedkit/core/audit";
import { type Emulator, platformsOf } from "@fedkit/emulator";
import { BODY, readAll, registerTrust, startClouds } from "@fedkit/test-support/clouds";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { denoDeployToken, flyMachineToken, gitlabCiToken, vercelToken } from "../src/index.js";
import {
  awsOutboundTrust,
  denoDeployTrust,
  flyTrust,
  gitlabCiTrust,
  kubernetesTrust,
  vercelTrust,
} from "../src/trust/index.js";

let emulator: Emulator;
const now = Date.now;
beforeAll(async () => {
  emulator = await startClouds();
});
afterAll(() => emulator?.stop());

const p = () => platformsOf(emulator);
const ok = { aws: BODY, gcp: BODY, azure: "entra-token" };

describe("GitLab CI", () => {
  const job = { projectPath: "acme/reports", projectId: "42", namespaceId: "7", ref: "main" };
  it("reads on all three clouds with the id_tokens variable; another ref is refused; a wrong aud is caught here", async () => {
    const trust = gitlabCiTrust({ ...job, issuer: p().issuer("gitlab-ci") });
    const registered = registerTrust(emulator, trust);
    // The job's id_tokens variable, minted per audience as GitLab does for one `aud` per variable.
    const source = (input: object) => ({
      name: "gitlab-ci:FEDKIT_ID_TOKEN",
      getToken: async (request: { audience: string; now: () => number }) =>
        gitlabCiToken("FEDKIT_ID_TOKEN", {
          env: {
            FEDKIT_ID_TOKEN: await p().mint(
              "gitlab-ci",
              { ...job, ...input },
              { audience: request.audience },
            ),
          },
        }).getToken(request),
    });
    expect(await readAll(emulator, registered, source({}))).toEqual(ok);
    const other = await readAll(emulator, registered, source({ ref: "feature" }));
    expect(other.aws).not.toBe(BODY);
    expect(other.gcp).not.toBe(BODY);
    expect(other.azure).toMatch(/^error:/);
    const wrongAud = gitlabCiToken("T", {
      env: { T: await p().mint("gitlab-ci", job, { audience: "https://gitlab.com" }) },
    });
    await expect(wrongAud.getToken({ audience: "sts.amazonaws.com", now })).rejects.toMatchObject({
      code: "audience_mismatch",
    });
    await expect(gitlabCiToken("T", { env: {} }).getToken({ audience: "a", now })).rejects.toMatchObject({
      tryNextSource: true,
    });
  });
});

describe("Vercel", () => {
  const deployment = {
    team: "acme",
    teamId: "team_1",
    project: "reports",
    projectId: "prj_1",
    environment: "production",
  };
  it("takes the per-request header (team audience, production subject): reads all three clouds; a preview token is refused by production trust", async () => {
    const registered = registerTrust(
      emulator,
      vercelTrust({ ...deployment, issuer: p().issuer("vercel", "acme") }),
    );
    const request = async (environment: string) =>
      new Request("https://reports.vercel.app/", {
        headers: { "x-vercel-oidc-token": await p().mint("vercel", { ...deployment, environment }) },
      });
    // Vercel tokens carry one audience per team (`https://vercel.com/<team>`): the trust must accept it.
    const prod = await request("production");
    const token = await vercelToken({ request: prod }).getToken({ audience: "sts.amazonaws.com", now });
    expect(token.claims.aud).toBe("https://vercel.com/acme");
    expect(token.claims.sub).toBe("owner:acme:project:reports:environment:production");
    // The trust names that one audience on every cloud (provider client id, allowed audiences, credential).
    expect(await readAll(emulator, registered, vercelToken({ request: prod }))).toEqual({
      aws: BODY,
      gcp: BODY,
      azure: "entra-token",
    });
    const preview = await readAll(emulator, registered, vercelToken({ request: await request("preview") }));
    expect(preview.aws).toBe("error:access_denied:AccessDenied");
    expect(preview.gcp).not.toBe(BODY);
    expect(preview.azure).toMatch(/^error:/);
  });

  it("refuses a token about to expire, says it cannot be refreshed, and never puts the token in the error", async () => {
    const raw = await p().mint("vercel", deployment, { claims: { exp: Math.floor(Date.now() / 1000) + 30 } });
    const error = await vercelToken({ env: { VERCEL_OIDC_TOKEN: raw } })
      .getToken({ audience: "sts.amazonaws.com", now })
      .catch((e: Error) => e);
    expect(error).toMatchObject({
      code: "expired_subject_token",
      hint: expect.stringContaining("cannot refresh"),
    });
    expect(JSON.stringify({ ...error, message: (error as Error).message })).not.toContain(raw.split(".")[2]!);
    const fresh = await p().mint("vercel", deployment);
    await expect(
      vercelToken({ env: { VERCEL_OIDC_TOKEN: fresh } }).getToken({ audience: "x", now }),
    ).resolves.toMatchObject({
      trust: "unverified",
    });
    await expect(vercelToken({ env: {} }).getToken({ audience: "x", now })).rejects.toMatchObject({
      tryNextSource: true,
    });
  });
});

describe("Deno Deploy", () => {
  const revision = {
    orgSlug: "acme",
    orgId: "o1",
    appSlug: "reports",
    appId: "a1",
    contextName: "production",
    contextId: "c1",
  };
  it("calls the user's getIdToken with each cloud's audience (ES256 and RS256 alike); another context is refused", async () => {
    const registered = registerTrust(
      emulator,
      denoDeployTrust({
        org: "acme",
        app: "reports",
        appId: "a1",
        context: "production",
        issuer: p().issuer("deno-deploy"),
      }),
    );
    const asked: string[] = [];
    const getIdToken = (input: object, alg: "ES256" | "RS256") => async (audience: string) => {
      asked.push(audience);
      return p().mint("deno-deploy", { ...revision, ...input }, { audience, alg });
    };
    const rs = await readAll(emulator, registered, denoDeployToken(getIdToken({}, "RS256")));
    expect(rs).toEqual(ok);
    expect(asked).toContain("sts.amazonaws.com");
    expect(asked).toContain("api://AzureADTokenExchange");
    const es = await readAll(emulator, registered, denoDeployToken(getIdToken({}, "ES256")));
    expect(es.aws).toBe(BODY);
    expect(es.gcp).toBe(BODY);
    expect(es.azure).toMatch(/^error:/); // Entra accepts RS256 only
    const preview = await readAll(
      emulator,
      registered,
      denoDeployToken(getIdToken({ contextName: "preview", contextId: "c2" }, "RS256")),
    );
    expect(preview).not.toEqual(ok);
    expect(preview.aws).not.toBe(BODY);
  });
});

describe("Fly.io", () => {
  const machine = { org: "acme", orgId: "o1", app: "reports", appId: "a1", machine: "m1", machineId: "3" };
  it("gets the Machine's token from the Machines API and reads S3 and GCS as any Machine of the app", async () => {
    const registered = registerTrust(
      emulator,
      flyTrust({
        org: "acme",
        orgId: "o1",
        app: "reports",
        appId: "a1",
        issuer: p().issuer("fly-io", "acme"),
      }),
    );
    const { apiUrl } = p().flyMachine(machine);
    const reads = await readAll(
      emulator,
      registered,
      flyMachineToken({ fetch: (url, init) => fetch(url, init), apiUrl }),
    );
    expect(reads.aws).toBe(BODY);
    expect(reads.gcp).toBe(BODY);
    expect(reads.azure).toMatch(/^error:/); // no single exact subject for Entra
    const other = p().flyMachine({ ...machine, app: "billing", appId: "a2", machine: "m2", machineId: "4" });
    const refused = await readAll(
      emulator,
      registered,
      flyMachineToken({ fetch: (url, init) => fetch(url, init), apiUrl: other.apiUrl }),
    );
    expect(refused.aws).not.toBe(BODY);
    expect(refused.gcp).not.toBe(BODY);
  });
});

describe("Kubernetes", () => {
  it("trusts one service account on all three clouds; another namespace is refused", async () => {
    const registered = registerTrust(
      emulator,
      kubernetesTrust({ issuer: p().issuer("kubernetes"), namespace: "prod", serviceAccount: "reports" }),
    );
    const source = (namespace: string) => ({
      name: "file",
      getToken: async ({ audience }: { audience: string }) =>
        (await import("@fedkit/core/provider")).decodeSubjectToken(
          await p().mint("kubernetes", { namespace, serviceAccount: "reports" }, { audience }),
        ),
    });
    expect(await readAll(emulator, registered, source("prod"))).toEqual(ok);
    const other = await readAll(emulator, registered, source("staging"));
    expect(other.aws).not.toBe(BODY);
    expect(other.gcp).not.toBe(BODY);
    expect(other.azure).toMatch(/^error:/);
  });
});

describe("AWS outbound identity federation", () => {
  it("an AWS role gets a GetWebIdentityToken JWT (SigV4 with its own credentials) and reads GCS and gets an Entra token with no key", async () => {
    const reader = emulator.aws.putRole({
      name: "outbound-reader",
      trustPolicy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: {
              Federated: emulator.aws.createOpenIdConnectProvider({
                url: emulator.urls.idp,
                clientIds: ["sts.amazonaws.com"],
              }).arn,
            },
            Action: "sts:AssumeRoleWithWebIdentity",
          },
        ],
      },
      permissionPolicies: [
        {
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Action: "sts:GetWebIdentityToken", Resource: "*" }],
        },
      ],
    });
    // The workload's own role credentials (what a Lambda or ECS task has in its environment).
    const workload = await createFederation({
      source: staticToken(await emulator.idp.mint({ sub: "w", aud: "sts.amazonaws.com" })),
      audit: memoryAudit(),
    }).getCredentials(
      awsProvider({
        roleArn: reader.arn,
        region: "us-east-1",
        endpoint: emulator.urls.sts,
        allowCustomEndpoint: true,
      }),
    );
    const credentials = {
      accessKeyId: workload.accessKeyId,
      secretAccessKey: workload.secretAccessKey,
      sessionToken: workload.sessionToken,
    };
    const source = awsWebIdentityToken({
      region: "us-east-1",
      endpoint: emulator.urls.sts,
      allowCustomEndpoint: true,
      credentials: () => credentials,
    });
    const probe = await source.getToken({ audience: "api://AzureADTokenExchange", now });
    const registered = registerTrust(
      emulator,
      awsOutboundTrust({ issuer: String(probe.claims.iss), roleArn: String(probe.claims.sub) }),
    );
    const reads = await readAll(emulator, registered, source);
    expect(reads.gcp).toBe(BODY);
    expect(reads.azure).toBe("entra-token");
    const forged = awsWebIdentityToken({
      region: "us-east-1",
      endpoint: emulator.urls.sts,
      allowCustomEndpoint: true,
      credentials: () => ({ ...credentials, secretAccessKey: "wrong" }),
    });
    const error = await forged.getToken({ audience: "x", now }).catch((e: { code: string }) => e);
    expect(error).toMatchObject({ provider: "aws" });
    expect(JSON.stringify(error)).not.toContain(credentials.sessionToken);
    expect(() =>
      awsWebIdentityToken({
        region: "us-east-1",
        endpoint: emulator.urls.sts,
        credentials: () => credentials,
      }),
    ).toThrow(/allowCustomEndpoint/);
  });
});
