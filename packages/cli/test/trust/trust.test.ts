import { fileURLToPath } from "node:url";
import { parse } from "@cdktf/hcl2json";
import { afterEach, describe, expect, it } from "vitest";
import { harness } from "../support/harness.js";

const site = fileURLToPath(new URL("../support/site/", import.meta.url));
const samples = fileURLToPath(new URL("../../../../apps/", import.meta.url));
let h: ReturnType<typeof harness>;
afterEach(() => h?.cleanup());

const trust = (args: string[], cwd = site) => h.run(["trust", ...args], { cwd });
const SUBJECT = "site:0f4c9e2a-7d31-4b8e-a6f5-3c2d1e0b9a87:context:production:function:report";

describe("fedkit trust", () => {
  it("prints the AWS trust policy from the config, with FEDKIT_SITE_URL overriding siteUrl like the runtime", async () => {
    h = harness();
    h.env["FEDKIT_SITE_URL"] = "https://files.acme-widgets.test";
    const { code, out } = await trust(["--target", "reports"]);
    expect(code).toBe(0);
    const policy = JSON.parse(out);
    expect(policy.Statement[0].Principal.Federated).toBe(
      "arn:aws:iam::210987654321:oidc-provider/files.acme-widgets.test/oidc/production",
    );
    expect(policy.Statement[0].Condition.StringEquals["files.acme-widgets.test/oidc/production:sub"]).toBe(
      SUBJECT,
    );
    const flag = await trust(["--target", "reports", "--site-url", "https://other.acme-widgets.test"]);
    expect(flag.out).toContain("other.acme-widgets.test/oidc/production:aud");
  });

  it("prints the cloud CLIs' commands for each cloud and refuses another cloud's CLI format", async () => {
    h = harness();
    const aws = await trust(["--target", "reports", "--format", "aws"]);
    expect(aws.out).toContain(
      "aws iam create-open-id-connect-provider --url 'https://reports.acme-widgets.test/oidc/production' --client-id-list 'sts.amazonaws.com'",
    );
    expect(aws.out).toContain("aws iam update-assume-role-policy --role-name 'netlify-reports-reader'");
    expect((await trust(["--target", "archive", "--format", "gcloud"])).out).toContain(
      "--issuer-uri='https://reports.acme-widgets.test/oidc/production'",
    );
    expect((await trust(["--target", "blobs", "--format", "az"])).out).toContain(
      "az ad app federated-credential create --id '3f1e2d4c-5b6a-4798-8a1b-2c3d4e5f6a7b'",
    );
    const wrong = await trust(["--target", "reports", "--format", "az"]);
    expect(wrong.code).toBe(2);
    expect(wrong.err).toContain("Use --format aws, json or terraform");
  });

  it("prints Terraform that an HCL parser reads back with the same issuer, subject and condition", async () => {
    h = harness();
    const aws = await parse("aws.tf", (await trust(["--target", "reports", "--format", "terraform"])).out);
    expect(aws.resource.aws_iam_openid_connect_provider.reports_production[0].url).toBe(
      "https://reports.acme-widgets.test/oidc/production",
    );
    const policy = JSON.parse(aws.resource.aws_iam_role.reports_production[0].assume_role_policy);
    expect(policy.Statement[0].Condition.StringEquals["reports.acme-widgets.test/oidc/production:sub"]).toBe(
      SUBJECT,
    );

    const gcpText = (await trust(["--target", "archive", "--format", "terraform"])).out;
    const gcp = await parse("gcp.tf", gcpText);
    const provider = gcp.resource.google_iam_workload_identity_pool_provider.archive_production[0];
    const json = JSON.parse((await trust(["--target", "archive"])).out);
    expect(provider.attribute_condition).toBe(json.attributeCondition);
    expect(provider.attribute_mapping).toEqual(json.attributeMapping);
    expect(provider.oidc[0].issuer_uri).toBe("https://reports.acme-widgets.test/oidc/production");
    expect(gcp.resource.google_service_account_iam_member.archive_production_0[0].member).toBe(
      json.members[0],
    );

    const azure = await parse("azure.tf", (await trust(["--target", "blobs", "--format", "terraform"])).out);
    const [credential] = Object.values(
      azure.resource.azuread_application_federated_identity_credential as Record<
        string,
        { subject: string }[]
      >,
    );
    expect(credential![0]!.subject).toBe("site:0f4c9e2a-7d31-4b8e-a6f5-3c2d1e0b9a87:context:production");
  });

  it("refuses the samples' placeholders unless --allow-placeholders, naming each", async () => {
    h = harness();
    const cwd = `${samples}netlify-aws-s3`;
    const refused = await trust(["--target", "reports"], cwd);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain("123456789012");
    expect(refused.err).toContain("5b0c2a71-1c3e-4d6b-9a51-0f7a2f1e9c11");
    expect(refused.err).toContain("fedkit-reports.netlify.app");
    const allowed = await trust(["--target", "reports", "--allow-placeholders"], cwd);
    expect(allowed.code).toBe(0);
  });

  it("lists the valid targets on a typo, and refuses trust for another context on a production role", async () => {
    h = harness();
    const typo = await trust(["--target", "report"]);
    expect(typo.code).toBe(2);
    expect(typo.err).toContain("Targets: reports, archive, blobs.");
    const preview = await trust(["--target", "reports", "--context", "deploy-preview"]);
    expect(preview.code).toBe(1);
    expect(preview.err).toContain("would let deploy-preview code act as production");
  });

  it("gives --json the trust with its inputs, and --help exit 0", async () => {
    h = harness();
    const { out } = await trust(["--target", "blobs", "--json"]);
    expect(JSON.parse(out)).toMatchObject({ cloud: "azure", context: "production", format: "json" });
    expect((await trust(["--help"])).out).toContain("usage: fedkit trust");
  });
});
