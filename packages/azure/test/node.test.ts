/// <reference types="node" />
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { federatedTokenFile } from "../src/node/index.js";
import { fakeJwt } from "./helpers.js";

describe("federatedTokenFile", () => {
  it("reads the file named by AZURE_FEDERATED_TOKEN_FILE on every use", async () => {
    const dir = await mkdtemp(join(tmpdir(), "fedkit-azure-"));
    try {
      const path = join(dir, "token");
      const first = fakeJwt({
        iss: "https://i",
        sub: "a",
        aud: "api://AzureADTokenExchange",
        exp: 4_000_000_000,
      });
      await writeFile(path, first);
      const source = federatedTokenFile({ env: () => ({ AZURE_FEDERATED_TOKEN_FILE: path }) });
      const request = { audience: "api://AzureADTokenExchange", now: () => 0 };
      expect((await source.getToken(request)).raw).toBe(first);
      const second = fakeJwt({
        iss: "https://i",
        sub: "b",
        aud: "api://AzureADTokenExchange",
        exp: 4_000_000_000,
      });
      await writeFile(path, second);
      expect((await source.getToken(request)).claims.sub).toBe("b");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("says which variable to set when there is no file", () => {
    expect(() => federatedTokenFile({ env: () => ({}) })).toThrow(/AZURE_FEDERATED_TOKEN_FILE/);
  });
});
