/// <reference types="node" />
/**
 * GitHub Actions end to end against the emulator: `githubActionsToken` asks the emulated runner endpoint for
 * each cloud's audience, and the trust `githubActionsTrust` generates is accepted by AWS STS, GCP STS and Entra;
 * it survives a rename on AWS and GCP (ids pinned) and breaks on Entra (exact `sub`), and another repository,
 * another branch or another environment is refused on every cloud.
 */
import { type Emulator, platformsOf } from "@fedkit/emulator";
import { BODY, type Registered, readAll, registerTrust, startClouds } from "@fedkit/test-support/clouds";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { githubActionsToken } from "../src/index.js";
import { githubActionsTrust } from "../src/trust/index.js";

const repo = { owner: "octo-org", ownerId: "123456", repo: "octo-repo", repoId: "456789" };
let emulator: Emulator;
let registered: Registered;

beforeAll(async () => {
  emulator = await startClouds();
  const issuer = platformsOf(emulator).issuer("github-actions");
  registered = registerTrust(emulator, githubActionsTrust({ ...repo, environment: "production", issuer }));
});
afterAll(() => emulator?.stop());

const job = (overrides: object = {}) =>
  githubActionsToken({
    env: platformsOf(emulator).githubActionsJob({
      ...repo,
      immutable: true,
      environment: "production",
      ...overrides,
    }),
  });

describe("githubActionsToken + githubActionsTrust", () => {
  it("reads S3, reads GCS and gets an Entra token from one job's tokens", async () => {
    expect(await readAll(emulator, registered, job())).toEqual({
      aws: BODY,
      gcp: BODY,
      azure: "entra-token",
    });
  });

  it("survives renaming the repository and owner on AWS and GCP; Entra's exact match refuses the new name", async () => {
    const reads = await readAll(emulator, registered, job({ owner: "renamed-org", repo: "renamed-repo" }));
    expect(reads.aws).toBe(BODY);
    expect(reads.gcp).toBe(BODY);
    expect(reads.azure).toMatch(/^error:/);
  });

  it("refuses another repository id, another environment and a branch without the environment on every cloud", async () => {
    for (const attacker of [
      { repoId: "999999" },
      { ownerId: "999", repoId: "456789" },
      { environment: "staging" },
      { environment: undefined },
    ]) {
      const reads = await readAll(emulator, registered, job(attacker));
      expect(reads.aws).not.toBe(BODY);
      expect(reads.gcp).not.toBe(BODY);
      expect(reads.azure).toMatch(/^error:/);
    }
  });

  it("says how to get the variables when the job has no id-token permission, and never sends them elsewhere", async () => {
    const none = githubActionsToken({ env: {} });
    await expect(none.getToken({ audience: "sts.amazonaws.com", now: Date.now })).rejects.toMatchObject({
      code: "invalid_subject_token",
      tryNextSource: true,
      hint: expect.stringContaining("id-token: write"),
    });
    const plain = githubActionsToken({
      env: {
        ACTIONS_ID_TOKEN_REQUEST_URL: "http://runner.example/x?a=1",
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: "t",
      },
    });
    await expect(plain.getToken({ audience: "a", now: Date.now })).rejects.toThrow(/https/);
  });

  it("a refused request token (401) becomes an error with the status only, never the bearer", async () => {
    const env = {
      ...platformsOf(emulator).githubActionsJob(repo),
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: "emu-actions-forged-bearer",
    };
    const error = await githubActionsToken({ env })
      .getToken({ audience: "sts.amazonaws.com", now: Date.now })
      .catch((e: Error) => e);
    expect(error).toMatchObject({ code: "provider_unavailable", status: 401 });
    expect(JSON.stringify({ ...error, message: (error as Error).message })).not.toContain("forged-bearer");
  });

  it("asks with the exact audience each cloud expects", async () => {
    const token = await job().getToken({ audience: "api://AzureADTokenExchange", now: Date.now });
    expect(token.claims.aud).toBe("api://AzureADTokenExchange");
    expect(token.claims.sub).toBe("repo:octo-org@123456/octo-repo@456789:environment:production");
    expect(token.trust).toBe("unverified");
  });
});

describe("githubActionsTrust output", () => {
  it("pins ids and wildcards names on AWS, pins id claims on GCP, the exact sub on Entra", () => {
    const trust = githubActionsTrust({ ...repo, ref: "refs/heads/main" });
    const statement = (
      trust.aws({ providerArn: "arn:aws:iam::1:oidc-provider/token.actions.githubusercontent.com" }) as {
        Statement: { Condition: Record<string, Record<string, string>> }[];
      }
    ).Statement[0]!;
    expect(statement.Condition).toEqual({
      StringEquals: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" },
      StringLike: { "token.actions.githubusercontent.com:sub": "repo:*@123456/*@456789:ref:refs/heads/main" },
    });
    expect(trust.gcp.attributeCondition).toBe(
      'assertion.repository_owner_id == "123456" && assertion.repository_id == "456789" && assertion.ref == "refs/heads/main"',
    );
    expect(trust.gcp.member("42")).toBe(
      `principalSet://iam.googleapis.com/projects/42/locations/global/workloadIdentityPools/${trust.gcp.poolId}/attribute.repository_id/456789`,
    );
    expect(trust.azure?.subject).toBe("repo:octo-org@123456/octo-repo@456789:ref:refs/heads/main");
    expect(githubActionsTrust({ ...repo, environment: "production" }).gcp.poolId).not.toBe(trust.gcp.poolId);
    expect(() => githubActionsTrust({ ...repo, repoId: "octo-repo" })).toThrow(TypeError);
    expect(() => githubActionsTrust({ ...repo, ref: "refs/heads/*" })).toThrow(TypeError);
  });
});
