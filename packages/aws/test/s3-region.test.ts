import { FederationError } from "@fedkit/core";
import { RedirectRefusedError } from "@fedkit/core/provider";
import { afterEach, describe, expect, it } from "vitest";
import { awsFetch } from "../src/fetch.js";
import { awsProvider } from "../src/provider.js";
import { countingGetter, type FakeServer, type Reply, startServer } from "./helpers.js";

const provider = awsProvider({ roleArn: "arn:aws:iam::123456789012:role/r", region: "eu-west-1", env: {} });

const counting = () => countingGetter("ASIAREGION", "session-token-region");

let server: FakeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function s3Answering(reply: Reply) {
  server = await startServer(() => reply);
  const { getter } = counting();
  return awsFetch(getter, provider, { service: "s3", region: "eu-west-1", allowedOrigins: [server.origin] });
}

const xmlError = (code: string, extra = "") =>
  `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>m</Message>${extra}<RequestId>R</RequestId></Error>`;

describe("awsFetch and regions", () => {
  it("refuses a URL naming another region before asking for credentials", async () => {
    const { getter, calls } = counting();
    let sent = 0;
    const s3 = awsFetch(getter, provider, {
      service: "s3",
      region: "eu-west-1",
      fetch: async () => {
        sent++;
        return new Response("");
      },
    });
    for (const url of [
      "https://b.s3.us-east-1.amazonaws.com/k",
      "https://s3.dualstack.eu-central-1.amazonaws.com/b/k",
      "https://b.s3-us-west-2.amazonaws.com/k",
      "https://s3-external-1.amazonaws.com/b/k",
    ]) {
      const error = await s3(url).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(FederationError);
      expect((error as FederationError).code).toBe("config");
      expect((error as FederationError).hint).toMatch(/region: "(us-east-1|eu-central-1|us-west-2)"/);
      await expect(s3.presign(url)).rejects.toMatchObject({ code: "config" });
    }
    // A global endpoint names no region: S3 answers for itself.
    await s3("https://b.s3.amazonaws.com/k");
    expect(calls()).toBe(1);
    expect(sent).toBe(1);
  });

  it("a PermanentRedirect with x-amz-bucket-region is a RedirectRefusedError naming the bucket's region", async () => {
    const s3 = await s3Answering({
      status: 301,
      body: xmlError("PermanentRedirect", "<Endpoint>b.s3.us-west-2.amazonaws.com</Endpoint>"),
      headers: { "x-amz-bucket-region": "us-west-2" },
    });
    const error = (await s3(`${server!.origin}/b/k`).catch((e: unknown) => e)) as RedirectRefusedError;
    expect(error).toBeInstanceOf(RedirectRefusedError);
    expect(error.region).toBe("us-west-2");
    expect(error.status).toBe(301);
    expect(error.cloudCode).toBe("PermanentRedirect");
    expect(error.hint).toContain('region: "us-west-2"');
    expect(server!.requests).toHaveLength(1);
  });

  it("400 AuthorizationHeaderMalformed naming the expected region is a config error with that region", async () => {
    const s3 = await s3Answering({
      status: 400,
      body: xmlError("AuthorizationHeaderMalformed", "<Region>eu-central-1</Region>"),
    });
    const error = (await s3(`${server!.origin}/b/k`).catch((e: unknown) => e)) as FederationError;
    expect(error.code).toBe("config");
    expect(error.status).toBe(400);
    expect(error.cloudCode).toBe("AuthorizationHeaderMalformed");
    expect(error.hint).toContain('region: "eu-central-1"');
    expect(JSON.stringify(error)).not.toContain("session-token-region");
  });

  it("a 400 HEAD answer with another x-amz-bucket-region is explained from the header alone", async () => {
    const s3 = await s3Answering({ status: 400, body: "", headers: { "x-amz-bucket-region": "ap-south-1" } });
    await expect(s3(`${server!.origin}/b/k`, { method: "HEAD" })).rejects.toMatchObject({
      code: "config",
      hint: expect.stringContaining("ap-south-1"),
    });
  });

  it("any other 400 is handed back as the response, body intact", async () => {
    const body = xmlError("InvalidArgument");
    const s3 = await s3Answering({ status: 400, body, headers: { "x-amz-bucket-region": "eu-west-1" } });
    const res = await s3(`${server!.origin}/b/k`);
    expect(res.status).toBe(400);
    expect(await res.text()).toBe(body);
  });

  it("accepts a well-formed region it does not know; refuses a malformed one naming the near region code", () => {
    const { getter } = counting();
    expect(() => awsFetch(getter, provider, { service: "s3", region: "xx-future-9" })).not.toThrow();
    for (const [bad, suggestion] of [
      ["eu-west1", 'Did you mean "eu-west-1"'],
      ["EU-WEST-1", 'Did you mean "eu-west-1"'],
      ["mars", undefined],
    ] as const) {
      const error = (() => {
        try {
          awsFetch(getter, provider, { service: "s3", region: bad });
        } catch (e) {
          return e as FederationError;
        }
      })();
      expect(error?.code).toBe("config");
      expect(error?.hint).toContain('Use a region code such as "eu-west-1"');
      if (suggestion) expect(error?.hint).toContain(suggestion);
      else expect(error?.hint).not.toContain("Did you mean");
    }
  });
});
