import { encryptedCache, importCacheKey } from "@fedkit/core/cache";
import {
  checkEndpoint,
  endpointRefusal,
  hostMatches,
  isLoopbackOrigin,
  sha256Hex,
} from "@fedkit/core/provider";
import { describe, expect, it } from "vitest";
import { refuseDotSegments } from "../src/authorized-fetch.js";
import { parseRetryAfter } from "../src/util/time.js";

// Core holds the mechanism only; each cloud's real tables are tested in its package (aws/test/sts-hosts.test.ts).
const aws = {
  cloud: "aws",
  officialHosts: [
    "sts.amazonaws.com",
    "sts.*.amazonaws.com",
    "sts-fips.*.amazonaws.com",
    "sts.*.amazonaws.com.cn",
  ],
};

describe("endpoints", () => {
  it.each([
    "https://sts.amazonaws.com/",
    "https://sts.eu-west-1.amazonaws.com/",
    "https://sts-fips.us-east-1.amazonaws.com/",
    "https://sts.cn-north-1.amazonaws.com.cn/",
  ])("accepts a host matching the rule's patterns: %s", (url) => {
    expect(checkEndpoint(url, aws).href).toBe(url);
  });

  it.each([
    ["http://sts.amazonaws.com/", "https"],
    ["https://sts.amazonaws.com:8443/", "port"],
    ["https://sts.amazonaws.com.evil.example/", "official"],
    ["https://evil-bucket.s3.amazonaws.com/", "official"],
    ["https://a.b.amazonaws.com/", "official"],
    ["https://user:pw@sts.amazonaws.com/", "user info"],
  ])("refuses %s", (url, why) => {
    expect(() => checkEndpoint(url, aws)).toThrow(why);
    // The same verdict without an error: what a provider asks of a custom endpoint before requiring an opt-in.
    expect(endpointRefusal(new URL(url), aws, false)).toContain(why);
  });

  it("endpointRefusal answers undefined exactly where checkEndpoint accepts", () => {
    expect(endpointRefusal(new URL("https://STS.amazonaws.com./"), aws, false)).toBeUndefined();
    expect(endpointRefusal(new URL("http://127.0.0.1:4566/"), aws, false)).toBe(
      "official hosts take only https",
    );
    expect(endpointRefusal(new URL("http://127.0.0.1:4566/"), aws, true)).toBeUndefined();
    // User info is refused even at an origin the user opted into.
    expect(endpointRefusal(new URL("http://u:p@127.0.0.1:4566/"), aws, true)).toBe("it carries user info");
  });

  it("matches a leading *. against one or more labels, never the bare suffix", () => {
    expect(hostMatches("acct.blob.core.windows.net", "*.core.windows.net")).toBe(true);
    expect(hostMatches("core.windows.net", "*.core.windows.net")).toBe(false);
  });

  it("matches a regular expression against the whole host, whatever anchors, | or flags it was written with", () => {
    const regional = /sts\.[a-z]{2}(?:-[a-z]+)+-\d\.example\.com/;
    expect(hostMatches("sts.eu-west-1.example.com", regional)).toBe(true);
    // Unanchored as written, yet neither a longer host nor a host around it matches.
    expect(hostMatches("sts.eu-west-1.example.com.evil.example", regional)).toBe(false);
    expect(hostMatches("evil-sts.eu-west-1.example.com", regional)).toBe(false);
    // `^a|b$` anchors each side only at one end: matched whole, neither side lets a longer host through.
    const either = /^api\.example\.com|auth\.example\.com$/;
    expect(hostMatches("api.example.com", either)).toBe(true);
    expect(hostMatches("api.example.com.evil.example", either)).toBe(false);
    expect(hostMatches("evil.auth.example.com", either)).toBe(false);
    // A g or y flag would make test() start where the previous match ended: the answer must not change.
    const sticky = /api\.example\.com/gy;
    expect([1, 2, 3].map(() => hostMatches("api.example.com", sticky))).toEqual([true, true, true]);
    // m would let ^ and $ match at a line break.
    expect(hostMatches("evil.example\napi.example.com", /api\.example\.com/m)).toBe(false);
  });

  it("refuses a regular expression whose dot matches any character, and a pattern of another type", () => {
    expect(() => hostMatches("stsxamazonaws.com", /sts.amazonaws\.com/)).toThrow(TypeError);
    expect(() => hostMatches("stsxamazonaws.com", /sts.amazonaws\.com/)).toThrow("escaped dots");
    // A dot in a character class is a dot; an escaped backslash does not escape the dot after it.
    expect(hostMatches("a.example.com", /a[.]example\.com/)).toBe(true);
    expect(() => hostMatches("a\\xexample.com", /a\\.example\.com/)).toThrow("escaped dots");
    expect(() => hostMatches("a.example.com", 42 as unknown as string)).toThrow(
      "Host pattern 42: use a string",
    );
    // Through checkEndpoint as through a provider's rule: the table is refused, not silently skipped.
    expect(() =>
      checkEndpoint("https://stsxamazonaws.com/", { cloud: "aws", officialHosts: [/sts.amazonaws\.com/] }),
    ).toThrow(TypeError);
  });

  it("allows an opted-in origin exactly, nothing near it", () => {
    const rule = { ...aws, allowedOrigins: ["http://127.0.0.1:4566"] };
    expect(checkEndpoint("http://127.0.0.1:4566/x", rule).port).toBe("4566");
    expect(() => checkEndpoint("http://127.0.0.1:4567/x", rule)).toThrow("Refused");
  });

  it("recognises loopback origins", () => {
    expect(isLoopbackOrigin("http://127.0.0.1:1")).toBe(true);
    expect(isLoopbackOrigin("http://localhost:1")).toBe(true);
    expect(isLoopbackOrigin("http://[::1]:1")).toBe(true);
    expect(isLoopbackOrigin("http://127.0.0.1.evil.example")).toBe(false);
    expect(isLoopbackOrigin("https://sts.amazonaws.com")).toBe(false);
  });
});

describe("helpers", () => {
  it("parses Retry-After seconds and dates", () => {
    expect(parseRetryAfter("3", 0)).toBe(3000);
    const now = Date.parse("Wed, 21 Oct 2015 07:28:00 GMT");
    expect(parseRetryAfter("Wed, 21 Oct 2015 07:28:05 GMT", now)).toBe(5000);
    expect(parseRetryAfter("Wed, 21 Oct 2015 07:27:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it("hashes like sha256sum", async () => {
    expect(await sha256Hex("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });
});

describe("encryptedCache", () => {
  it("stores nothing readable and binds each entry to its key (moved entries do not decrypt)", async () => {
    const items = new Map<string, string>();
    const storage = {
      getItem: async (k: string) => items.get(k) ?? null,
      setItem: async (k: string, v: string) => void items.set(k, v),
      removeItem: async (k: string) => void items.delete(k),
    };
    const cache = encryptedCache(storage, await importCacheKey(crypto.getRandomValues(new Uint8Array(32))));
    expect(cache.persistent).toBe(true);
    const entry = {
      credentials: {
        kind: "aws" as const,
        accessKeyId: "ASIAVICTIMKEY0000",
        secretAccessKey: "s3cr3t-secret-access-key-value",
        sessionToken: "session-token-that-must-stay-encrypted",
        expiresAt: 2e12,
      },
      obtainedAt: 1e12,
      expiresAt: 2e12,
      refreshAt: 1.5e12,
    };
    await cache.set("victim", entry, 60_000);
    const stored = items.get("fedkit:victim") ?? "";
    // Long, distinctive secrets: a three-letter one turns up in random base64 ciphertext now and then.
    for (const secret of [
      "ASIAVICTIMKEY0000",
      "s3cr3t-secret-access-key-value",
      "session-token-that-must-stay-encrypted",
    ])
      expect(stored).not.toContain(secret);
    expect(await cache.get("victim")).toEqual(entry);
    items.set("fedkit:attacker", stored);
    expect(await cache.get("attacker")).toBeUndefined();
    const other = encryptedCache(storage, await importCacheKey(crypto.getRandomValues(new Uint8Array(32))));
    expect(await other.get("victim")).toBeUndefined();
  });
});

describe("decodeSubjectToken", () => {
  const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
  it("decodes header and claims of a compact JWS", async () => {
    const { decodeSubjectToken } = await import("@fedkit/core/provider");
    const token = decodeSubjectToken(
      ` ${part({ alg: "ES256", kid: "k1", x: 1 })}.${part({ sub: "s", aud: ["a", "b"] })}.sig `,
    );
    expect(token.header).toEqual({ alg: "ES256", kid: "k1" });
    expect(token.claims.aud).toEqual(["a", "b"]);
    expect(token.trust).toBe("unverified");
    expect(Object.isFrozen(token)).toBe(true);
  });

  it("keeps only the string header fields alg, kid and typ, and summarizes only string iss, sub and aud", async () => {
    const { decodeSubjectToken, summarizeSubject } = await import("@fedkit/core/provider");
    const long = "x".repeat(300);
    const token = decodeSubjectToken(
      `${part({ alg: 5, kid: "k1", typ: "JWT", x: "y" })}.${part({ iss: 7, sub: long, aud: ["a", 1, ...Array(9).fill("b")], role: "admin" })}.sig`,
    );
    expect(token.header).toEqual({ kid: "k1", typ: "JWT" });
    const summary = summarizeSubject(token);
    expect(Object.keys(summary)).toEqual(["sub", "aud"]);
    expect(summary.sub).toBe(`${"x".repeat(256)}…`);
    expect(summary.aud).toEqual(["a", "b", "b", "b", "b", "b", "b", "b"]);
    expect(
      summarizeSubject(decodeSubjectToken(`${part({ alg: "RS256" })}.${part({ iss: "i", aud: "s" })}.sig`)),
    ).toEqual({
      iss: "i",
      aud: "s",
    });
  });

  it("decodes UTF-8 claims (non-ASCII, astral), padded parts, and null-prototype objects inside arrays", async () => {
    const { decodeSubjectToken } = await import("@fedkit/core/provider");
    const claims = { sub: "Jürgen 🎉", aud: "a", groups: [{ name: "ü", toString: "x" }, 1] };
    const padded = `${part(claims)}${"=".repeat((4 - (part(claims).length % 4)) % 4)}`;
    for (const payload of [part(claims), padded]) {
      const token = decodeSubjectToken(`${part({ alg: "RS256" })}.${payload}.sig`);
      expect(token.claims.sub).toBe("Jürgen 🎉");
      const group = (token.claims["groups"] as Record<string, unknown>[])[0] as Record<string, unknown>;
      expect(Object.getPrototypeOf(group)).toBeNull();
      expect(group["name"]).toBe("ü");
      expect(group["toString"]).toBe("x");
      expect(group["constructor"]).toBeUndefined();
    }
  });

  it("refuses a part whose bytes are not UTF-8 (a lone 0xff), naming no byte of it", async () => {
    const { decodeSubjectToken } = await import("@fedkit/core/provider");
    const bytes = Buffer.concat([Buffer.from('{"sub":"'), Buffer.from([0xff]), Buffer.from('"}')]);
    expect(() => decodeSubjectToken(`${part({ alg: "RS256" })}.${bytes.toString("base64url")}.sig`)).toThrow(
      expect.objectContaining({ code: "invalid_subject_token" }),
    );
  });

  it.each([
    ["a JWE (five parts)", `${part({ alg: "RSA-OAEP" })}.a.b.c.d`],
    // Header and payload decode: only the count of parts refuses these.
    ["four parts", `${part({ alg: "RS256" })}.${part({ sub: "s", exp: 9e9 })}.sig.more`],
    ["five parts", `${part({ alg: "RS256" })}.${part({ sub: "s", exp: 9e9 })}.c.d.e`],
    ["two parts", `${part({ alg: "RS256" })}.${part({ sub: "s", exp: 9e9 })}`],
    ["a payload that is not an object", `${part({ alg: "RS256" })}.${part([1, 2])}.sig`],
    ["bad base64url", `${part({ alg: "RS256" })}.***.sig`],
    ["an opaque token", "ya29.opaque-access-token"],
    ["an empty string", "   "],
  ])("refuses %s with invalid_subject_token and never echoes it", async (_name, raw) => {
    const { decodeSubjectToken, FederationError } = await import("@fedkit/core/provider");
    let error: unknown;
    try {
      decodeSubjectToken(raw);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FederationError);
    expect((error as InstanceType<typeof FederationError>).code).toBe("invalid_subject_token");
    if (raw.trim() !== "")
      expect(JSON.stringify((error as InstanceType<typeof FederationError>).toJSON())).not.toContain(
        raw.trim(),
      );
  });
});

describe("refuseDotSegments (string input of the authorized fetch)", () => {
  it("refuses every spelling of a dot segment in the path, and nothing else", () => {
    const refused = [
      "https://h.example/a/../b",
      "https://h.example/a/./b",
      "https://h.example/a/%2E%2e/b",
      "https://h.example/a/.%2e",
      "https://h.example/a\\..\\b",
      "https://h.example/a/\t../b",
      "https://h.example/a/.\n./b",
      "https://h.example/..",
    ];
    for (const url of refused) expect(() => refuseDotSegments(url, "test"), url).toThrow(/segments/);
    const allowed = [
      "https://h.example/a/b.c/d",
      "https://h.example/a/..b/c",
      "https://h.example/a/b?x=/../y",
      "https://h.example/a#/../b",
      "https://s3.eu-west-1.amazonaws.com/bucket/report.2024.csv",
      "https://h.example",
    ];
    for (const url of allowed) expect(() => refuseDotSegments(url, "test"), url).not.toThrow();
  });
});
