// `federation.peek(provider, source)`: getCredentials' hit without per-call options, for adapters that build
// those options only when a call needs them. It must serve exactly what getCredentials would serve at once (the
// same settled promise) and nothing else: no exchange, refresh, audit event or getToken, and `undefined` whenever
// the call would need more than the front entry of that provider and that source's token.
import { createFederation, type SubjectToken, type SubjectTokenSource } from "@fedkit/core";
import { memoryAudit } from "@fedkit/core/audit";
import { describe, expect, it } from "vitest";
import { fakeProvider, jwt } from "./helpers.js";

const T0 = 1_700_000_000_000;

/** A source with one token at hand (peek) that counts getToken calls. */
function peekingSource(token: SubjectToken) {
  let gets = 0;
  const source: SubjectTokenSource & { readonly gets: number } = {
    name: "peeking",
    get gets() {
      return gets;
    },
    peek: () => token,
    async getToken() {
      gets++;
      return token;
    },
  };
  return source;
}

function setup() {
  let time = T0;
  const audit = memoryAudit();
  const federation = createFederation({ audit, now: () => time });
  const token = (sub: string) =>
    jwt({ iss: "https://site.example", sub, aud: "sts.amazonaws.com", exp: T0 / 1000 + 7200 }, "minted");
  return { federation, audit, token, advance: (ms: number) => (time += ms) };
}

describe("federation.peek serves getCredentials' hit and nothing more", () => {
  it("undefined until the front entry exists, then the very promise getCredentials returns; no side effects", async () => {
    const { federation, audit, token } = setup();
    const sts = fakeProvider();
    const source = peekingSource(token("function-a"));
    expect(federation.peek?.(sts, source)).toBeUndefined();
    await federation.getCredentials(sts, { source }); // the exchange
    await federation.getCredentials(sts, { source }); // the first hit makes the front entry
    const hit = federation.getCredentials(sts, { source });
    const events = audit.events.length;
    expect(federation.peek?.(sts, source)).toBe(hit);
    expect(federation.peek?.(sts, source)).toBe(hit);
    expect(audit.events).toHaveLength(events);
    expect(sts.calls).toBe(1);
    expect(source.gets).toBe(0); // its token was at hand throughout
  });

  it("never serves another subject, another provider or a source without a token at hand", async () => {
    const { federation, token } = setup();
    const sts = fakeProvider();
    const source = peekingSource(token("function-a"));
    for (let i = 0; i < 3; i++) await federation.getCredentials(sts, { source });
    expect(federation.peek?.(sts, source)).toBeDefined();
    // The same claims in another token object: the key is derived on getCredentials' path, not here.
    expect(federation.peek?.(sts, peekingSource(token("function-a")))).toBeUndefined();
    expect(federation.peek?.(sts, peekingSource(token("function-b")))).toBeUndefined();
    expect(federation.peek?.(fakeProvider({ key: "role=other" }), source)).toBeUndefined();
    const nothingAtHand: SubjectTokenSource = { name: "remote", getToken: source.getToken };
    expect(federation.peek?.(sts, nothingAtHand)).toBeUndefined();
    const throwing: SubjectTokenSource = {
      ...nothingAtHand,
      peek: () => {
        throw new Error("peek failed");
      },
    };
    expect(federation.peek?.(sts, throwing)).toBeUndefined();
  });

  it("undefined once a refresh is due: getCredentials then refreshes and audits with the caller's id", async () => {
    const { federation, audit, token, advance } = setup();
    const sts = fakeProvider();
    const source = peekingSource(token("function-a"));
    for (let i = 0; i < 3; i++) await federation.getCredentials(sts, { source });
    // Past 75% of the hour the credentials last, within their validity: a hit that refreshes.
    advance(50 * 60_000);
    expect(federation.peek?.(sts, source)).toBeUndefined();
    expect(sts.calls).toBe(1);
    await federation.getCredentials(sts, { source, correlationId: "req-9" });
    await federation.flush();
    expect(sts.calls).toBe(2);
    const refresh = audit.events.find((event) => event.type === "refresh");
    expect(refresh?.correlationId).toBe("req-9");
  });
});
