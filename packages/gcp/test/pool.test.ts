import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { checkGcpId, gcpPoolId } from "../src/pool.js";

describe("gcpPoolId (scheme fedkit/gcp-pool-id/v1)", () => {
  const site = "5b0c2a71-1c3e-4d6b-9a51-0f7a2f1e9c11";

  it("is the documented hash: fk- + 26 base32 characters of SHA-256 over the JSON triple's UTF-8", () => {
    // Non-ASCII contexts (a branch name) hash their UTF-8 bytes, as node:crypto does.
    for (const context of ["production", "branch-déploiement", "feature/🙂-ü"]) {
      const digest = createHash("sha256")
        .update(JSON.stringify(["fedkit/gcp-pool-id/v1", site, context]), "utf8")
        .digest();
      let bits = "";
      for (const byte of digest) bits += byte.toString(2).padStart(8, "0");
      const alphabet = "abcdefghijklmnopqrstuvwxyz234567";
      let expected = "fk-";
      for (let i = 0; i < 26; i++) expected += alphabet[Number.parseInt(bits.slice(i * 5, i * 5 + 5), 2)];
      expect(gcpPoolId(site, context)).toBe(expected);
    }
  });

  it("follows Google's pool id rules and differs per site and per context", () => {
    const ids = [
      gcpPoolId(site, "production"),
      gcpPoolId(site, "deploy-preview"),
      gcpPoolId(site, "branch-deploy"),
      gcpPoolId("0f3a4c1e-8d1b-4b8e-9a7e-5c2d7e6f1a01", "production"),
    ];
    expect(new Set(ids).size).toBe(4);
    for (const id of ids) {
      expect(id).toMatch(/^[a-z0-9-]{4,32}$/);
      expect(id.startsWith("gcp-")).toBe(false);
      expect(checkGcpId("pool", id)).toBe(id);
    }
    // Domain-separated: the pair cannot be shifted between the fields.
    expect(gcpPoolId("a", "b-c")).not.toBe(gcpPoolId("a-b", "c"));
  });

  it("checkGcpId applies Google's rule (4-32 of [a-z0-9-], no gcp- prefix)", () => {
    for (const bad of ["abc", "a".repeat(33), "gcp-pool", "Pool", "pool_1", "pool.x"]) {
      expect(() => checkGcpId("pool", bad)).toThrow(/not a valid workload identity pool id/);
    }
    for (const good of ["abcd", "a".repeat(32), "0pool-", "netlify"])
      expect(checkGcpId("provider", good)).toBe(good);
  });

  it("names the option to fix, and for a pool that leaving it unset derives one", () => {
    expect(() => checkGcpId("pool", "gcp-x")).toThrow(
      expect.objectContaining({
        code: "config",
        hint: "Fix poolId, or leave it unset (fedkit derives one).",
      }),
    );
    expect(() => checkGcpId("provider", "Reports")).toThrow(
      expect.objectContaining({ code: "config", hint: "Fix providerId." }),
    );
  });
});
