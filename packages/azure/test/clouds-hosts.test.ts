// Azure's own authority host table (moved out of core): every cloud's Entra authority passes core's
// checkEndpoint; a resource host never does (where an access token may go is azureTokenHosts, per resource).
import { checkEndpoint } from "@fedkit/core/provider";
import { describe, expect, it } from "vitest";
import { AZURE_HOSTS_BY_CLOUD, ENTRA_AUTHORITY_HOSTS } from "../src/index.js";

describe("Entra authority hosts", () => {
  const entra = { cloud: "azure", officialHosts: ENTRA_AUTHORITY_HOSTS };

  it.each([
    "login.microsoftonline.com",
    "login.microsoft.com",
    "login.microsoftonline.us",
    "login.chinacloudapi.cn",
    "login.partner.microsoftonline.cn",
  ])("accepts %s", (host) => {
    expect(checkEndpoint(`https://${host}/tenant/oauth2/v2.0/token`, entra).host).toBe(host);
  });

  it("refuses resource hosts and look-alikes", () => {
    for (const url of [
      "https://acct.blob.core.windows.net/",
      "https://login.microsoftonline.com.evil.example/",
    ])
      expect(() => checkEndpoint(url, entra)).toThrow("official");
  });

  it("is the union of every cloud's authorities", () => {
    const all = Object.values(AZURE_HOSTS_BY_CLOUD).flatMap((cloud) => [...cloud.authority]);
    expect([...ENTRA_AUTHORITY_HOSTS].sort()).toEqual([...new Set(all)].sort());
  });
});
