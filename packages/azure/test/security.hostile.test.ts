// azureFetch through the shared hostile-case table, and the resource-bound host rule: a token goes only to the
// hosts of the service it is for, never to a customer-controlled name under a Microsoft domain.
import type { AccessToken, Credentials, Provider } from "@fedkit/core";
import { FederationError } from "@fedkit/core";
import { testAuthorizedFetchHostileCases } from "@fedkit/core/testing";
import { serveLoopback } from "@fedkit/test-support/loopback";
import { describe, expect, it } from "vitest";
import { AZURE_CUSTOMER_HOSTS, azureFetch, azureProvider, azureTokenHosts } from "../src/index.js";

const BEARER = "opaque-entra-bearer-HOSTILE-0123456789";
const base = {
  clientId: "00000000-1111-2222-3333-444444444444",
  tenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47",
  env: () => ({}),
};

function client(scope: string, options: Parameters<typeof azureFetch>[2] = {}) {
  let asked = 0;
  const federation = {
    async getCredentials<C extends Credentials>(_p: Provider<C>) {
      asked++;
      const token: AccessToken = {
        kind: "access-token",
        token: BEARER,
        tokenType: "Bearer",
        expiresAt: Date.now() + 3600_000,
      };
      return token as unknown as C;
    },
  };
  const fetch = azureFetch(federation, azureProvider({ ...base, scope }), options);
  return { fetch, credentialRequests: () => asked };
}

testAuthorizedFetchHostileCases(
  {
    name: "azureFetch (storage token)",
    officialUrl: "https://account.blob.core.windows.net/container/blob.txt",
    customerUrls: [
      "https://myvm.westeurope.cloudapp.azure.com/collect",
      "https://shop.azurewebsites.net/collect",
      "https://app.kindwave-1234.westeurope.azurecontainerapps.io/",
      "https://shop.trafficmanager.net/",
      "https://shop-abc.z01.azurefd.net/",
      "https://shop.azureedge.net/",
      "https://shop.azure-api.net/",
      "https://relay-ns.servicebus.windows.net/hc",
      "https://account.z13.web.core.windows.net/",
      // Under the old `*.windows.net` / `*.azure.com` wildcards, not storage hosts.
      "https://account.vault.azure.net/secrets/x",
      "https://management.azure.com/subscriptions",
    ],
    secret: BEARER,
    create: ({ fetch, allowedOrigins, timeoutMs }) =>
      client("https://storage.azure.com/.default", {
        ...(fetch === undefined ? {} : { fetch: (input) => fetch(input as Request) }),
        ...(allowedOrigins === undefined ? {} : { allowedOrigins }),
        ...(timeoutMs === undefined ? {} : { timeoutMs }),
      }),
  },
  serveLoopback,
  { describe, it, expect },
);

describe("azureFetch ties hosts to the token's resource", () => {
  const cases: Array<[scope: string, allowed: string[], refused: string[]]> = [
    [
      "https://storage.azure.com/.default",
      [
        "https://acct.blob.core.windows.net/c/b",
        "https://acct.dfs.core.windows.net/fs/p",
        "https://acct.queue.core.usgovcloudapi.net/q",
        "https://acct.table.core.chinacloudapi.cn/t",
        "https://acct.privatelink.file.core.windows.net/s",
        "https://acct.z01.blob.storage.azure.net/c/b",
      ],
      [
        "https://myvault.vault.azure.net/secrets/s",
        "https://acct.web.core.windows.net/",
        "https://x.windows.net/",
      ],
    ],
    [
      "https://vault.azure.net/.default",
      [
        "https://myvault.vault.azure.net/secrets/s",
        "https://v.vault.usgovcloudapi.net/",
        "https://v.vault.azure.cn/",
      ],
      ["https://acct.blob.core.windows.net/c/b", "https://management.azure.com/"],
    ],
    [
      "https://management.azure.com/.default",
      [
        "https://management.azure.com/subscriptions",
        "https://management.usgovcloudapi.net/",
        "https://management.chinacloudapi.cn/",
      ],
      [
        "https://myvm.westeurope.cloudapp.azure.com/",
        "https://portal.azure.com/",
        "https://acct.blob.core.windows.net/c",
      ],
    ],
    [
      "https://graph.microsoft.com/.default",
      ["https://graph.microsoft.com/v1.0/me", "https://graph.microsoft.us/v1.0/"],
      ["https://management.azure.com/"],
    ],
    [
      "https://managedhsm.azure.net/.default",
      ["https://hsm1.managedhsm.azure.net/keys", "https://hsm1.managedhsm.azure.cn/keys"],
      ["https://myvault.vault.azure.net/secrets/s"],
    ],
    [
      "https://cosmos.azure.com/.default",
      ["https://acct.documents.azure.com/dbs", "https://acct.documents.azure.us/dbs"],
      ["https://acct.blob.core.windows.net/c"],
    ],
    [
      "https://cognitiveservices.azure.com/.default",
      ["https://res.openai.azure.com/openai/deployments", "https://res.cognitiveservices.azure.com/"],
      ["https://res.documents.azure.com/"],
    ],
    // A resource fedkit does not know: its own host (the token's audience), nothing else.
    ["https://api.contoso.com/.default", ["https://api.contoso.com/orders"], ["https://other.contoso.com/"]],
    [
      "https://shop.azurewebsites.net/.default",
      ["https://shop.azurewebsites.net/api"],
      ["https://evil.azurewebsites.net/"],
    ],
    ["api://11111111-2222-3333-4444-555555555555/.default", [], ["https://api.contoso.com/"]],
  ];
  for (const [scope, allowed, refused] of cases) {
    it(`a ${scope} token`, async () => {
      const sent: string[] = [];
      const c = client(scope, {
        fetch: async (input) => {
          sent.push(new URL((input as Request).url).host);
          return new Response("ok");
        },
      });
      for (const url of allowed) await c.fetch(url);
      for (const url of refused) {
        const error = await c.fetch(url).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(FederationError);
        expect((error as FederationError).code).toBe("endpoint_refused");
      }
      expect(sent).toEqual(allowed.map((u) => new URL(u).host));
      expect(c.credentialRequests()).toBe(allowed.length);
    });
  }

  it("a provider with neither resource nor scope gets no official hosts: only allowedOrigins", async () => {
    let sent = 0;
    const bare = {
      cloud: "azure",
      key: "bare",
      audience: "api://AzureADTokenExchange",
      target: {},
      exchange: async () => ({}),
    } as unknown as Provider<AccessToken>;
    const federation = {
      async getCredentials<C extends Credentials>(_p: Provider<C>) {
        return {
          kind: "access-token",
          token: BEARER,
          tokenType: "Bearer",
          expiresAt: Date.now() + 1e6,
        } as unknown as C;
      },
    };
    const transport = async () => {
      sent++;
      return new Response("ok");
    };
    const refused = azureFetch(federation, bare, { fetch: transport });
    await expect(refused("https://acct.blob.core.windows.net/c/b")).rejects.toMatchObject({
      code: "endpoint_refused",
    });
    const optedIn = azureFetch(federation, bare, {
      fetch: transport,
      allowedOrigins: ["https://api.contoso.com"],
    });
    await optedIn("https://api.contoso.com/x");
    expect(sent).toBe(1);
  });

  it("resource ids are matched case- and slash-insensitively, and app ids name the same service", () => {
    expect(azureTokenHosts("https://Storage.Azure.com/")).toEqual(
      azureTokenHosts("https://storage.azure.com"),
    );
    expect(azureTokenHosts("e406a681-f3d4-42a8-90b6-c2b029497af1")).toEqual(
      azureTokenHosts("https://storage.azure.com"),
    );
    expect(azureTokenHosts("https://api.contoso.com:8443")).toEqual([]);
  });

  it("the customer-host list is never matched by a known resource's hosts", async () => {
    const samples = [
      "a.cloudapp.azure.com",
      "a.azurewebsites.net",
      "a.servicebus.windows.net",
      "a.web.core.windows.net",
    ];
    for (const resource of [
      "https://storage.azure.com",
      "https://vault.azure.net",
      "https://management.azure.com",
    ]) {
      const c = client(`${resource}/.default`, { fetch: async () => new Response("ok") });
      for (const host of samples) {
        expect(AZURE_CUSTOMER_HOSTS.some((p) => host.endsWith(p.slice(1)))).toBe(true);
        await expect(c.fetch(`https://${host}/`)).rejects.toMatchObject({
          code: "endpoint_refused",
          message: expect.stringMatching(/customers run their own code/),
        });
      }
    }
  });

  it("an opted-in origin (Azurite, a Service Bus namespace) gets the bearer and storage headers", async () => {
    const seen: Request[] = [];
    const c = client("https://storage.azure.com/.default", {
      allowedOrigins: ["https://ns.servicebus.windows.net", "http://127.0.0.1:10000"],
      fetch: async (input) => {
        seen.push(input as Request);
        return new Response("ok");
      },
    });
    await c.fetch("https://ns.servicebus.windows.net/queue/messages", { method: "POST", body: "m" });
    await c.fetch("http://127.0.0.1:10000/devstoreaccount1/c/b");
    expect(seen.map((r) => r.headers.get("authorization"))).toEqual([`Bearer ${BEARER}`, `Bearer ${BEARER}`]);
    expect(seen[1]!.headers.get("x-ms-version")).toBe("2025-01-05");
  });
});
