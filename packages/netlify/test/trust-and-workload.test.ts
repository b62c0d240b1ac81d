/// <reference types="node" />

import { FederationError } from "@fedkit/core";
import { startEmulator } from "@fedkit/emulator";
import { clientCredentialsSource, type FedkitConfig } from "@fedkit/netlify";
import { awsCloud } from "@fedkit/netlify/aws";
import { trustPolicyFor } from "@fedkit/netlify/trust";
import { describe, expect, it } from "vitest";
import { SITE_ID } from "./support.js";

const config: FedkitConfig = {
  siteId: SITE_ID,
  siteUrl: "https://reports.example.com",
  clouds: { aws: awsCloud },
  targets: {
    reports: { cloud: "aws", roleArn: "arn:aws-cn:iam::123456789012:role/path/reader", region: "cn-north-1" },
    files: {
      cloud: "aws",
      roleArn: "arn:aws:iam::123456789012:role/files",
      region: "eu-west-1",
      sessionTags: false,
    },
  },
  functions: {
    report: { reports: {} },
    export: { reports: { maxDurationSeconds: 900 } },
    files: { files: { identity: "user" } },
  },
};

describe("trustPolicyFor", () => {
  it("refuses trust for another deploy context on the production role, naming why", () => {
    expect(() => trustPolicyFor(config, "reports", { context: "deploy-preview" })).toThrow(
      expect.objectContaining({
        code: "config",
        message: expect.stringContaining(
          'names the production IAM role; trust for deploy context "deploy-preview"',
        ),
        hint: expect.stringContaining('trustContext: "deploy-preview"'),
      }),
    );
  });

  it("pins aud and the subjects of every mapped function, partition-aware, per context", () => {
    const previewRole = { ...config.targets["reports"]!, trustContext: "deploy-preview" };
    const preview = { ...config, targets: { ...config.targets, reports: previewRole } };
    const policy = trustPolicyFor(preview, "reports", { context: "deploy-preview" }) as {
      Statement: {
        Principal: { Federated: string };
        Action: string[];
        Condition: Record<string, Record<string, unknown>>;
      }[];
    };
    const prefix = "reports.example.com/oidc/deploy-preview";
    expect(policy.Statement).toHaveLength(1);
    expect(policy.Statement[0]!.Principal.Federated).toBe(
      `arn:aws-cn:iam::123456789012:oidc-provider/${prefix}`,
    );
    expect(policy.Statement[0]!.Action).toEqual(["sts:AssumeRoleWithWebIdentity", "sts:TagSession"]);
    expect(policy.Statement[0]!.Condition["StringEquals"]).toEqual({
      [`${prefix}:aud`]: "sts.amazonaws.com",
      [`${prefix}:sub`]: [
        `site:${SITE_ID}:context:deploy-preview:function:export`,
        `site:${SITE_ID}:context:deploy-preview:function:report`,
      ],
      "aws:RequestTag/context": "deploy-preview",
    });
  });

  it("per-user mappings become a StringLike statement; no TagSession without session tags", () => {
    const policy = trustPolicyFor(config, "files") as {
      Statement: { Sid: string; Action: string[]; Condition: Record<string, Record<string, unknown>> }[];
    };
    expect(policy.Statement.map((s) => s.Sid)).toEqual(["FedkitNetlifyUsers"]);
    expect(policy.Statement[0]!.Action).toEqual(["sts:AssumeRoleWithWebIdentity"]);
    expect(policy.Statement[0]!.Condition["StringLike"]).toEqual({
      "reports.example.com/oidc/production:sub": `site:${SITE_ID}:context:production:user:*`,
    });
  });

  it("a target of fedkit's own clouds without its plugin in `clouds` names the import to add", () => {
    const { clouds: _clouds, ...unplugged } = config;
    for (const context of ["production", "deploy-preview"]) {
      let error: FederationError | undefined;
      try {
        trustPolicyFor(unplugged, "reports", { context });
      } catch (e) {
        error = e as FederationError;
      }
      expect(error).toBeInstanceOf(FederationError);
      expect(error).toMatchObject({ code: "config", provider: "netlify" });
      expect(error?.message).toBe('fedkit: `clouds` has no "aws" plugin (target "reports").');
      expect(error?.hint).toBe(
        'Add `import { awsCloud } from "@fedkit/netlify/aws";` and clouds: { aws: awsCloud }.',
      );
    }
    const gcp = { ...unplugged, targets: { g: { cloud: "gcp" } }, functions: { report: { g: {} } } };
    expect(() => trustPolicyFor(gcp, "g")).toThrow(
      expect.objectContaining({
        hint: expect.stringContaining('import { gcpCloud } from "@fedkit/netlify/gcp"'),
      }),
    );
    const azure = { ...unplugged, targets: { b: { cloud: "azure" } }, functions: { report: { b: {} } } };
    expect(() => trustPolicyFor(azure, "b")).toThrow(
      expect.objectContaining({
        hint: expect.stringContaining('import { azureCloud } from "@fedkit/netlify/azure"'),
      }),
    );
    // A plugin registered under another cloud's name does not serve this one.
    expect(() => trustPolicyFor({ ...gcp, clouds: { aws: awsCloud } }, "g")).toThrow(/no "gcp" plugin/);
  });

  it("unknown targets and clouds without a plugin are config errors", () => {
    expect(() => trustPolicyFor(config, "nope")).toThrow(FederationError);
    const other = { ...config, targets: { g: { cloud: "other" } }, functions: { report: { g: {} } } };
    expect(() => trustPolicyFor(other, "g")).toThrow(/has no "other" plugin/);
    const plugged = trustPolicyFor(
      {
        ...other,
        clouds: {
          other: {
            cloud: "other",
            audience: () => "aud-g",
            provider: () => {
              throw new Error("unused");
            },
            client: () => undefined,
            trustPolicy: (input) => ({ subjects: input.subjects, aud: input.audience }),
          },
        },
      },
      "g",
    );
    expect(plugged).toEqual({
      subjects: [`site:${SITE_ID}:context:production:function:report`],
      aud: "aud-g",
    });
  });
});

describe("clientCredentialsSource (private_key_jwt) against the emulator IdP", () => {
  it("gets a token for the requested audience and reuses it; a wrong key is access_denied", async () => {
    const pair = (await crypto.subtle.generateKey(
      {
        name: "RSASSA-PKCS1-v1_5",
        hash: "SHA-256",
        modulusLength: 2048,
        publicExponent: new Uint8Array([1, 0, 1]),
      },
      true,
      ["sign", "verify"],
    )) as CryptoKeyPair;
    const jwk = {
      ...(await crypto.subtle.exportKey("jwk", pair.publicKey)),
      kid: "wl-1",
      alg: "RS256",
      use: "sig",
    };
    const emulator = await startEmulator({
      idp: { clients: [{ clientId: "workload", jwks: { keys: [jwk] } as never }] },
    });
    try {
      const options = {
        tokenEndpoint: `${emulator.urls.idp}/token`,
        clientId: "workload",
        privateKey: pair.privateKey,
        kid: "wl-1",
      };
      const source = clientCredentialsSource(options);
      const request = { audience: "sts.amazonaws.com", now: () => Date.now() };
      const token = await source.getToken(request);
      expect(token.claims).toMatchObject({
        iss: emulator.urls.idp,
        sub: "workload",
        aud: "sts.amazonaws.com",
      });
      expect((await source.getToken(request)).raw).toBe(token.raw);
      const other = (await crypto.subtle.generateKey(
        {
          name: "RSASSA-PKCS1-v1_5",
          hash: "SHA-256",
          modulusLength: 2048,
          publicExponent: new Uint8Array([1, 0, 1]),
        },
        false,
        ["sign"],
      )) as CryptoKeyPair;
      const wrong = clientCredentialsSource({ ...options, privateKey: other.privateKey });
      await expect(wrong.getToken(request)).rejects.toMatchObject({ code: "access_denied", status: 401 });
    } finally {
      await emulator.stop();
    }
  });
});
