import { describe, expect, it } from "vitest";
import { printable, runChecks } from "../../src/dev/check.js";
import { expandUrls, parseSeed } from "../../src/dev/seed.js";

describe("the local seed", () => {
  it("accepts the samples' shape and refuses unknown fields, bad container names, non-string env and bad checks, naming the field", () => {
    const seed = {
      emulator: { aws: {} },
      azurite: { private: { "latest.csv": "x" } },
      env: { BLOB_CONTAINER_URL: "{azurite}/private" },
      checks: [{ path: "/blob?name=latest.csv", status: 200, body: "x" }],
    };
    expect(parseSeed(seed, "seed.json")).toEqual(seed);
    const refused = (raw: unknown) => {
      try {
        parseSeed(raw, "seed.json");
      } catch (error) {
        return (error as Error).message;
      }
      return "accepted";
    };
    expect(refused({ buckets: [] })).toMatch(/^seed\.json: buckets must be one of emulator, azurite/);
    expect(refused({ azurite: { Private: {} } })).toContain("azurite.Private must be a container name");
    expect(refused({ azurite: { private: { a: 1 } } })).toContain("azurite.private must be an object");
    expect(refused({ env: { A: 1 } })).toContain("env.A must be a string");
    expect(refused({ checks: [{ path: "report", status: 200 }] })).toContain("checks[0].path");
    expect(refused({ checks: [{ path: "/", status: "200" }] })).toContain("checks[0].status");
  });

  it("replaces {name} by the local URL and refuses a name no local service has, listing the known ones", () => {
    const urls = { s3: "http://127.0.0.1:1", azurite: "https://127.0.0.1:2/devstoreaccount1" };
    expect(expandUrls("{azurite}/private", urls, "env.X")).toBe(
      "https://127.0.0.1:2/devstoreaccount1/private",
    );
    expect(() => expandUrls("{gcs}/b", urls, "env.X")).toThrow(/env\.X names \{gcs\}/);
  });
});

describe("the checks", () => {
  const answers: Record<string, Response | Error> = {};
  const fakeFetch = (async (url: string) => {
    const answer = answers[new URL(url).pathname];
    if (answer instanceof Error) throw answer;
    return answer?.clone() ?? new Response("nope", { status: 404 });
  }) as typeof fetch;

  it("passes on the expected status, exact body and error code; fails naming what differed", async () => {
    answers["/report"] = new Response("q,r\n", { status: 200 });
    answers["/unmapped"] = Response.json({ error: { code: "policy_refused" } }, { status: 403 });
    answers["/wrong"] = Response.json({ error: { code: "s3_403" } }, { status: 403 });
    answers["/down"] = new Error("connect ECONNREFUSED");
    const results = await runChecks(fakeFetch, "http://127.0.0.1:9", [
      { path: "/report", status: 200, body: "q,r\n" },
      { path: "/unmapped", status: 403, errorCode: "policy_refused" },
      { path: "/report", status: 200, body: "other\n" },
      { path: "/report", status: 403 },
      { path: "/wrong", status: 403, errorCode: "policy_refused" },
      { path: "/down", status: 200 },
    ]);
    expect(results.map((r) => r.ok)).toEqual([true, true, false, false, false, false]);
    expect(results[2]?.reason).toBe('expected the seeded body "other\\n", got 200 q,r\n');
    expect(results[3]?.reason).toMatch(/^expected 403, got 200/);
    expect(results[4]?.reason).toMatch(/^expected error code policy_refused, got 403 .*s3_403/);
    expect(results[5]?.reason).toContain("ECONNREFUSED");
  });

  it("never shows a token from an answer: JWTs and bearer values are redacted, long bodies cut", async () => {
    const jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";
    answers["/leak"] = new Response(`token=${jwt} auth: Bearer abc.def`, { status: 500 });
    const [result] = await runChecks(fakeFetch, "http://127.0.0.1:9", [{ path: "/leak", status: 200 }]);
    expect(result?.reason).toBe("expected 200, got 500 token=[redacted] auth: [redacted]");
    expect(printable("x".repeat(400))).toHaveLength(301);
  });
});
