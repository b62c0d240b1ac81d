// The session name reaches the assumed-role ARN and aws:userid, which resource policies can test: providers that
// differ only in their session-name function must not share cached credentials.
import { createFederation, type SubjectToken, staticToken } from "@fedkit/core";
import { afterEach, describe, expect, it } from "vitest";
import { assumeRole } from "../src/assume-role.js";
import { awsProvider } from "../src/provider.js";
import { sessionNameKey } from "../src/session-name.js";
import { type FakeServer, fakeToken, startServer, stsSuccess } from "./helpers.js";

const ROLE = "arn:aws:iam::123456789012:role/reader";
const base = { roleArn: ROLE, region: "eu-west-1", env: {} };
const byUser = (s: SubjectToken) => `user-${s.claims.sub}`;
const byTenant = (s: SubjectToken) => `tenant-${s.claims.sub}`;

let server: FakeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("session-name functions in the cache key", () => {
  it("the same function keeps one key; different functions (even with the same source) differ", () => {
    const copy = (s: SubjectToken) => `user-${s.claims.sub}`;
    expect(awsProvider({ ...base, sessionName: byUser }).key).toBe(
      awsProvider({ ...base, sessionName: byUser }).key,
    );
    const keys = new Set(
      [byUser, byTenant, copy, "fixed-name", undefined].map((sessionName) =>
        sessionName === undefined ? awsProvider(base).key : awsProvider({ ...base, sessionName }).key,
      ),
    );
    expect(keys.size).toBe(5);
    expect(sessionNameKey(byUser)).toBe(sessionNameKey(byUser));
    expect(sessionNameKey(byUser)).toMatch(/^fn#\d+$/);
    // "#" is no session-name character, so no fixed name can collide with a function's id.
    expect(() => awsProvider({ ...base, sessionName: sessionNameKey(byUser) as string })).toThrow();
  });

  it("holds for chained roles too", () => {
    const first = awsProvider(base);
    const second = "arn:aws:iam::123456789012:role/writer";
    const a = assumeRole(first, { roleArn: second, sessionName: byUser });
    const b = assumeRole(first, { roleArn: second, sessionName: byTenant });
    expect(a.key).not.toBe(b.key);
    expect(a.key).toBe(assumeRole(first, { roleArn: second, sessionName: byUser }).key);
  });

  it("two providers differing only in the function each exchange, with their own session name", async () => {
    server = await startServer(() => ({ status: 200, body: stsSuccess("AssumeRoleWithWebIdentity") }));
    const endpoint = { endpoint: server.origin, allowCustomEndpoint: true };
    const token = fakeToken({ iss: "https://idp.example.com", sub: "alice", aud: "sts.amazonaws.com" });
    const federation = createFederation({ source: staticToken(token.raw) });
    const users = awsProvider({ ...base, ...endpoint, sessionName: byUser });
    const tenants = awsProvider({ ...base, ...endpoint, sessionName: byTenant });
    await federation.getCredentials(users);
    await federation.getCredentials(tenants);
    await federation.getCredentials(users); // a cache hit
    const names = server.requests.map((r) => new URLSearchParams(r.body).get("RoleSessionName"));
    expect(names).toEqual(["user-alice", "tenant-alice"]);
  });
});
