// Azure's own authority host table (moved out of core): every cloud's Entra authority passes core's
// checkEndpoint; a resource host never does (where an access token may go is azureTokenHosts, per resource).
import { checkEndpoint } from "@fedkit/core/provider";
import { describe, expect, it } from "vitest";
import {
  AZURE_CUSTOMER_HOSTS,
  AZURE_HOSTS_BY_CLOUD,
  AZURE_TOKEN_HOSTS,
  ENTRA_AUTHORITY_HOSTS,
} from "../src/index.js";

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
      // Exact hosts, no wildcard: a name under an authority host is not one.
      "https://evil.login.microsoftonline.com/",
      "https://login.microsoftonline.us.evil.example/",
      "https://xlogin.microsoft.com/",
    ])
      expect(() => checkEndpoint(url, entra)).toThrow("official");
  });

  it("is the union of every cloud's authorities", () => {
    const all = Object.values(AZURE_HOSTS_BY_CLOUD).flatMap((cloud) => [...cloud.authority]);
    expect([...ENTRA_AUTHORITY_HOSTS].sort()).toEqual([...new Set(all)].sort());
  });
});

describe("the resource host tables (written compactly with {a,b} alternatives)", () => {
  // The tables as they were listed one entry per line: the compact form must expand to exactly these.
  const storage = ["windows.net", "usgovcloudapi.net", "chinacloudapi.cn"]
    .flatMap((cloud) => ["blob", "queue", "table", "file", "dfs"].map((s) => `*.${s}.core.${cloud}`))
    .concat(["*.blob", "*.queue", "*.table", "*.file", "*.dfs"].map((s) => `${s}.storage.azure.net`));
  const vault = ["*.vault.azure.net", "*.vault.usgovcloudapi.net", "*.vault.azure.cn"];
  const hsm = ["*.managedhsm.azure.net", "*.managedhsm.usgovcloudapi.net", "*.managedhsm.azure.cn"];
  const arm = ["management.azure.com", "management.usgovcloudapi.net", "management.chinacloudapi.cn"];
  const graph = [
    "graph.microsoft.com",
    "graph.microsoft.us",
    "dod-graph.microsoft.us",
    "microsoftgraph.chinacloudapi.cn",
  ];
  const expected: Record<string, string[]> = {
    "https://storage.azure.com": storage,
    "e406a681-f3d4-42a8-90b6-c2b029497af1": storage,
    "https://vault.azure.net": vault,
    "https://vault.usgovcloudapi.net": vault,
    "https://vault.azure.cn": vault,
    "cfa8b339-82a2-471a-a3c9-0fc0be7a4093": vault,
    "https://managedhsm.azure.net": hsm,
    "https://managedhsm.usgovcloudapi.net": hsm,
    "https://managedhsm.azure.cn": hsm,
    "https://management.azure.com": arm,
    "https://management.core.windows.net": arm,
    "https://management.usgovcloudapi.net": arm,
    "https://management.core.usgovcloudapi.net": arm,
    "https://management.chinacloudapi.cn": arm,
    "https://management.core.chinacloudapi.cn": arm,
    "797f4846-ba00-4fd7-ba43-dac1f8f63013": arm,
    "https://graph.microsoft.com": graph,
    "https://graph.microsoft.us": graph,
    "https://dod-graph.microsoft.us": graph,
    "https://microsoftgraph.chinacloudapi.cn": graph,
    "00000003-0000-0000-c000-000000000000": graph,
    "https://cosmos.azure.com": ["*.documents.azure.com", "*.documents.azure.us", "*.documents.azure.cn"],
    "https://cognitiveservices.azure.com": ["com", "us", "cn"].flatMap((tld) => [
      `*.cognitiveservices.azure.${tld}`,
      `*.openai.azure.${tld}`,
    ]),
  };
  const sorted = (table: Readonly<Record<string, readonly string[]>>) =>
    Object.fromEntries(
      Object.keys(table)
        .sort()
        .map((key) => [key, [...table[key]!].sort()]),
    );

  it("AZURE_TOKEN_HOSTS holds exactly each service's hosts, frozen all the way down", () => {
    expect(sorted(AZURE_TOKEN_HOSTS)).toEqual(sorted(expected));
    expect(Object.isFrozen(AZURE_TOKEN_HOSTS)).toBe(true);
    for (const hosts of Object.values(AZURE_TOKEN_HOSTS)) expect(Object.isFrozen(hosts)).toBe(true);
  });

  it("AZURE_CUSTOMER_HOSTS holds exactly the customer-run suffixes", () => {
    expect([...AZURE_CUSTOMER_HOSTS].sort()).toEqual(
      [
        "*.cloudapp.azure.com",
        "*.cloudapp.net",
        "*.usgovcloudapp.net",
        "*.chinacloudapp.cn",
        "*.azurewebsites.net",
        "*.azurewebsites.us",
        "*.chinacloudsites.cn",
        "*.azurecontainerapps.io",
        "*.azurecontainer.io",
        "*.azurestaticapps.net",
        "*.trafficmanager.net",
        "*.azurefd.net",
        "*.azureedge.net",
        "*.azure-api.net",
        "*.azure-api.us",
        "*.azure-api.cn",
        "*.servicebus.windows.net",
        "*.servicebus.usgovcloudapi.net",
        "*.servicebus.chinacloudapi.cn",
        "*.web.core.windows.net",
        "*.web.core.usgovcloudapi.net",
        "*.web.core.chinacloudapi.cn",
      ].sort(),
    );
    expect(Object.isFrozen(AZURE_CUSTOMER_HOSTS)).toBe(true);
  });
});
