// Request and trace ids are cloud-supplied text: a hostile endpoint can echo a bearer through them. The core
// cleans them where errors and audit events are built, so every provider is covered.
import { createFederation, FederationError, type Provider, staticToken } from "@fedkit/core";
import { memoryAudit } from "@fedkit/core/audit";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { leaksSecret, secretForms } from "../src/util/secrets.js";
import { fakeProvider, rawJwt } from "./helpers.js";

const AUD = "sts.amazonaws.com";

describe("FederationError keeps only plausible ids", () => {
  it.each([
    ["a UUID", "0d5e2f7c-8a41-4b4e-9a6e-2f1c7d3b9e10"],
    ["an S3 hex id", "4442587FB7D0A2F9"],
    ["a Google id", "req_01HF8Z3ZK1Q9:abc.def"],
  ])("keeps %s", (_what, id) => {
    const error = new FederationError("access_denied", "no", { requestId: id, traceId: id });
    expect(error.requestId).toBe(id);
    expect(error.traceId).toBe(id);
  });

  it.each([
    ["a JWT", rawJwt({ sub: "s" })],
    ["a short JWT", "eyJhbGciOi.eyJzdWIi.c2lnbmF0dXJl"],
    ["an AWS access key id", "ASIAIOSFODNN7EXAMPLE1"],
    ["an AWS secret key", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"],
    ["a Google access token", "ya29.a0AfH6SMBx"],
    ["Bearer with a space", "Bearer abc"],
    ["a 129-character id", "a".repeat(129)],
    ["a newline (log injection)", "id\nfake log line"],
    ["markup", "<script>"],
  ])("replaces %s with [redacted]", (_what, id) => {
    const error = new FederationError("access_denied", "no", { requestId: id, traceId: id });
    expect(error.requestId).toBe("[redacted]");
    expect(error.traceId).toBe("[redacted]");
    expect(JSON.stringify(error.toJSON())).not.toContain(id);
  });

  it("property: whatever a cloud puts in an id, what is kept is short, of the id charset, and no token", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (id) => {
        const kept = new FederationError("network", "x", { requestId: id }).requestId;
        if (kept === undefined) return;
        expect(kept.length).toBeLessThanOrEqual(128);
        expect(kept === "[redacted]" || /^[A-Za-z0-9._:-]+$/.test(kept)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe("audit events of successful exchanges never carry a secret as the cloud's request id", () => {
  /** A provider whose cloud answers with `requestIdOf(subject raw, credentials)` as its request id. */
  function echoing(requestIdOf: (raw: string, secret: string) => string): Provider {
    const inner = fakeProvider();
    return {
      ...inner,
      async exchange(subject, ctx) {
        const result = await inner.exchange(subject, ctx);
        const secret = (result.credentials as { secretAccessKey: string }).secretAccessKey;
        return { ...result, requestId: requestIdOf(subject.raw, secret) };
      },
    };
  }

  it.each([
    ["the subject token", (raw: string) => raw],
    ["the subject token's signature", (raw: string) => raw.slice(raw.lastIndexOf(".") + 1)],
    ["the secret access key", (_raw: string, secret: string) => secret],
    ["the secret key inside an id", (_raw: string, secret: string) => `req-${secret}-1`],
  ])("echoing %s", async (_what, requestIdOf) => {
    const audit = memoryAudit();
    // A signature long enough to be cut out on its own, of the id charset (as an ES256 signature is).
    const raw = rawJwt({ iss: "https://idp.example", sub: "s", aud: AUD }, "S".repeat(40));
    const federation = createFederation({ audit, source: staticToken(raw) });
    const provider = echoing(requestIdOf);
    const credentials = await federation.getCredentials(provider);
    const secret = (credentials as unknown as { secretAccessKey: string }).secretAccessKey;
    const [event] = audit.events;
    expect(event?.type).toBe("exchange");
    expect(event?.requestId).toBe("[redacted]");
    const text = JSON.stringify(audit.events);
    expect(text).not.toContain(secret);
    expect(text).not.toContain("S".repeat(40));
  });

  it("keeps an ordinary request id", async () => {
    const audit = memoryAudit();
    const federation = createFederation({
      audit,
      source: staticToken(rawJwt({ iss: "https://idp.example", sub: "s", aud: AUD })),
    });
    await federation.getCredentials(echoing(() => "0d5e2f7c-8a41-4b4e-9a6e-2f1c7d3b9e10"));
    expect(audit.events[0]?.requestId).toBe("0d5e2f7c-8a41-4b4e-9a6e-2f1c7d3b9e10");
  });
});

describe("leaksSecret skips forms that cannot fit, and finds the same leaks", () => {
  /** The rule as written before the shortcut: every form of every secret looked for, whatever its length. */
  const reference = (value: string, secrets: readonly string[]) =>
    secrets.some(
      (secret) =>
        secret.length >= 8 &&
        (secretForms(secret).some((form) => value.includes(form)) ||
          (value.trim().length >= 16 && secret.includes(value.trim()))),
    );

  it("property: agrees with the reference rule on ids built from pieces of the secrets", () => {
    const piece = fc.stringMatching(/^[A-Za-z0-9._~ %/+=-]{0,40}$/);
    const secret = fc.tuple(piece, piece, piece).map(([a, b, c]) => `${a}.${b}.${c}`);
    fc.assert(
      fc.property(
        fc.array(secret, { maxLength: 3 }),
        piece,
        piece,
        fc.nat(3),
        (secrets, before, after, pick) => {
          const chosen = secrets[pick % Math.max(1, secrets.length)] ?? "";
          const inner = [chosen, encodeURIComponent(chosen), chosen.slice(chosen.lastIndexOf(".") + 1)][
            pick % 3
          ]!;
          for (const value of [`${before}${inner}${after}`, before, inner.slice(2, 30)])
            expect(leaksSecret(value, secrets)).toBe(reference(value, secrets));
        },
      ),
      { numRuns: 500 },
    );
  });

  it("finds a long token's signature in a short id without encoding the token", () => {
    const token = `${"h".repeat(40)}.${"p".repeat(900)}.${"S".repeat(40)}`;
    expect(leaksSecret(`req-${"S".repeat(40)}`, [token])).toBe(true);
    expect(leaksSecret("0d5e2f7c-8a41-4b4e-9a6e-2f1c7d3b9e10", [token])).toBe(false);
  });
});
