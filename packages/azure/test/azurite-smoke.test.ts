import { describe, expect, it } from "vitest";
import { startAzurite } from "./azurite.js";
import { loadTestTls } from "./tls.js";

describe("startAzurite", () => {
  it("serves https on loopback with the test CA", async () => {
    const az = await startAzurite(await loadTestTls());
    try {
      const res = await fetch(`${az.accountUrl}?comp=list`);
      expect(az.origin).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      expect([200, 403]).toContain(res.status);
    } finally {
      await az.stop();
    }
  });
});
