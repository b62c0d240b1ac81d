// `trustPolicyFor` in @fedkit/netlify/trust: the same bytes as the implementation that kept trust on the plugins,
// the built-in generator chosen by the plugin's `cloud`, a plugin's own generator first, and a typed refusal when
// there is neither.
import { readFileSync } from "node:fs";
import { FederationError } from "@fedkit/core";
import type { CloudPlugin, FedkitConfig } from "@fedkit/netlify";
import { anthropicCloud } from "@fedkit/netlify/anthropic";
import { awsCloud } from "@fedkit/netlify/aws";
import { azureCloud } from "@fedkit/netlify/azure";
import { gcpCloud } from "@fedkit/netlify/gcp";
import { openaiCloud } from "@fedkit/netlify/openai";
import { openrouterCloud } from "@fedkit/netlify/openrouter";
import { trustPolicyFor } from "@fedkit/netlify/trust";
import { describe, expect, it } from "vitest";
import { TRUST_CASES } from "./fixtures/trust-cases.js";

const SITE_ID = "5b0c2a71-1c3e-4d6b-9a51-0f7a2f1e9c11";
const config = (clouds: FedkitConfig["clouds"], cloud = "aws"): FedkitConfig => ({
  siteId: SITE_ID,
  siteUrl: "https://reports.example.com",
  clouds,
  targets: { t: { cloud, roleArn: "arn:aws:iam::123456789012:role/r", region: "eu-west-1" } },
  functions: { report: { t: {} } },
});
const custom = (cloud: string, own?: CloudPlugin["trustPolicy"]): CloudPlugin => ({
  cloud,
  audience: () => "aud-custom",
  provider: () => {
    throw new Error("unused");
  },
  client: () => undefined,
  ...(own === undefined ? {} : { trustPolicy: own }),
});

describe("trustPolicyFor from @fedkit/netlify/trust", () => {
  it("generates byte for byte the trust the plugins generated before (fixtures/trust-snapshot.json)", () => {
    const generated: Record<string, unknown> = {};
    for (const c of TRUST_CASES)
      generated[c.name] = trustPolicyFor(c.config, c.target, { context: c.context });
    const pinned = readFileSync(new URL("./fixtures/trust-snapshot.json", import.meta.url), "utf8");
    expect(`${JSON.stringify(generated, null, 2)}\n`).toBe(pinned);
  });

  it("fedkit's own plugins carry no trust generator, so edge functions that import them ship none", () => {
    for (const plugin of [awsCloud, gcpCloud, azureCloud, openaiCloud, anthropicCloud, openrouterCloud]) {
      expect(Object.hasOwn(plugin, "trustPolicy"), plugin.cloud).toBe(false);
    }
  });

  it("uses a plugin's own trustPolicy before the built-in generator of its cloud", () => {
    const own = {
      ...awsCloud,
      trustPolicy: (input: { subjects: readonly string[] }) => ({ own: input.subjects }),
    };
    expect(trustPolicyFor(config({ aws: own }), "t")).toEqual({
      own: [`site:${SITE_ID}:context:production:function:report`],
    });
    const builtIn = trustPolicyFor(config({ aws: awsCloud }), "t") as { Statement: { Principal: unknown }[] };
    expect(builtIn.Statement[0]!.Principal).toEqual({
      Federated: "arn:aws:iam::123456789012:oidc-provider/reports.example.com/oidc/production",
    });
  });

  it("refuses a plugin with no trustPolicy whose cloud has no built-in generator, naming the fix", () => {
    let error: unknown;
    try {
      trustPolicyFor(config({ other: custom("other") }, "other"), "t");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FederationError);
    expect(error).toMatchObject({
      code: "config",
      provider: "netlify",
      message:
        'fedkit: target "t" uses cloud "other", whose plugin has no trustPolicy and which fedkit has no built-in trust for.',
    });
    expect((error as FederationError).hint).toContain('Give the "other" plugin a trustPolicy(input)');
    expect((error as FederationError).hint).toContain("aws, gcp, azure, openai, anthropic, openrouter");
  });

  it("picks the built-in generator by the plugin's own cloud, not the key it is registered under", () => {
    // A non-AWS plugin put under `clouds.aws` must not get an AWS role trust policy generated for it.
    expect(() => trustPolicyFor(config({ aws: custom("other") }), "t")).toThrow(
      /uses cloud "other", whose plugin has no trustPolicy/,
    );
    expect(() => trustPolicyFor(config({ aws: custom("constructor") }), "t")).toThrow(FederationError);
  });
});
