/// <reference types="node" />
// The official SDKs run on fedkit's federated tokens against the emulator: @anthropic-ai/sdk with
// anthropicCredentials (its token callback) and anthropicFetch; openai 7 with bearerToken (its apiKey callback) and
// openaiFetch. openai 7 declares Node >= 22: under Node 20 its test skips; scripts/run.mjs runs this package on 22.
import Anthropic from "@anthropic-ai/sdk";
import { callbackToken, createFederation, FederationError } from "@fedkit/core";
import { decodeSubjectToken } from "@fedkit/core/provider";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { anthropicCredentials, anthropicFetch, anthropicProvider } from "../src/anthropic.js";
import { bearerToken } from "../src/index.js";
import { openaiFetch, openaiProvider } from "../src/openai.js";
import { ORG, type SaasFixture, SUBJECT, startSaas } from "./support.js";

const NODE_MAJOR = Number(process.versions.node.split(".")[0]);
let fx: SaasFixture;
beforeAll(async () => {
  fx = await startSaas();
});
afterAll(() => fx.close());

const federation = () =>
  createFederation({
    source: callbackToken(async ({ audience }) =>
      decodeSubjectToken(await fx.emulator.idp.mint({ sub: SUBJECT, aud: audience })),
    ),
  });

describe("official SDKs on federated tokens", () => {
  it("@anthropic-ai/sdk: messages.create with anthropicCredentials + anthropicFetch, no API key", async () => {
    const f = federation();
    const claude = anthropicProvider({
      federationRuleId: "fdrl_chat",
      organizationId: ORG,
      baseUrl: fx.base.anthropic,
      allowedOrigins: [fx.origin],
    });
    const client = new Anthropic({
      baseURL: fx.base.anthropic,
      maxRetries: 0,
      credentials: anthropicCredentials(f, claude),
      fetch: anthropicFetch(f, claude, { allowedOrigins: [fx.origin] }),
    });
    const message = await client.messages.create({
      model: "claude-sonnet-4-5",
      max_tokens: 16,
      messages: [{ role: "user", content: "hello" }],
    });
    expect(message.content).toEqual([{ type: "text", text: "echo: hello" }]);
  });

  it("@anthropic-ai/sdk pointed at a host outside Anthropic's gets endpoint_refused before any exchange", async () => {
    const f = federation();
    const claude = anthropicProvider({ federationRuleId: "fdrl_chat", organizationId: ORG });
    const client = new Anthropic({
      baseURL: "https://anthropic.attacker.example",
      maxRetries: 0,
      authToken: "unused",
      fetch: anthropicFetch(f, claude),
    });
    const call = client.messages.create({
      model: "claude-sonnet-4-5",
      max_tokens: 16,
      messages: [{ role: "user", content: "hello" }],
    });
    // The SDK wraps what its fetch threw as a connection error; fedkit's refusal is the cause.
    const error = (await call.catch((e: unknown) => e)) as Error & { cause?: FederationError };
    expect(error.cause).toBeInstanceOf(FederationError);
    expect(error.cause?.code).toBe("endpoint_refused");
    expect(error.cause?.message).toContain("https://anthropic.attacker.example");
  });

  it.skipIf(NODE_MAJOR < 22)(
    `openai: chat.completions.create with bearerToken + openaiFetch (needs Node >= 22, as openai 7 declares; this is Node ${process.versions.node})`,
    async () => {
      const { default: OpenAI } = await import("openai");
      const f = federation();
      const openai = openaiProvider({
        identityProviderId: "wip_ci",
        serviceAccountId: "svc_chat",
        tokenUrl: `${fx.base.openai}/oauth/token`,
        allowedOrigins: [fx.origin],
      });
      const client = new OpenAI({
        baseURL: `${fx.base.openai}/v1`,
        maxRetries: 0,
        apiKey: bearerToken(f, openai),
        fetch: openaiFetch(f, openai, { allowedOrigins: [fx.origin] }),
      });
      const completion = await client.chat.completions.create({
        model: "gpt-4o-mini",
        messages: [{ role: "user", content: "hello" }],
      });
      expect(completion.choices[0]?.message.content).toBe("echo: hello");
    },
  );
});
