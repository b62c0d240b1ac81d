import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { processIo } from "../../src/io.js";
import { generatedExport } from "../../src/replay/generated.js";
import { harness } from "../support/harness.js";

const site = fileURLToPath(new URL("../support/site/", import.meta.url));
const SITE_ID = "0f4c9e2a-7d31-4b8e-a6f5-3c2d1e0b9a87";
const HOST = "reports.acme-widgets.test/oidc";
let h: ReturnType<typeof harness>;
// biome-ignore lint/suspicious/noExplicitAny: tests bend exported cloud documents (untyped JSON) one field at a time.
type Json = any;
afterEach(() => h?.cleanup());

const config = () => loadConfig({ ...processIo(), cwd: site, env: {} }, undefined, undefined);
const file = (name: string, value: unknown) => {
  const path = join(h.home, name);
  writeFileSync(path, JSON.stringify(value, null, 4));
  return path;
};
const doctor = (args: string[]) => h.run(["doctor", ...args], { cwd: site });
type Scenario = {
  name: string;
  intent: string;
  result: { accepted: boolean; rows: { claim: string; ok: boolean; fix?: string }[] };
};
const scenarios = (out: string) => JSON.parse(out).scenarios as Scenario[];

/** `aws iam get-role --output json`: the CLI prints the trust policy decoded (botocore json_decode_policies). */
async function awsExports(mutate: (policy: Json) => void = () => {}) {
  const generated = generatedExport(await config(), "reports", "production");
  if (generated.cloud !== "aws") throw new Error("aws");
  const policy = structuredClone(generated.role.Role.AssumeRolePolicyDocument) as Json;
  mutate(policy);
  return {
    role: file("role.json", {
      Role: {
        Path: "/",
        RoleName: "netlify-reports-reader",
        RoleId: "AROATESTROLEID0000001",
        Arn: "arn:aws:iam::210987654321:role/netlify-reports-reader",
        CreateDate: "2026-01-01T00:00:00+00:00",
        AssumeRolePolicyDocument: policy,
        MaxSessionDuration: 3600,
        RoleLastUsed: {},
      },
    }),
    provider: file("provider.json", {
      Url: `${HOST}/production`,
      ClientIDList: ["sts.amazonaws.com"],
      ThumbprintList: [],
      CreateDate: "2026-01-01T00:00:00+00:00",
      Tags: [],
    }),
  };
}

describe("fedkit doctor --target: AWS replay", () => {
  it("accepts the mapped function and refuses each demo mismatch, explaining the claim that refused it", async () => {
    h = harness();
    const { role, provider } = await awsExports();
    const result = await doctor([
      "--target",
      "reports",
      "--aws-role",
      role,
      "--aws-provider",
      provider,
      "--json",
    ]);
    expect(result.code).toBe(0);
    const byName = Object.fromEntries(scenarios(result.out).map((s) => [s.name, s]));
    expect(byName["function report (production)"]!.result.accepted).toBe(true);
    const failing = (name: string) => byName[name]!.result.rows.filter((r) => !r.ok).map((r) => r.claim);
    expect(failing("other function archive")).toEqual(["sub"]);
    expect(failing("deploy-preview token")).toContain("iss");
    expect(failing("wrong audience")).toEqual(["aud", "aud"]);
    expect(failing("wrong issuer")[0]).toBe("iss");
    const cased = byName["case difference"]!.result.rows.find((r) => !r.ok)!;
    expect(cased.fix).toContain("differs only by letter case");
  });

  it("reads the URL-encoded policy of the raw API too, and reports a refused mapped function as a finding", async () => {
    h = harness();
    const { role, provider } = await awsExports((policy) => {
      policy.Statement[0].Condition.StringEquals[`${HOST}/production:sub`] =
        `site:${SITE_ID}:context:production:function:reprot`;
    });
    const raw = JSON.parse(readFileSync(role, "utf8"));
    raw.Role.AssumeRolePolicyDocument = encodeURIComponent(JSON.stringify(raw.Role.AssumeRolePolicyDocument));
    const encoded = file("role-encoded.json", raw);
    const result = await doctor(["--target", "reports", "--aws-role", encoded, "--aws-provider", provider]);
    expect(result.code).toBe(1);
    expect(result.out).toContain("FINDING function report (production): refused, but the config maps it");
    expect(result.out).toMatch(
      /DIFF sub: presented site:.*:function:report\n\s+expected StringEquals site:.*:function:reprot/,
    );
  });

  it("flags a preview issuer on the production role and a StringLike wildcard over the context", async () => {
    h = harness();
    const { role, provider } = await awsExports((policy) => {
      const preview = structuredClone(policy.Statement[0]);
      preview.Principal.Federated = `arn:aws:iam::210987654321:oidc-provider/${HOST}/deploy-preview`;
      policy.Statement.push(preview);
      policy.Statement.push({
        Effect: "Allow",
        Principal: { Federated: `arn:aws:iam::210987654321:oidc-provider/${HOST}/production` },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: { StringLike: { [`${HOST}/production:sub`]: `site:${SITE_ID}:context:*` } },
      });
    });
    const result = await doctor([
      "--target",
      "reports",
      "--aws-role",
      role,
      "--aws-provider",
      provider,
      "--json",
    ]);
    expect(result.code).toBe(1);
    const wide = JSON.parse(result.out).tooWide as { where: string; why: string }[];
    expect(wide.map((w) => w.why)).toEqual([
      "the deploy-preview issuer is trusted on a production role: deploy-preview code can act as production",
      "the wildcard covers parts a token's holder chooses (deploy context, function name, branch)",
    ]);
  });

  it("does not flag a wildcard whose immutable parts are pinned (per-user subjects, GitHub ids)", async () => {
    h = harness();
    const { role, provider } = await awsExports((policy) => {
      policy.Statement.push({
        Effect: "Allow",
        Principal: { Federated: `arn:aws:iam::210987654321:oidc-provider/${HOST}/production` },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
          StringLike: {
            [`${HOST}/production:sub`]: [
              `site:${SITE_ID}:context:production:user:*`,
              "repository_owner_id:1342004:repository_id:71996627:ref:refs/heads/*",
            ],
          },
        },
      });
    });
    const result = await doctor([
      "--target",
      "reports",
      "--aws-role",
      role,
      "--aws-provider",
      provider,
      "--json",
    ]);
    expect(JSON.parse(result.out).tooWide).toEqual([]);
  });

  it("--drift exits 0 when the role matches the config and 1 on a changed trust", async () => {
    h = harness();
    const same = await awsExports();
    expect(
      (
        await doctor([
          "--target",
          "reports",
          "--drift",
          "--aws-role",
          same.role,
          "--aws-provider",
          same.provider,
        ])
      ).code,
    ).toBe(0);
    const changed = await awsExports((policy) => {
      policy.Statement[0].Condition.StringEquals[`${HOST}/production:aud`] = "sts.amazonaws.com.cn";
    });
    const result = await doctor(["--target", "reports", "--drift", "--aws-role", changed.role]);
    expect(result.code).toBe(1);
    expect(result.out).toContain("drift: reports (aws, production)");
    expect(result.out).toContain("sts.amazonaws.com.cn");
  });
});

describe("fedkit doctor --target: GCP replay", () => {
  async function gcpExports(mutate: (provider: Json, policy: Json) => void = () => {}) {
    const generated = generatedExport(await config(), "archive", "production");
    if (generated.cloud !== "gcp") throw new Error("gcp");
    // `gcloud … providers describe --format=json` and `get-iam-policy --format=json` (keys sorted, as gcloud prints).
    const provider: Json = {
      ...structuredClone(generated.provider),
      displayName: "archive",
      disabled: false,
    };
    const policy: Json = {
      bindings: structuredClone(generated.policy!.bindings),
      etag: "BwYzAbCdEfG=",
      version: 1,
    };
    mutate(provider, policy);
    return { provider: file("provider.json", provider), policy: file("policy.json", policy) };
  }

  it("explains the refused demo tokens condition by condition", async () => {
    h = harness();
    const { provider, policy } = await gcpExports();
    const result = await doctor([
      "--target",
      "archive",
      "--gcp-provider",
      provider,
      "--gcp-policy",
      policy,
      "--json",
    ]);
    expect(result.code).toBe(0);
    const byName = Object.fromEntries(scenarios(result.out).map((s) => [s.name, s]));
    expect(byName["function archive (production)"]!.result.accepted).toBe(true);
    const failing = (name: string) => byName[name]!.result.rows.filter((r) => !r.ok).map((r) => r.claim);
    expect(failing("other function blob")).toEqual(["condition", "principal"]);
    expect(failing("deploy-preview token")).toEqual(["iss", "aud", "condition", "condition", "principal"]);
    expect(failing("wrong audience")).toEqual(["aud"]);
    const cased = byName["case difference"]!.result.rows.filter((r) => !r.ok);
    expect(cased.some((r) => r.fix?.includes("differs only by letter case"))).toBe(true);
  });

  it("flags principalSet over the whole pool and over an attribute when the condition pins no context", async () => {
    h = harness();
    const { provider, policy } = await gcpExports((p, pol) => {
      p.attributeCondition = `assertion.site_id == "${SITE_ID}"`;
      const pool = p.name.replace(/\/providers\/.*$/, "");
      pol.bindings[0].members.push(`principalSet://iam.googleapis.com/${pool}/attribute.function/archive`);
    });
    const result = await doctor([
      "--target",
      "archive",
      "--gcp-provider",
      provider,
      "--gcp-policy",
      policy,
      "--json",
    ]);
    expect(result.code).toBe(1);
    const whys = (JSON.parse(result.out).tooWide as { why: string }[]).map((w) => w.why);
    expect(whys[0]).toContain("a deploy preview can carry");
    expect(whys[1]).toBe('it does not pin assertion.context == "production"');
    // With the context pinned again, the wide principalSet on the whole pool is still flagged.
    const pinned = await gcpExports((_p, pol) => {
      pol.bindings[0].members.push(
        `principalSet://iam.googleapis.com/${_p.name.replace(/\/providers\/.*$/, "")}/*`,
      );
    });
    const again = await doctor([
      "--target",
      "archive",
      "--gcp-provider",
      pinned.provider,
      "--gcp-policy",
      pinned.policy,
      "--json",
    ]);
    expect((JSON.parse(again.out).tooWide as { why: string }[]).map((w) => w.why)).toEqual([
      "every identity of the pool may impersonate the service account",
    ]);
  });

  it("--drift exits 1 when the attribute condition changed", async () => {
    h = harness();
    const same = await gcpExports();
    expect(
      (
        await doctor([
          "--target",
          "archive",
          "--drift",
          "--gcp-provider",
          same.provider,
          "--gcp-policy",
          same.policy,
        ])
      ).code,
    ).toBe(0);
    const changed = await gcpExports((p) => {
      p.attributeCondition = p.attributeCondition.replace(
        'assertion.function == "archive"',
        'assertion.function in ["archive", "blob"]',
      );
    });
    const result = await doctor(["--target", "archive", "--drift", "--gcp-provider", changed.provider]);
    expect(result.code).toBe(1);
    expect(result.out).toContain("attributeCondition");
  });
});

describe("fedkit doctor --target: Azure replay", () => {
  async function credentials(mutate: (list: Json[]) => void = () => {}) {
    const generated = generatedExport(await config(), "blobs", "production");
    if (generated.cloud !== "azure") throw new Error("azure");
    // `az ad app federated-credential list` prints Graph's `value` array as is.
    const list: Json[] = generated.credentials.map((c) => ({
      ...c,
      id: "bdad0963-4a7a-43ae-b569-e67e1da3f2c0",
    }));
    mutate(list);
    return file("fic.json", list);
  }

  it("shows an Entra subject that differs only by case as a finding, with the case-sensitive fix", async () => {
    h = harness();
    const fic = await credentials((list) => {
      list[0].subject = list[0].subject.replace("production", "Production");
    });
    const result = await doctor(["--target", "blobs", "--azure-credentials", fic]);
    expect(result.code).toBe(1);
    expect(result.out).toContain(
      "FINDING function blob (production): refused, but the config maps it (AADSTS7002138",
    );
    expect(result.out).toContain("fix: differs only by letter case; the cloud compares case-sensitively");
  });

  it("flags a deploy-preview issuer on the production app and a flexible credential; --drift sees them", async () => {
    h = harness();
    const fic = await credentials((list) => {
      list.push({ ...list[0], name: "preview", issuer: `https://${HOST}/deploy-preview` });
      list.push({
        ...list[0],
        name: "flex",
        subject: null,
        claimsMatchingExpression: { value: "claims['sub'] matches 'site:*'", languageVersion: 1 },
      });
    });
    const result = await doctor(["--target", "blobs", "--azure-credentials", fic, "--json"]);
    expect((JSON.parse(result.out).tooWide as { where: string }[]).map((w) => w.where)).toEqual([
      "preview",
      "flex",
    ]);
    expect((await doctor(["--target", "blobs", "--drift", "--azure-credentials", fic])).code).toBe(1);
    expect(
      (await doctor(["--target", "blobs", "--drift", "--azure-credentials", await credentials()])).code,
    ).toBe(0);
    // Graph's own list response (`{"value": [...]}`) is read as well as the CLI's bare array.
    const graph = file("graph.json", { value: JSON.parse(readFileSync(await credentials(), "utf8")) });
    expect((await doctor(["--target", "blobs", "--drift", "--azure-credentials", graph])).code).toBe(0);
    const changed = file("graph-changed.json", {
      value: [{ ...JSON.parse(readFileSync(await credentials(), "utf8"))[0], subject: "x" }],
    });
    expect((await doctor(["--target", "blobs", "--drift", "--azure-credentials", changed])).code).toBe(1);
  });
});
