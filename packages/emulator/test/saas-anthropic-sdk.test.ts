/// <reference types="node" />
/**
 * The official `@anthropic-ai/sdk` runs its own workload-identity flow against the emulator: its
 * `oidcFederationProvider` posts the jwt-bearer grant to `${baseURL}/v1/oauth/token` exactly as it does in
 * production, then `messages.create` sends the minted bearer to `/v1/messages`.
 */
import Anthropic, { AuthenticationError } from "@anthropic-ai/sdk";
import { oidcFederationProvider } from "@anthropic-ai/sdk/lib/credentials/oidc-federation";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addSaasService, type Emulator, saasStateOf, startEmulator } from "../src/index.js";

const ORG = "00000000-0000-0000-0000-000000000001";
let emulator: Emulator;
let base: string;

beforeAll(async () => {
  emulator = await startEmulator({ saas: {} });
  base = addSaasService(emulator, {
    name: "anthropic",
    preset: "anthropic",
    organizationId: ORG,
    issuers: [{ issuer: emulator.idp.issuer }],
    bindings: [
      { id: "fdrl_ci", issuer: emulator.idp.issuer, subject: "ci", audience: "https://api.anthropic.com" },
    ],
  });
});
afterAll(() => emulator.stop());

const client = (sub: string) =>
  new Anthropic({
    baseURL: base,
    maxRetries: 0,
    credentials: oidcFederationProvider({
      baseURL: base,
      fetch: globalThis.fetch,
      federationRuleId: "fdrl_ci",
      organizationId: ORG,
      identityTokenProvider: () => emulator.idp.mint({ sub, aud: "https://api.anthropic.com" }),
    }),
  });

describe("@anthropic-ai/sdk against the emulated Anthropic", () => {
  it("exchanges the identity token and completes messages.create", async () => {
    const message = await client("ci").messages.create({
      model: "claude-sonnet-4-5",
      max_tokens: 16,
      messages: [{ role: "user", content: "hello" }],
    });
    expect(message.content).toEqual([{ type: "text", text: "echo: hello" }]);
    expect(saasStateOf(emulator).calls.get("anthropic")).toBeGreaterThan(0);
  });

  it("surfaces the emulator's invalid_grant for a subject the rule does not match", async () => {
    const call = client("someone-else").messages.create({
      model: "claude-sonnet-4-5",
      max_tokens: 16,
      messages: [{ role: "user", content: "hello" }],
    });
    await expect(call).rejects.toThrow(/invalid_grant/);
  });

  it("gets Anthropic's authentication_error from the echo API for a bearer it did not issue", async () => {
    const forged = new Anthropic({ baseURL: base, authToken: "sk-ant-oat01-forged", maxRetries: 0 });
    const call = forged.messages.create({
      model: "m",
      max_tokens: 1,
      messages: [{ role: "user", content: "x" }],
    });
    await expect(call).rejects.toBeInstanceOf(AuthenticationError);
  });
});
