// Runs in Deno (an edge runtime: no Node built-ins) against the built package, from `node scripts/deno-test.mjs`
// (which `npm test` runs after the build). Not run by vitest (*.deno.test.ts is excluded).
import { createExchangeContext, decodeSubjectToken } from "@fedkit/core/provider";
import { awsFetch, awsProvider, parseStsResult } from "../dist/index.js";

declare const Deno: {
  test(name: string, fn: () => Promise<void> | void): void;
  serve(
    options: { port: number; hostname: string; onListen?: () => void },
    handler: (r: Request) => Response | Promise<Response>,
  ): {
    addr: { port: number };
    shutdown(): Promise<void>;
  };
};

function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

const b64 = (v: unknown) =>
  btoa(JSON.stringify(v)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");

Deno.test("awsProvider exchanges and awsFetch signs in Deno", async () => {
  const seen: Request[] = [];
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, async (request) => {
    seen.push(request.clone());
    if (request.method === "POST") {
      return new Response(
        `<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult><Credentials><AccessKeyId>ASIADENO</AccessKeyId><SecretAccessKey>s</SecretAccessKey><SessionToken>t</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials></AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>`,
        { headers: { "content-type": "text/xml" } },
      );
    }
    return new Response("object");
  });
  try {
    const origin = `http://127.0.0.1:${server.addr.port}`;
    const aws = awsProvider({
      roleArn: "arn:aws:iam::123456789012:role/r",
      region: "eu-west-1",
      endpoint: origin,
      allowCustomEndpoint: true,
      env: {},
    });
    const subject = decodeSubjectToken(
      `${b64({ alg: "RS256" })}.${b64({ sub: "deno", aud: "sts.amazonaws.com" })}.c2ln`,
    );
    const { credentials } = await aws.exchange(subject, createExchangeContext());
    assert(credentials.accessKeyId === "ASIADENO", "credentials parsed");
    const federation = { getCredentials: async () => credentials } as never;
    const s3 = awsFetch(federation, aws, { service: "s3", allowedOrigins: [origin] });
    const res = await s3(`${origin}/bucket/key`);
    assert((await res.text()) === "object", "signed GET answered");
    assert(
      seen[1]?.headers.get("authorization")?.includes("Credential=ASIADENO/") === true,
      "request was signed",
    );
    assert(
      parseStsResult(
        "<GetSessionTokenResponse><GetSessionTokenResult><Credentials><AccessKeyId>A</AccessKeyId><SecretAccessKey>s</SecretAccessKey><SessionToken>t</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials></GetSessionTokenResult></GetSessionTokenResponse>",
        "GetSessionToken",
      ).credentials.accessKeyId === "A",
      "parse",
    );
  } finally {
    await server.shutdown();
  }
});
