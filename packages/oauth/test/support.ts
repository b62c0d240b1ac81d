/// <reference types="node" />
/** The emulator with every service these tests federate to, and helpers to mint subject tokens for them. */
import type { SubjectToken } from "@fedkit/core";
import { decodeSubjectToken } from "@fedkit/core/provider";
import { addSaasService, type Emulator, startEmulator } from "@fedkit/emulator";

export const ORG = "00000000-0000-0000-0000-000000000001";
export const SUBJECT = "site:5d1f:context:production:function:chat";
export const OPENAI_AUD = "https://api.openai.com/v1";
export const ANTHROPIC_AUD = "https://api.anthropic.com";
export const OPENROUTER_AUD = "https://openrouter.ai";
export const GENERIC_AUD = "https://sts.example.test";

export interface SaasFixture {
  readonly emulator: Emulator;
  /** The SaaS listener's origin, to opt in with `allowedOrigins`. */
  readonly origin: string;
  readonly base: { openai: string; anthropic: string; openrouter: string; exchange: string; bearer: string };
  mint(
    aud: string,
    sub?: string,
    claims?: Record<string, unknown>,
    ttlSeconds?: number,
  ): Promise<SubjectToken>;
  close(): Promise<void>;
}

/**
 * Starts an emulator with OpenAI, Anthropic, OpenRouter and generic RFC 8693 / RFC 7523 services. Their issuer's
 * keys are inline by default: the provider contract disables `globalThis.fetch` during an exchange, which the
 * in-process emulator's discovery would use too. `keys: "discovery"` makes them fetch the IdP's JWKS.
 */
export async function startSaas(options: { keys?: "inline" | "discovery" } = {}): Promise<SaasFixture> {
  const emulator = await startEmulator({ saas: {} });
  const issuer = emulator.idp.issuer;
  const keys =
    options.keys === "discovery"
      ? { type: "discovery" as const }
      : {
          type: "inline" as const,
          jwks: emulator.idp.jwks() as unknown as { keys: Record<string, unknown>[] },
        };
  const openai = addSaasService(emulator, {
    name: "openai",
    preset: "openai",
    issuers: [{ issuer, keys, id: "wip_ci", audience: OPENAI_AUD }],
    bindings: [{ id: "svc_chat", issuer, subject: SUBJECT }],
  });
  const anthropic = addSaasService(emulator, {
    name: "anthropic",
    preset: "anthropic",
    organizationId: ORG,
    issuers: [{ issuer, keys }],
    bindings: [
      { id: "fdrl_chat", issuer, subject: SUBJECT, audience: ANTHROPIC_AUD, scope: "workspace:inference" },
    ],
  });
  const openrouter = addSaasService(emulator, {
    name: "openrouter",
    preset: "openrouter",
    issuers: [{ issuer, keys }],
    bindings: [{ id: "pol_chat", issuer, subject: SUBJECT, audience: OPENROUTER_AUD }],
  });
  const exchange = addSaasService(emulator, {
    name: "exchange",
    preset: "rfc8693",
    issuers: [{ issuer, keys, audience: GENERIC_AUD }],
    bindings: [{ id: "reader", issuer, subject: SUBJECT, target: "https://api.example.test/" }],
  });
  const bearer = addSaasService(emulator, {
    name: "bearer",
    preset: "rfc7523",
    issuers: [{ issuer, keys }],
    bindings: [{ id: "reader", issuer, subject: SUBJECT }],
  });
  return {
    emulator,
    origin: new URL(openai).origin,
    base: { openai, anthropic, openrouter, exchange, bearer },
    mint: async (aud, sub = SUBJECT, claims, ttlSeconds) =>
      decodeSubjectToken(
        await emulator.idp.mint({
          sub,
          aud,
          ...(claims === undefined ? {} : { claims }),
          ...(ttlSeconds === undefined ? {} : { ttlSeconds }),
        }),
      ),
    close: () => emulator.stop(),
  };
}
