// gcpFetch through the shared hostile-case table, and the one GCP bearer rule (gcpBearerHosts): access tokens
// only to Google's API hosts, never to customer services on Google domains; ID tokens only to their audience.
import type { AccessToken, Federation } from "@fedkit/core";
import { FederationError } from "@fedkit/core";
import { testAuthorizedFetchHostileCases } from "@fedkit/core/testing";
import { serveLoopback } from "@fedkit/test-support/loopback";
import { describe, expect, it } from "vitest";
import {
  GCP_CUSTOMER_HOSTS,
  type GcpProvider,
  gcpFetch,
  gcpIdTokenProvider,
  gcpProvider,
} from "../src/index.js";
import { FedkitAuthClient } from "../src/node/index.js";

const BEARER = "ya29.c.HOSTILE-CASE-BEARER-must-stay-put";
const audience =
  "//iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/p/providers/s";

function counting() {
  let asked = 0;
  const federation = {
    async getCredentials() {
      asked++;
      const token: AccessToken = {
        kind: "access-token",
        token: BEARER,
        tokenType: "Bearer",
        expiresAt: Date.now() + 3_600_000,
      };
      return token;
    },
  } as unknown as Federation;
  return { federation, asked: () => asked };
}

function client(
  provider: GcpProvider,
  options: {
    fetch?: (r: Request) => Promise<Response>;
    allowedOrigins?: readonly string[];
    timeoutMs?: number;
  },
) {
  const { federation, asked } = counting();
  const { fetch, ...rest } = options;
  const gfetch = gcpFetch(federation, provider, {
    ...rest,
    ...(fetch === undefined ? {} : { fetch: (url, init) => fetch(new Request(url, init)) }),
  });
  return { fetch: gfetch, credentialRequests: asked };
}

const CUSTOMER_URLS = [
  "https://orders-abc123-uc.a.run.app/collect",
  "https://us-central1-my-project.cloudfunctions.net/fn",
  "https://my-project.appspot.com/",
  "https://gw-abc.uc.gateway.dev/",
  "https://api.endpoints.my-project.cloud.goog/",
  "https://my-site.web.app/",
];

testAuthorizedFetchHostileCases(
  {
    name: "gcpFetch (access token)",
    officialUrl: "https://storage.googleapis.com/storage/v1/b/reports/o/daily.csv?alt=media",
    customerUrls: CUSTOMER_URLS,
    secret: BEARER,
    create: (options) => client(gcpProvider({ audience }), options),
  },
  serveLoopback,
  { describe, it, expect },
);

testAuthorizedFetchHostileCases(
  {
    name: "gcpFetch (ID token for a Cloud Run service)",
    officialUrl: "https://orders-abc123-uc.a.run.app/orders",
    // The ID token is for orders-abc123; another Cloud Run service, or Google's APIs, are not its audience.
    customerUrls: [
      "https://attacker-xyz-uc.a.run.app/collect",
      "https://storage.googleapis.com/storage/v1/b",
    ],
    secret: BEARER,
    create: (options) =>
      client(
        gcpIdTokenProvider({
          audience,
          serviceAccount: "invoker@my-project.iam.gserviceaccount.com",
          targetAudience: "https://orders-abc123-uc.a.run.app",
        }),
        options,
      ),
  },
  serveLoopback,
  { describe, it, expect },
);

testAuthorizedFetchHostileCases(
  {
    name: "FedkitAuthClient.fetch (google-auth-library adapter)",
    officialUrl: "https://storage.googleapis.com/storage/v1/b/reports/o/daily.csv?alt=media",
    customerUrls: CUSTOMER_URLS,
    secret: BEARER,
    create: ({ fetch, allowedOrigins, timeoutMs }) => {
      const { federation, asked } = counting();
      const auth = new FedkitAuthClient(federation, gcpProvider({ audience }), {
        ...(allowedOrigins === undefined ? {} : { allowedOrigins }),
        ...(timeoutMs === undefined ? {} : { timeoutMs }),
      });
      // gaxios's transport: the table's recorder, fed the way gaxios calls it.
      const fetchImplementation =
        fetch === undefined
          ? undefined
          : (((url: string | URL, init?: RequestInit) =>
              fetch(new Request(url, init))) as typeof globalThis.fetch);
      return {
        fetch: async (input, init) => {
          // Status and body as the table reads them: gaxios neither throws on 4xx/5xx nor reads the body.
          const extra = {
            retry: false,
            responseType: "stream" as const,
            validateStatus: () => true,
            ...(fetchImplementation ? { fetchImplementation } : {}),
          };
          const res = await auth.fetch(input as string, { ...init, ...extra } as RequestInit);
          return res as unknown as Response;
        },
        credentialRequests: asked,
      };
    },
  },
  serveLoopback,
  { describe, it, expect },
);

describe("the GCP bearer rule", () => {
  it("every customer service suffix is refused for an access token, with the reason", async () => {
    expect(CUSTOMER_URLS.length).toBe(GCP_CUSTOMER_HOSTS.length - 1);
    const c = client(gcpProvider({ audience }), { fetch: async () => new Response("ok") });
    for (const url of [...CUSTOMER_URLS, "https://my-site.firebaseapp.com/"]) {
      const error = await c.fetch(url).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(FederationError);
      expect((error as FederationError).code).toBe("endpoint_refused");
      // The refusal names why (GCP_CUSTOMER_HOSTS), not just "not an official host".
      expect((error as FederationError).message).toMatch(/customer's service/);
    }
    expect(c.credentialRequests()).toBe(0);
  });

  it("an access token reaches Google's API hosts: global, regional, mTLS and Private Service Connect names", async () => {
    const sent: string[] = [];
    const c = client(gcpProvider({ audience }), {
      fetch: async (r) => {
        sent.push(new URL(r.url).host);
        return new Response("ok");
      },
    });
    const hosts = [
      "storage.googleapis.com",
      "us-central1-aiplatform.googleapis.com",
      "storage.mtls.googleapis.com",
      "storage-myendpoint.p.googleapis.com",
    ];
    for (const host of hosts) await c.fetch(`https://${host}/v1/x`);
    expect(sent).toEqual(hosts);
  });

  it("an opted-in customer origin is the caller's explicit choice", async () => {
    const sent: string[] = [];
    const c = client(gcpProvider({ audience }), {
      allowedOrigins: ["https://orders-abc123-uc.a.run.app"],
      fetch: async (r) => {
        sent.push(r.headers.get("authorization") ?? "");
        return new Response("ok");
      },
    });
    await c.fetch("https://orders-abc123-uc.a.run.app/x");
    expect(sent).toEqual([`Bearer ${BEARER}`]);
  });

  it("authorizes a copy of the caller's Request: its headers and body are sent, the bearer never lands on its object", async () => {
    const sent: Request[] = [];
    const c = client(gcpProvider({ audience }), {
      fetch: async (r) => {
        sent.push(r);
        return new Response("ok");
      },
    });
    const mine = new Request("https://storage.googleapis.com/upload/storage/v1/b/x/o?name=a", {
      method: "POST",
      headers: { "x-goog-user-project": "billing" },
      body: "payload",
    });
    await c.fetch(mine);
    expect(sent[0]?.headers.get("authorization")).toBe(`Bearer ${BEARER}`);
    expect(sent[0]?.headers.get("x-goog-user-project")).toBe("billing");
    expect(await sent[0]?.text()).toBe("payload");
    expect(mine.headers.has("authorization")).toBe(false);
  });

  it("FedkitAuthClient applies the same rule (customer services, dot segments) before asking for a token", async () => {
    const { federation, asked } = counting();
    const auth = new FedkitAuthClient(federation, gcpProvider({ audience }));
    for (const url of [...CUSTOMER_URLS, "https://storage.googleapis.com/storage/v1/b/x/o/a/../b"]) {
      await expect(auth.getRequestHeaders(url)).rejects.toBeInstanceOf(FederationError);
      await expect(auth.request({ url })).rejects.toBeInstanceOf(FederationError);
    }
    expect(asked()).toBe(0);
    const headers = await auth.getRequestHeaders("https://pubsub.googleapis.com/v1/projects/p/topics");
    expect(headers.get("authorization")).toBe(`Bearer ${BEARER}`);
  });

  it("FedkitAuthClient.request never follows a redirect, even when the caller asks to", async () => {
    const target = await serveLoopback(() => ({ status: 200 }));
    const origin = await serveLoopback(() => ({
      status: 307,
      headers: { location: `${target.origin}/collect` },
    }));
    try {
      const auth = new FedkitAuthClient(counting().federation, gcpProvider({ audience }), {
        allowedOrigins: [origin.origin],
      });
      for (const redirect of ["follow", "manual", undefined] as const) {
        await auth
          .request({ url: `${origin.origin}/storage/v1/b`, retry: false, ...(redirect ? { redirect } : {}) })
          .catch(() => undefined);
      }
      expect(origin.requests.length).toBe(3);
      expect(target.requests.length).toBe(0);
    } finally {
      await Promise.all([origin.close(), target.close()]);
    }
  });
});
