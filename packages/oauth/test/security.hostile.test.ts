// Each service's fetch through core's shared hostile-case table: the bearer goes to the service's API hosts only
// (no look-alike, user-info, port or redirect trick), and OpenRouter's only under /api/ on its own site.
import type { AccessToken, Credentials, FederationError, Provider } from "@fedkit/core";
import { testAuthorizedFetchHostileCases } from "@fedkit/core/testing";
import { serveLoopback } from "@fedkit/test-support/loopback";
import { describe, expect, it } from "vitest";
import { anthropicFetch, anthropicProvider } from "../src/anthropic.js";
import type { FetchFn, ServiceFetchOptions } from "../src/index.js";
import { openaiFetch, openaiProvider } from "../src/openai.js";
import { openrouterFetch, openrouterProvider } from "../src/openrouter.js";

const BEARER = "federated-saas-bearer-HOSTILE-0123456789";

function federationDouble() {
  let asked = 0;
  return {
    asked: () => asked,
    async getCredentials<C extends Credentials>(_p: Provider<C>) {
      asked++;
      const token: AccessToken = {
        kind: "access-token",
        token: BEARER,
        tokenType: "Bearer",
        expiresAt: Date.now() + 60_000,
      };
      return token as unknown as C;
    },
  };
}

const services: Array<{
  name: string;
  officialUrl: string;
  customerUrls: string[];
  make: (f: ReturnType<typeof federationDouble>, o: ServiceFetchOptions) => FetchFn;
}> = [
  {
    name: "openaiFetch",
    officialUrl: "https://api.openai.com/v1/chat/completions",
    // The token endpoint and the web sites are OpenAI's, but not where an API bearer belongs.
    customerUrls: [
      "https://auth.openai.com/oauth/token",
      "https://platform.openai.com/",
      "https://chatgpt.com/",
    ],
    make: (f, o) => openaiFetch(f, openaiProvider({ identityProviderId: "w", serviceAccountId: "s" }), o),
  },
  {
    name: "anthropicFetch",
    officialUrl: "https://api.anthropic.com/v1/messages",
    customerUrls: [
      "https://console.anthropic.com/",
      "https://claude.ai/api/x",
      "https://docs.anthropic.com/",
    ],
    make: (f, o) =>
      anthropicFetch(f, anthropicProvider({ federationRuleId: "fdrl_1", organizationId: "o" }), o),
  },
  {
    name: "openrouterFetch",
    officialUrl: "https://openrouter.ai/api/v1/chat/completions",
    customerUrls: [
      "https://openrouter.ai/settings/keys",
      "https://openrouter.ai/",
      "https://docs.openrouter.ai/api/v1",
    ],
    make: (f, o) => openrouterFetch(f, openrouterProvider({ federationPolicyId: "p" }), o),
  },
];

for (const service of services) {
  testAuthorizedFetchHostileCases(
    {
      name: service.name,
      officialUrl: service.officialUrl,
      customerUrls: service.customerUrls,
      secret: BEARER,
      create: ({ fetch, allowedOrigins, timeoutMs }) => {
        const federation = federationDouble();
        const client = service.make(federation, {
          ...(fetch === undefined ? {} : { fetch: (input) => fetch(input as Request) }),
          ...(allowedOrigins === undefined ? {} : { allowedOrigins }),
          ...(timeoutMs === undefined ? {} : { timeoutMs }),
        });
        return { fetch: client, credentialRequests: federation.asked };
      },
    },
    serveLoopback,
    { describe, it, expect },
  );
}

describe("bearer requests", () => {
  it("replace an SDK's Authorization and x-api-key, and add Anthropic's OAuth beta flag to the SDK's own", async () => {
    const sent: Request[] = [];
    const federation = federationDouble();
    const api = anthropicFetch(
      federation,
      anthropicProvider({ federationRuleId: "fdrl_1", organizationId: "o" }),
      {
        fetch: async (request) => {
          sent.push(request as Request);
          return new Response("{}");
        },
      },
    );
    await api("https://api.anthropic.com/v1/messages", {
      method: "POST",
      headers: {
        authorization: "Bearer placeholder",
        "x-api-key": "sk-ant-stored",
        "anthropic-beta": "tools-1",
      },
      body: "{}",
    });
    expect(sent[0]?.headers.get("authorization")).toBe(`Bearer ${BEARER}`);
    expect(sent[0]?.headers.has("x-api-key")).toBe(false);
    expect(sent[0]?.headers.get("anthropic-beta")).toBe("tools-1,oauth-2025-04-20");
  });

  it("a refused URL costs no exchange", async () => {
    const federation = federationDouble();
    const api = openrouterFetch(federation, openrouterProvider({ federationPolicyId: "p" }));
    const error = await api("https://openrouter.ai/settings").catch((e: unknown) => e);
    expect((error as FederationError).code).toBe("endpoint_refused");
    expect(federation.asked()).toBe(0);
  });
});
