/// <reference types="node" />
// Security: a SigV4-signed request carries the session token (x-amz-security-token) and a replayable signature.
// fedkit never lets a redirect carry them anywhere: the redirect target must see no request at all.
import type { Credentials, Provider } from "@fedkit/core";
import { afterEach, describe, expect, it } from "vitest";
import type { AwsCredentials } from "../src/credentials.js";
import { awsFetch, type CredentialGetter } from "../src/fetch.js";
import { awsProvider } from "../src/provider.js";
import { type FakeServer, startServer } from "./helpers.js";

const SESSION_TOKEN = "IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKENthatmustnotleak";
const provider = awsProvider({ roleArn: "arn:aws:iam::123456789012:role/r", region: "eu-west-1", env: {} });
const getter: CredentialGetter = {
  async getCredentials<C extends Credentials>(_p: Provider<C>) {
    const creds: AwsCredentials = {
      kind: "aws",
      accessKeyId: "ASIAEXAMPLEKEY000001",
      secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
      sessionToken: SESSION_TOKEN,
      expiresAt: Date.now() + 3600_000,
    };
    return creds as unknown as C;
  },
};

const servers: FakeServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function redirectPair(status: number) {
  const target = await startServer(() => ({ status: 200, body: "stolen" }));
  const origin = await startServer(() => ({
    status,
    body: "",
    headers: { location: `${target.origin}/collect` },
  }));
  servers.push(target, origin);
  return { target, origin };
}

describe("awsFetch never follows a redirect with a signed request", () => {
  for (const status of [301, 302, 303, 307, 308]) {
    it(`a ${status} to another origin reaches nobody (GET and PUT)`, async () => {
      const { target, origin } = await redirectPair(status);
      // Only the first hop is opted in: the redirect target is a host nobody allowed.
      const s3 = awsFetch(getter, provider, { service: "s3", allowedOrigins: [origin.origin] });
      for (const init of [{}, { method: "PUT", body: "payload" }]) {
        const outcome = await s3(`${origin.origin}/bucket/key`, init).then(
          (res) => res.status,
          () => "rejected",
        );
        // Either the fetch is refused or the 3xx is handed back; never followed.
        expect(
          outcome === "rejected" || (typeof outcome === "number" && outcome >= 300 && outcome < 400),
        ).toBe(true);
      }
      expect(origin.requests).toHaveLength(2);
      expect(origin.requests[0]!.headers["x-amz-security-token"]).toBe(SESSION_TOKEN);
      expect(target.requests).toHaveLength(0);
    });
  }

  it("the Request returned by sign() refuses redirects too", async () => {
    const { target, origin } = await redirectPair(302);
    const s3 = awsFetch(getter, provider, { service: "s3", allowedOrigins: [origin.origin] });
    const signed = await s3.sign(`${origin.origin}/bucket/key`);
    expect(signed.redirect).toBe("error");
    await expect(fetch(signed)).rejects.toThrow();
    expect(target.requests).toHaveLength(0);
  });

  it("a same-origin redirect is not followed either (the signature would be replayed on another path)", async () => {
    const server = await startServer((req) =>
      req.url === "/moved"
        ? { status: 200, body: "x" }
        : { status: 302, body: "", headers: { location: "/moved" } },
    );
    servers.push(server);
    const s3 = awsFetch(getter, provider, { service: "s3", allowedOrigins: [server.origin] });
    await s3(`${server.origin}/bucket/key`).catch(() => undefined);
    expect(server.requests.map((r) => r.url)).toEqual(["/bucket/key"]);
  });
});
