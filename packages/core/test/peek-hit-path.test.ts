// The engine's hit path for sources that peek per audience (the site issuer): `peek(audience, now)` is asked
// with the provider's audience and the federation's clock, a peeked token is held to the same checks as any
// other (audience, trust-based cache key), and a peeked hit costs no getToken call.
import {
  createFederation,
  type SubjectToken,
  type SubjectTokenSource,
  staticToken,
  type TokenRequest,
} from "@fedkit/core";
import { memoryAudit } from "@fedkit/core/audit";
import { describe, expect, it } from "vitest";
import { fakeProvider, jwt } from "./helpers.js";

const T0 = 1_700_000_000_000;
const nowS = T0 / 1000;

/** A source that mints per audience (like the site issuer) and records how it is asked. */
function mintingSource(trust: "minted" | "unverified" = "minted", sub = "function") {
  const held = new Map<string, SubjectToken>();
  const peeks: Array<[string, number]> = [];
  let gets = 0;
  let serial = 0;
  const source: SubjectTokenSource & { readonly gets: number } = {
    name: "minting",
    get gets() {
      return gets;
    },
    peek(audience: string, now: number) {
      peeks.push([audience, now]);
      return held.get(audience);
    },
    async getToken(request: TokenRequest) {
      gets++;
      const token = jwt(
        { iss: "https://site.example", sub, aud: request.audience, jti: `t${++serial}`, exp: nowS + 300 },
        trust,
      );
      held.set(request.audience, token);
      return token;
    },
  };
  return { source, peeks, held };
}

function setup() {
  let time = T0;
  const federation = createFederation({ audit: memoryAudit(), now: () => time });
  return { federation, advance: (ms: number) => (time += ms), now: () => time };
}

describe("peek(audience, now) on the hit path", () => {
  it("is asked for each provider's audience at the federation's clock; a peeked hit calls no getToken", async () => {
    const { federation, advance, now } = setup();
    const { source, peeks } = mintingSource();
    const sts = fakeProvider({ audience: "sts.amazonaws.com" });
    const gcp = fakeProvider({ audience: "//iam.googleapis.com/pool", key: "pool" });
    const first = await federation.getCredentials(sts, { source });
    expect(source.gets).toBe(1);
    advance(1000);
    expect(await federation.getCredentials(sts, { source })).toBe(first);
    expect(await federation.getCredentials(sts, { source })).toBe(first);
    expect(source.gets).toBe(1);
    await federation.getCredentials(gcp, { source });
    expect(source.gets).toBe(2);
    expect(peeks).toEqual([
      ["sts.amazonaws.com", T0],
      ["sts.amazonaws.com", now()],
      ["sts.amazonaws.com", now()],
      ["//iam.googleapis.com/pool", now()],
    ]);
    expect(sts.calls).toBe(1);
    expect(gcp.calls).toBe(1);
  });

  it("a peeked token of another audience is refused (audience_mismatch), never served or exchanged", async () => {
    const { federation } = setup();
    const wrong = jwt(
      { iss: "https://site.example", sub: "f", aud: "someone-else", exp: nowS + 300 },
      "minted",
    );
    const source: SubjectTokenSource = {
      name: "wrong-audience",
      peek: () => wrong,
      getToken: async () => wrong,
    };
    const provider = fakeProvider();
    await expect(federation.getCredentials(provider, { source })).rejects.toMatchObject({
      code: "audience_mismatch",
    });
    await expect(federation.getCredentials(provider, { source })).rejects.toMatchObject({
      code: "audience_mismatch",
    });
    expect(provider.calls).toBe(0);
  });

  it("a renewed minted token of the same subject hits; an unverified token claiming that subject does not", async () => {
    const { federation } = setup();
    const provider = fakeProvider();
    const minted = mintingSource("minted", "function-a");
    const first = await federation.getCredentials(provider, { source: minted.source });
    // The source renews: a new token object (new jti) of the same identity, served through peek.
    minted.held.clear();
    await minted.source.getToken({ audience: provider.audience, now: () => T0 });
    expect(await federation.getCredentials(provider, { source: minted.source })).toBe(first);
    expect(provider.calls).toBe(1);
    // Same claims, but unverified: keyed by its raw hash, so it never lands on the minted subject's entry.
    const forged = mintingSource("unverified", "function-a");
    const other = await federation.getCredentials(provider, { source: forged.source });
    expect(other).not.toBe(first);
    expect(provider.calls).toBe(2);
  });
});

describe("flush after a request", () => {
  it("with a sink that has no flush (consoleAudit's shape), still waits for a background refresh and its event", async () => {
    let time = T0;
    const events: string[] = [];
    const federation = createFederation({
      audit: { name: "lines", write: (event) => void events.push(event.type) },
      now: () => time,
      refresh: { jitterFraction: 0 },
    });
    let release: () => void = () => undefined;
    const provider = fakeProvider({
      behave: (_subject, call) =>
        call > 1 ? new Promise<void>((resolve) => (release = resolve)) : undefined,
    });
    const source = staticToken(
      jwt({ iss: "https://site.example", sub: "f", aud: provider.audience, exp: nowS + 100_000 }, "minted"),
    );
    await federation.getCredentials(provider, { source });
    // Past the refresh time: the hit starts a background refresh, which waits until released.
    time += 0.8 * 3_600_000;
    await federation.getCredentials(provider, { source });
    let flushed = false;
    const flushing = federation.flush().then(() => (flushed = true));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(flushed).toBe(false);
    release();
    await flushing;
    expect(events).toEqual(["exchange", "refresh"]);
    // Nothing pending: flush settles at once.
    await federation.flush();
  });
});

describe("front entries per provider", () => {
  it("callers alternating between two providers each keep their synchronous hit and their own credentials", async () => {
    const { federation } = setup();
    const { source } = mintingSource();
    const reports = fakeProvider({ key: "role=reports" });
    const billing = fakeProvider({ key: "role=billing" });
    const r = await federation.getCredentials(reports, { source });
    const b = await federation.getCredentials(billing, { source });
    expect(r).not.toBe(b);
    // The first hit of each sets its front entry; from then on the hits alternate.
    await federation.getCredentials(reports, { source });
    await federation.getCredentials(billing, { source });
    const promises = { reports: new Set<Promise<unknown>>(), billing: new Set<Promise<unknown>>() };
    for (let i = 0; i < 4; i++) {
      const pr = federation.getCredentials(reports, { source });
      const pb = federation.getCredentials(billing, { source });
      promises.reports.add(pr);
      promises.billing.add(pb);
      expect(await pr).toBe(r);
      expect(await pb).toBe(b);
    }
    // One settled promise per provider, handed out again: the hit allocates nothing, whichever was served last.
    expect(promises.reports.size).toBe(1);
    expect(promises.billing.size).toBe(1);
    expect(reports.calls + billing.calls).toBe(2);
  });

  it("two subjects alternating on one provider never get each other's credentials", async () => {
    const { federation } = setup();
    const provider = fakeProvider();
    const alice = mintingSource("minted", "alice").source;
    const bob = mintingSource("minted", "bob").source;
    const a = await federation.getCredentials(provider, { source: alice });
    const b = await federation.getCredentials(provider, { source: bob });
    expect(a).not.toBe(b);
    for (let i = 0; i < 3; i++) {
      expect(await federation.getCredentials(provider, { source: alice })).toBe(a);
      expect(await federation.getCredentials(provider, { source: bob })).toBe(b);
    }
    expect(provider.calls).toBe(2);
  });
});
