import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Emulator, gcpStateOf, startEmulator } from "@fedkit/emulator";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { awsTrustExport, gcpTrustExport } from "../../src/dev/emulator-export.js";
import { registerTrustInEmulator } from "../../src/dev/emulator-trust.js";
import { processIo } from "../../src/io.js";
import { trustPolicyFor } from "../../src/issuer-api.js";
import { harness } from "../support/harness.js";

const site = fileURLToPath(new URL("../support/site/", import.meta.url));
const ISSUER = "https://reports.acme-widgets.test/oidc/production";
let h: ReturnType<typeof harness>;
let emulator: Emulator | undefined;
afterEach(async () => {
  h?.cleanup();
  await emulator?.stop();
  emulator = undefined;
});

/** Writes the emulator's export where `doctor` reads the files the AWS CLI would print. */
function exportFiles(): { role: string; provider: string } {
  const { role, provider } = awsTrustExport(emulator!, "netlify-reports-reader", ISSUER);
  writeFileSync(join(h.home, "role.json"), JSON.stringify(role));
  writeFileSync(join(h.home, "provider.json"), JSON.stringify(provider));
  return { role: join(h.home, "role.json"), provider: join(h.home, "provider.json") };
}

describe("the emulator's registered trust, exported as the AWS CLI prints it", () => {
  it("replays clean under doctor --drift when registered from the config, and exits 1 once the role's trust drifts", async () => {
    h = harness();
    const config = await loadConfig({ ...processIo(), cwd: site, env: {} }, undefined, undefined);
    emulator = await startEmulator({ aws: { accountId: "210987654321" } });
    registerTrustInEmulator(emulator, config, "reports");
    const files = exportFiles();
    const doctor = (args: string[]) => h.run(["doctor", ...args], { cwd: site });
    const args = ["--target", "reports", "--aws-role", files.role, "--aws-provider", files.provider];
    const clean = await doctor([...args, "--drift"]);
    expect(clean.code).toBe(0);

    // Someone edits the role in the account: the sub condition now names another function.
    const policy = structuredClone(trustPolicyFor(config, "reports")) as {
      Statement: { Condition: { StringEquals: Record<string, string> } }[];
    };
    const key = Object.keys(policy.Statement[0]!.Condition.StringEquals).find((k) => k.endsWith(":sub"))!;
    policy.Statement[0]!.Condition.StringEquals[key] = policy.Statement[0]!.Condition.StringEquals[
      key
    ]!.replace("function:report", "function:archive");
    emulator.aws.putRole({ name: "netlify-reports-reader", trustPolicy: policy as never });
    exportFiles();
    const drifted = await doctor([...args, "--drift"]);
    expect(drifted.code).toBe(1);
    expect(drifted.out).toContain("function:archive");
  });

  it("exports the GCP provider and service-account policy in gcloud's shapes: doctor replays them clean, and drift once the binding names another function", async () => {
    h = harness();
    const config = await loadConfig({ ...processIo(), cwd: site, env: {} }, undefined, undefined);
    const SA = "archive-reader@acme-archive.iam.gserviceaccount.com";
    emulator = await startEmulator({
      gcp: { projectNumber: "987654321098", projectId: "acme-archive", serviceAccounts: [{ email: SA }] },
    });
    const { trusts } = registerTrustInEmulator(emulator, config, "archive");
    const write = () => {
      const { provider, policy } = gcpTrustExport(emulator!, trusts, SA);
      writeFileSync(join(h.home, "provider.json"), JSON.stringify(provider));
      writeFileSync(join(h.home, "policy.json"), JSON.stringify(policy));
    };
    write();
    const args = [
      "doctor",
      "--target",
      "archive",
      "--gcp-provider",
      join(h.home, "provider.json"),
      "--gcp-policy",
      join(h.home, "policy.json"),
      "--drift",
    ];
    expect((await h.run(args, { cwd: site })).code).toBe(0);

    const binding = gcpStateOf(emulator).serviceAccounts.get(SA)!.bindings[0]!;
    binding.members = binding.members.map((m) => m.replace("function:archive", "function:blob"));
    write();
    const drifted = await h.run(args, { cwd: site });
    expect(drifted.code).toBe(1);
    expect(drifted.out).toContain("function:blob");
  });

  it("names what is missing when the trust was never registered", async () => {
    emulator = await startEmulator({ aws: { accountId: "210987654321" } });
    expect(() => awsTrustExport(emulator!, "netlify-reports-reader", ISSUER)).toThrow(
      "The emulator has no role netlify-reports-reader.",
    );
  });
});
