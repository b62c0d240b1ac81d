// Trust generation for each service: what to enter in its console or Admin API, one exact subject per rule.
import { describe, expect, it } from "vitest";
import { anthropicTrust } from "../src/anthropic.js";
import { openaiTrust } from "../src/openai.js";
import { openrouterTrust } from "../src/openrouter.js";

const SITE = "5b0c2a71-1c3e-4d6b-9a51-0f7a2f1e9c11";
const ISSUER = "https://llm.example.com/oidc/production";
const SUB = `site:${SITE}:context:production:function:chat`;
const JWKS = { keys: [{ kty: "EC", crv: "P-256", x: "x", y: "y", kid: "k1", alg: "ES256" }] };

describe("service trust", () => {
  it("OpenAI: a workload identity provider (issuer, audience, discovery) and a mapping of one subject", () => {
    expect(openaiTrust({ issuer: ISSUER, subject: SUB, serviceAccountId: "svc_1" })).toMatchObject({
      workloadIdentityProvider: {
        issuer: ISSUER,
        audience: "https://api.openai.com/v1",
        type: "oidc",
        verification: { type: "discovery", discovery_url: null },
      },
      serviceAccountMapping: { serviceAccountId: "svc_1", subject: SUB },
    });
  });

  it("Anthropic: issuer with jti checks and the lifetime cap; a rule matching the exact subject and audience", () => {
    const trust = anthropicTrust({ issuer: ISSUER, subject: SUB, name: "chat" });
    expect(trust.federationIssuer).toEqual({
      name: "chat",
      issuer_url: ISSUER,
      jwks: { type: "discovery" },
      check_jti: true,
      max_jwt_lifetime_seconds: 3600,
    });
    expect(trust.federationRule).toEqual({
      name: "chat",
      match: { subject_prefix: SUB, audience: "https://api.anthropic.com" },
      oauth_scope: "workspace:inference",
      token_lifetime_seconds: 3600,
    });
    expect(trust.notes.join(" ")).not.toMatch(/rotation/);
  });

  it("an inline JWKS is registered as given, and the trust says every rotation is then a manual step", () => {
    const anthropic = anthropicTrust({ issuer: ISSUER, subject: SUB, jwks: JWKS });
    expect(anthropic.federationIssuer.jwks).toEqual({ type: "inline", keys: JWKS.keys });
    expect(anthropic.notes.join(" ")).toMatch(/every key rotation .* console or Admin API/);
    const openai = openaiTrust({ issuer: ISSUER, subject: SUB, serviceAccountId: "s", jwks: JWKS });
    expect(openai.workloadIdentityProvider.verification).toEqual({ type: "uploaded_jwks", jwks: JWKS });
    expect(openai.notes.join(" ")).toMatch(/every key rotation/);
  });

  it("refuses private key material, http issuers and patterns a service cannot match", () => {
    const priv = { keys: [{ ...JWKS.keys[0], d: "secret" }] };
    expect(() => anthropicTrust({ issuer: ISSUER, subject: SUB, jwks: priv })).toThrow(/no private/);
    expect(() => openrouterTrust({ issuer: "http://llm.example.com/oidc/production", subject: SUB })).toThrow(
      /https URL/,
    );
    // A local emulator on loopback is the one http issuer accepted.
    expect(
      openrouterTrust({ issuer: "http://127.0.0.1:8888/oidc/production", subject: SUB }).issuer.issuerUrl,
    ).toBe("http://127.0.0.1:8888/oidc/production");
    expect(() =>
      openrouterTrust({ issuer: ISSUER, subject: `site:${SITE}:context:production:user:*` }),
    ).toThrow(/one exact subject/);
    expect(
      anthropicTrust({ issuer: ISSUER, subject: "site:x:user:*" }).federationRule.match.subject_prefix,
    ).toBe("site:x:user:*");
    expect(() => anthropicTrust({ issuer: ISSUER, subject: "site:*:user:*" })).toThrow(/not the pattern/);
  });

  it("OpenRouter: an issuer by discovery and a policy of one subject and audience; says it is enabled on request", () => {
    const trust = openrouterTrust({ issuer: ISSUER, subject: SUB });
    expect(trust.issuer).toEqual({ name: "fedkit", issuerUrl: ISSUER, jwksUrl: null });
    expect(trust.policy).toEqual({ subject: SUB, audience: "https://openrouter.ai", scope: "inference" });
    expect(trust.notes[0]).toMatch(/on request/);
  });
});
