import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createSiteIssuer, importIssuerKeySet } from "@fedkit/netlify";
import { awsCloud } from "@fedkit/netlify/aws";
import { afterEach, describe, expect, it, vi } from "vitest";
import { deployedIssuer, harness } from "../support/harness.js";

const site = fileURLToPath(new URL("../support/site/", import.meta.url));
const SITE = "https://reports.acme-widgets.test";
const SITE_ID = "0f4c9e2a-7d31-4b8e-a6f5-3c2d1e0b9a87";
let h: ReturnType<typeof harness>;
afterEach(() => h?.cleanup());

async function mint(keyDir: string, functionName: string, audience = "sts.amazonaws.com", siteUrl = SITE) {
  const keys = await importIssuerKeySet(
    readFileSync(join(keyDir, "production.json"), "utf8"),
    "FEDKIT_ISSUER_KEYS",
    "production",
  );
  const issuer = createSiteIssuer({
    siteUrl,
    siteId: SITE_ID,
    context: "production",
    keys,
    now: () => Date.UTC(2026, 0, 1),
  });
  const extra = awsCloud.mintOptions!(
    { cloud: "aws", roleArn: "x", region: "eu-west-1" },
    { siteId: SITE_ID, context: "production", functionName },
  );
  return (await issuer.mint({ audience, functionName, ...extra })).raw;
}

describe("fedkit doctor --token", () => {
  it("verifies a token against the deployed issuer and names the target that accepts it, never printing it", async () => {
    h = harness();
    await h.run(["keys", "generate", "--context", "production", "--alg", "ES256"]);
    const token = await mint(h.keyDir, "report");
    const fetch = deployedIssuer(h.keyDir, SITE);
    const result = await h.run(["doctor", "--token", token, "--json"], { cwd: site, fetch });
    expect(result.code).toBe(0);
    const report = JSON.parse(result.out);
    expect(report.verified).toBe("signature and times verified against the issuer's JWKS");
    expect(report.acceptedBy).toEqual(["reports"]);
    expect(result.out).not.toContain(token.split(".")[2]);
    const text = await h.run(["doctor", "--token", token], { cwd: site, fetch });
    expect(text.out).not.toContain(token.split(".")[2]);
  });

  it("says why a named target refuses the token, claim by claim", async () => {
    h = harness();
    await h.run(["keys", "generate", "--context", "production", "--alg", "ES256"]);
    const token = await mint(h.keyDir, "report", "api://AzureADTokenExchange");
    const result = await h.run(["doctor", "--token", token, "--target", "reports"], {
      cwd: site,
      fetch: deployedIssuer(h.keyDir, SITE),
    });
    expect(result.code).toBe(1);
    expect(result.out).toContain("refused  by reports");
    expect(result.out).toContain("DIFF aud: presented api://AzureADTokenExchange");
  });

  it("does not fetch the JWKS of an issuer the config does not name, and fails verification", async () => {
    h = harness();
    await h.run(["keys", "generate", "--context", "production", "--alg", "ES256"]);
    const token = await mint(h.keyDir, "report", "sts.amazonaws.com", "https://attacker.netlify.app");
    const fetch = vi.fn(deployedIssuer(h.keyDir, SITE));
    const result = await h.run(["doctor", "--token", token, "--json"], { cwd: site, fetch });
    expect(fetch).not.toHaveBeenCalled();
    expect(result.code).toBe(1);
    expect(JSON.parse(result.out).verified).toContain("is not this site's production issuer");
  });

  it("refuses a token signed by a key the deployed JWKS does not publish", async () => {
    h = harness();
    await h.run(["keys", "generate", "--context", "production", "--alg", "ES256"]);
    const fetch = deployedIssuer(h.keyDir, SITE);
    await h.run(["keys", "generate", "--context", "production", "--alg", "ES256", "--force"]);
    const token = await mint(h.keyDir, "report");
    const result = await h.run(["doctor", "--token", token, "--json"], { cwd: site, fetch });
    expect(result.code).toBe(1);
    expect(JSON.parse(result.out).verified).toMatch(/^not verified: /);
  });
});
