// Clients made per request (as `withFedkit`'s `fedkit.client()` does) share what awsFetch checks once (the
// allowedOrigins, checked once per array and again whenever its items changed) and nothing else: each signs with
// its own credentials getter, and a changed array never gets a stale (wider) list.
import { describe, expect, it, vi } from "vitest";
import { type AwsFetch, awsFetch, awsFetchMaker, type CredentialGetter } from "../src/fetch.js";
import { awsProvider } from "../src/provider.js";
import { checkAllowedOrigins } from "../src/service-hosts.js";
import { countingGetter } from "./helpers.js";

const provider = awsProvider({ roleArn: "arn:aws:iam::123456789012:role/r", region: "eu-west-1", env: {} });
const EMULATOR = "http://127.0.0.1:4566";

/** Fixed credentials for `accessKeyId`, whose session token names it (what the assertions below read back). */
const getter = (accessKeyId: string) => countingGetter(accessKeyId, `token-of-${accessKeyId}`).getter;

function recording() {
  const sent: Request[] = [];
  const fetch = async (request: Request) => {
    sent.push(request);
    return new Response("ok");
  };
  return { sent, fetch };
}

describe("awsFetch made per request", () => {
  it("signs each request with its own client's credentials getter, interleaved", async () => {
    const { sent, fetch } = recording();
    const options = { service: "s3", region: "eu-west-1", allowedOrigins: [EMULATOR], fetch };
    const alice = awsFetch(getter("ASIAALICE"), provider, options);
    const bob = awsFetch(getter("ASIABOB"), provider, options);
    await Promise.all([alice(`${EMULATOR}/b/a`), bob(`${EMULATOR}/b/b`), alice(`${EMULATOR}/b/a`)]);
    await bob(`${EMULATOR}/b/b`);
    const signer = (r: Request) => /Credential=(\w+)\//.exec(r.headers.get("authorization") ?? "")?.[1];
    // Concurrent calls reach the transport in any order (key derivation is asynchronous): what must hold is
    // each path signed with its own client's credentials, so the pairs are compared as a sorted list.
    const pairs = sent.map((r) => [
      new URL(r.url).pathname,
      signer(r),
      r.headers.get("x-amz-security-token"),
    ]);
    expect(pairs.map((pair) => pair.join(" ")).sort()).toEqual([
      "/b/a ASIAALICE token-of-ASIAALICE",
      "/b/a ASIAALICE token-of-ASIAALICE",
      "/b/b ASIABOB token-of-ASIABOB",
      "/b/b ASIABOB token-of-ASIABOB",
    ]);
  });

  it("a checked origin list is reused only for the same strings: a changed array is checked again", async () => {
    const { sent, fetch } = recording();
    const origins = [EMULATOR];
    const first = awsFetch(getter("ASIAONE"), provider, {
      service: "s3",
      region: "eu-west-1",
      allowedOrigins: origins,
      fetch,
    });
    await first(`${EMULATOR}/b/k`);
    // The same array object, changed: an origin dropped is refused, a bad entry is an error, never a stale hit.
    origins[0] = "http://127.0.0.1:9999";
    const second = awsFetch(getter("ASIAONE"), provider, {
      service: "s3",
      region: "eu-west-1",
      allowedOrigins: origins,
      fetch,
    });
    await expect(second(`${EMULATOR}/b/k`)).rejects.toMatchObject({ code: "endpoint_refused" });
    await second("http://127.0.0.1:9999/b/k");
    // The client made before the change keeps the list it was given.
    await expect(first("http://127.0.0.1:9999/b/k")).rejects.toMatchObject({ code: "endpoint_refused" });
    origins[0] = "http://127.0.0.1:4566/path";
    expect(() =>
      awsFetch(getter("ASIAONE"), provider, {
        service: "s3",
        region: "eu-west-1",
        allowedOrigins: origins,
        fetch,
      }),
    ).toThrow(TypeError);
    expect(sent.map((r) => new URL(r.url).origin)).toEqual([EMULATOR, "http://127.0.0.1:9999"]);
  });

  it("the same unchanged array is checked once: awsFetch gets the same checked (frozen) list, which core parses once", () => {
    const origins = [EMULATOR];
    const checked = checkAllowedOrigins(origins);
    expect(checkAllowedOrigins(origins)).toBe(checked);
    expect(Object.isFrozen(checked)).toBe(true);
    awsFetch(getter("ASIAONE"), provider, { service: "s3", allowedOrigins: origins });
    // Every later client for the same array: no origin parsed again, by awsFetch's check or by core.
    const canParse = vi.spyOn(URL, "canParse");
    try {
      for (let i = 0; i < 3; i++)
        awsFetch(getter("ASIAONE"), provider, { service: "s3", allowedOrigins: origins });
      expect(canParse).not.toHaveBeenCalled();
    } finally {
      canParse.mockRestore();
    }
    origins.push("http://127.0.0.1:9999");
    expect(checkAllowedOrigins(origins)).toEqual([EMULATOR, "http://127.0.0.1:9999"]);
  });
});

describe("awsFetchMaker: one maker, a client per request", () => {
  const options = () => ({ service: "s3", region: "eu-west-1", allowedOrigins: [EMULATOR] });

  it("each client signs with its own getter, calls of several clients interleaved, sent and signed-only", async () => {
    const { sent, fetch } = recording();
    const make = awsFetchMaker(provider, { ...options(), fetch });
    const clients = ["ASIAONE", "ASIATWO", "ASIATHREE"].map((id) => make(getter(id)));
    const [one, two, three] = clients as [AwsFetch, AwsFetch, AwsFetch];
    const signedOnly = await Promise.all([
      one(`${EMULATOR}/b/one`),
      two.sign(`${EMULATOR}/b/two`),
      three(`${EMULATOR}/b/three`),
      one.sign(`${EMULATOR}/b/one`),
      two(`${EMULATOR}/b/two`),
    ]);
    const all = [...sent, ...signedOnly.filter((r): r is Request => r instanceof Request)];
    const signer = (r: Request) => /Credential=(\w+)\//.exec(r.headers.get("authorization") ?? "")?.[1];
    expect(
      all
        .map((r) => `${new URL(r.url).pathname} ${signer(r)} ${r.headers.get("x-amz-security-token")}`)
        .sort(),
    ).toEqual([
      "/b/one ASIAONE token-of-ASIAONE",
      "/b/one ASIAONE token-of-ASIAONE",
      "/b/three ASIATHREE token-of-ASIATHREE",
      "/b/two ASIATWO token-of-ASIATWO",
      "/b/two ASIATWO token-of-ASIATWO",
    ]);
    // A presigned URL of one client carries that client's key id only.
    const url = await two.presign(`${EMULATOR}/b/two`, { expiresIn: 60 });
    expect(new URL(url).searchParams.get("X-Amz-Credential")).toMatch(/^ASIATWO\//);
  });

  it("checks the options once, when made: bad options throw before any client, and every client keeps the checks", async () => {
    expect(() => awsFetchMaker(provider, { service: "s3 bad" })).toThrow(TypeError);
    expect(() => awsFetchMaker(provider, { service: "s3", region: "eu-west1" })).toThrow(/not an AWS region/);
    expect(() => awsFetchMaker(provider, { service: "s3", allowedOrigins: ["http://x/path"] })).toThrow(
      TypeError,
    );
    const make = awsFetchMaker(provider, options());
    let asked = 0;
    const counting: CredentialGetter = {
      getCredentials: (p, o) => {
        asked++;
        return getter("ASIAONE").getCredentials(p, o);
      },
    };
    for (const client of [make(counting), make(counting)]) {
      await expect(client("https://evil.example.com/k")).rejects.toMatchObject({ code: "endpoint_refused" });
      await expect(client("https://shop.s3-website-eu-west-1.amazonaws.com/k")).rejects.toMatchObject({
        code: "endpoint_refused",
      });
    }
    expect(asked).toBe(0);
  });
});
