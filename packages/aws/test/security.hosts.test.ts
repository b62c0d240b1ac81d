import { FederationError } from "@fedkit/core";
import { afterEach, describe, expect, it } from "vitest";
import { awsFetch } from "../src/fetch.js";
import { awsProvider } from "../src/provider.js";
import { countingGetter, type FakeServer, startServer } from "./helpers.js";

const provider = awsProvider({ roleArn: "arn:aws:iam::123456789012:role/r", region: "eu-west-1", env: {} });

const counting = () => countingGetter("ASIAHOSTTEST", "session-token-hosts");

/** Records what reached the transport instead of sending it. */
function recorder() {
  const sent: Request[] = [];
  const fetch = async (r: Request) => {
    sent.push(r);
    return new Response("ok");
  };
  return { sent, fetch };
}

async function refusal(p: Promise<unknown>): Promise<FederationError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(FederationError);
  return err as FederationError;
}

let server: FakeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("awsFetch signs only for official AWS hosts unless opted in", () => {
  // Each host with the service and region it is signed for: the host must name both (see the refusals below).
  const official: Array<[url: string, service: string, region: string]> = [
    ["https://my-bucket.s3.eu-west-1.amazonaws.com/k", "s3", "eu-west-1"],
    ["https://s3.eu-west-1.amazonaws.com/my.dotted.bucket/k", "s3", "eu-west-1"],
    ["https://dynamodb.us-gov-west-1.amazonaws.com/", "dynamodb", "us-gov-west-1"],
    ["https://s3.cn-north-1.amazonaws.com.cn/b/k", "s3", "cn-north-1"],
    ["https://s3.dualstack.eu-west-1.amazonaws.com/b/k", "s3", "eu-west-1"],
    ["https://s3.eu-west-1.api.aws/b/k", "s3", "eu-west-1"],
    ["https://bucket.vpce-0a1b2c3d-abcd.s3.eu-west-1.vpce.amazonaws.com/k", "s3", "eu-west-1"],
    ["https://abc123.execute-api.eu-west-1.amazonaws.com/prod/items", "execute-api", "eu-west-1"],
    ["https://xyz.appsync-api.eu-west-1.amazonaws.com/graphql", "appsync", "eu-west-1"],
    ["https://my-bucket.s3.amazonaws.com/k", "s3", "eu-west-1"],
    ["https://my-bucket.s3-eu-west-1.amazonaws.com/k", "s3", "eu-west-1"],
    ["https://s3-external-1.amazonaws.com/b/k", "s3", "us-east-1"],
    ["https://email.eu-west-1.amazonaws.com/", "ses", "eu-west-1"],
    ["https://abc-ats.iot.eu-west-1.amazonaws.com/things", "iotdata", "eu-west-1"],
    ["https://iot.eu-west-1.amazonaws.com/things", "iot", "eu-west-1"],
    ["https://bedrock-runtime.eu-west-1.amazonaws.com/model/m/invoke", "bedrock", "eu-west-1"],
    ["https://s3-control.eu-west-1.amazonaws.com/v20180820/jobs", "s3", "eu-west-1"],
    ["https://newservice.eu-west-1.amazonaws.com/", "newservice", "eu-west-1"],
  ];
  for (const [url, service, region] of official) {
    it(`signs for ${new URL(url).host} (${service}, ${region})`, async () => {
      const { getter } = counting();
      const t = recorder();
      await awsFetch(getter, provider, { service, region, fetch: t.fetch })(url);
      expect(t.sent).toHaveLength(1);
      expect(t.sent[0]!.headers.get("authorization")).toContain(`/${region}/${service}/aws4_request`);
    });
  }

  const refused: [string, RegExp][] = [
    ["https://evil.example.com/b/k", /not an official aws host/],
    ["https://s3.amazonaws.com.evil.example/b/k", /not an official aws host/],
    ["https://amazonaws.com/b/k", /not an official aws host/],
    ["http://s3.eu-west-1.amazonaws.com/b/k", /only https/],
    ["https://s3.eu-west-1.amazonaws.com:8443/b/k", /default port/],
    ["https://user:pw@s3.eu-west-1.amazonaws.com/b/k", /user info/],
    ["https://abc.lambda-url.eu-west-1.on.aws/", /not an official aws host/],
    ["https://ec2-203-0-113-25.compute-1.amazonaws.com/", /EC2 instance or load balancer/],
    ["https://ec2-203-0-113-25.eu-west-1.compute.amazonaws.com/", /EC2 instance or load balancer/],
    ["https://my-lb-1234567890.eu-west-1.elb.amazonaws.com/", /EC2 instance or load balancer/],
    ["https://my-site.s3-website-eu-west-1.amazonaws.com/", /S3 website endpoint/],
    ["https://my-site.s3-website.eu-west-1.amazonaws.com/", /S3 website endpoint/],
    ["https://vpce-0123-abcd.vpce-svc-0456789.eu-west-1.vpce.amazonaws.com/", /PrivateLink endpoint service/],
    // The service label contradicts the signing name (this client signs for s3).
    [
      "https://abc123.execute-api.eu-west-1.amazonaws.com/prod",
      /execute-api endpoint, but the request is signed for "s3"/,
    ],
    ["https://dynamodb.eu-west-1.amazonaws.com/", /dynamodb endpoint/],
    ["https://xyz.appsync-api.eu-west-1.amazonaws.com/graphql", /appsync endpoint/],
    ["https://abc-ats.iot.eu-west-1.amazonaws.com/things", /iot\/iotdata endpoint/],
    ["https://bedrock-runtime.eu-west-1.amazonaws.com/", /bedrock endpoint/],
    ["https://sqs.eu-west-1.amazonaws.com/", /sqs endpoint/],
    ["https://cognito-idp.eu-west-1.amazonaws.com/", /cognito-idp endpoint/],
  ];
  for (const [url, why] of refused) {
    it(`refuses ${url} before asking for credentials, with a hint that never offers to trust it`, async () => {
      const { getter, calls } = counting();
      const t = recorder();
      const s3 = awsFetch(getter, provider, { service: "s3", fetch: t.fetch });
      // WHATWG Request refuses URLs with user info itself; the other three forms still get there.
      const asRequest = url.includes("@") ? [] : [s3(new Request(url))];
      for (const attempt of [s3(url), s3.sign(url), ...asRequest, s3.presign(url)]) {
        const err = await refusal(attempt);
        expect(err.code).toBe("endpoint_refused");
        expect(err.provider).toBe("aws");
        expect(err.message).toMatch(why);
        // A refused remote host may come from whoever built the URL: the hint names the fix (an official host, the
        // right service), never the opt-in or the refused origin, which would hand over the line that trusts it.
        expect(err.hint).toMatch(/official aws host|service/);
        expect(err.hint).not.toMatch(/allowedOrigins|allowCustomEndpoint|opt/i);
        expect(err.hint).not.toContain(new URL(url).host);
        expect(JSON.stringify(err)).not.toContain("session-token-hosts");
      }
      expect(calls()).toBe(0);
      expect(t.sent).toHaveLength(0);
    });
  }

  it("an emulator on this machine that is not opted in is refused with the exact opt-in in the hint", async () => {
    const { getter, calls } = counting();
    const t = recorder();
    const s3 = awsFetch(getter, provider, { service: "s3", fetch: t.fetch });
    for (const origin of ["http://127.0.0.1:4566", "http://localhost:4566"]) {
      const err = await refusal(s3(`${origin}/bucket/key`));
      expect(err.code).toBe("endpoint_refused");
      expect(err.hint).toContain(`allowedOrigins: ["${origin}"]`);
    }
    expect(calls()).toBe(0);
    expect(t.sent).toHaveLength(0);
  });

  it("an opted-in origin (the emulator on loopback) is signed for; another port or scheme is not", async () => {
    server = await startServer(() => ({ status: 200, body: "ok" }));
    const { getter, calls } = counting();
    const s3 = awsFetch(getter, provider, { service: "s3", allowedOrigins: [server.origin] });
    const res = await s3(`${server.origin}/bucket/key`);
    expect(await res.text()).toBe("ok");
    expect(server.requests[0]!.headers["x-amz-security-token"]).toBe("session-token-hosts");
    expect(
      new URL(await s3.presign(`${server.origin}/bucket/key`)).searchParams.get("X-Amz-Signature"),
    ).toMatch(/^[0-9a-f]{64}$/);
    expect(calls()).toBe(2);
    const other = new URL(server.origin);
    other.port = String(Number(other.port) === 65535 ? 1 : Number(other.port) + 1);
    expect((await refusal(s3(`${other.origin}/bucket/key`))).code).toBe("endpoint_refused");
    const https = server.origin.replace(/^http:/, "https:");
    expect((await refusal(s3(`${https}/bucket/key`))).code).toBe("endpoint_refused");
    expect(calls()).toBe(2);
  });

  it("an opted-in origin under an excluded AWS name is allowed: the opt-in is explicit", async () => {
    const t = recorder();
    const lb = "https://my-lb-1234567890.eu-west-1.elb.amazonaws.com";
    const s3 = awsFetch(counting().getter, provider, { service: "s3", fetch: t.fetch, allowedOrigins: [lb] });
    await s3(`${lb}/b/k`);
    expect(t.sent).toHaveLength(1);
  });

  it("refuses malformed allowedOrigins at construction", () => {
    for (const bad of [["not a url"], ["http://127.0.0.1:4566/path"], ["ftp://127.0.0.1"], [42]]) {
      const origins = ["http://127.0.0.1:4566", ...bad] as string[];
      // Named in the error, and refused again on the next client with the same array (an error is never kept
      // as a checked list).
      for (let i = 0; i < 2; i++) {
        expect(() =>
          awsFetch(counting().getter, provider, { service: "s3", allowedOrigins: origins }),
        ).toThrow(
          new TypeError(
            `awsFetch: allowedOrigins entry ${JSON.stringify(bad[0])} is not an origin like "http://127.0.0.1:4566"`,
          ),
        );
      }
    }
    expect(() =>
      awsFetch(counting().getter, provider, { service: "s3", allowedOrigins: "http://127.0.0.1" as never }),
    ).toThrow(TypeError);
  });
});
