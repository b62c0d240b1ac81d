// S3 keys are literal. s3ObjectUrl encodes a key exactly as the official AWS SDK does (the SDK is the oracle
// here), the URL parser leaves that encoding alone, and keys no fetch can send as written are refused.
import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import type { Credentials, Provider } from "@fedkit/core";
import { FederationError } from "@fedkit/core";
import { afterEach, describe, expect, it } from "vitest";
import type { AwsCredentials } from "../src/credentials.js";
import { awsFetch, type CredentialGetter } from "../src/fetch.js";
import { awsProvider } from "../src/provider.js";
import { s3ObjectUrl } from "../src/s3-object.js";
import { type FakeServer, startServer } from "./helpers.js";

const KEYS = [
  "simple.txt",
  "a b+c.csv",
  "dir//double/slash",
  "/leading-slash",
  "trailing/",
  "ümlaut/日本語.txt",
  "!'()*$&=;:@,?#[]",
  "%2e%2e/literal-percent",
  "a.b/..c/d../...",
  "~tilde^`{}|\\",
];

/** The path the official SDK puts on the wire for a key, captured before anything is sent. */
async function sdkPath(bucket: string, key: string, forcePathStyle: boolean): Promise<string> {
  let path = "";
  const client = new S3Client({
    region: "eu-west-1",
    forcePathStyle,
    credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" },
    requestHandler: {
      handle: async (request: { path: string }) => {
        path = request.path;
        throw new Error("captured");
      },
    },
  });
  await client.send(new GetObjectCommand({ Bucket: bucket, Key: key })).catch(() => undefined);
  return path;
}

describe("s3ObjectUrl", () => {
  for (const key of KEYS) {
    it(`encodes ${JSON.stringify(key)} as the AWS SDK does, and fetch keeps it`, async () => {
      const virtual = s3ObjectUrl({ bucket: "reports", key, region: "eu-west-1" });
      const path = s3ObjectUrl({ bucket: "reports", key, region: "eu-west-1", style: "path" });
      expect(new URL(virtual).host).toBe("reports.s3.eu-west-1.amazonaws.com");
      expect(new URL(virtual).pathname).toBe(await sdkPath("reports", key, false));
      expect(new URL(path).pathname).toBe(await sdkPath("reports", key, true));
      // What a Request (the fetch runtime's parser) will send is exactly what was built.
      expect(new Request(virtual).url).toBe(virtual);
    });
  }

  it("refuses keys with . or .. segments: fetch would reach another object", () => {
    for (const key of ["a/../b.txt", "./x", "..", "a/.", "dir/../../etc"]) {
      expect(() => s3ObjectUrl({ bucket: "reports", key, region: "eu-west-1" })).toThrow(FederationError);
      try {
        s3ObjectUrl({ bucket: "reports", key, region: "eu-west-1" });
      } catch (error) {
        expect((error as FederationError).code).toBe("config");
        expect((error as FederationError).message).toMatch(/fetch resolves/);
      }
    }
  });

  it("refuses malformed buckets, empty or oversized keys, lone surrogates and bad regions", () => {
    const bad: Array<Record<string, unknown>> = [
      { bucket: "Upper", key: "k" },
      { bucket: "ab", key: "k" },
      { bucket: "192.168.1.1", key: "k" },
      { bucket: "a..b", key: "k" },
      { bucket: "reports", key: "" },
      { bucket: "reports", key: "x".repeat(1025) },
      { bucket: "reports", key: "bad\uD800" },
      { bucket: "reports", key: "k", region: "eu-west1" },
      { bucket: "my.dotted", key: "k", style: "virtual-hosted" },
    ];
    for (const location of bad) {
      expect(() => s3ObjectUrl({ region: "eu-west-1", ...location } as never)).toThrow(FederationError);
    }
  });

  it("chooses path style for dotted buckets, and builds China, dual-stack and emulator URLs", () => {
    expect(s3ObjectUrl({ bucket: "my.dotted.bucket", key: "k", region: "eu-west-1" })).toBe(
      "https://s3.eu-west-1.amazonaws.com/my.dotted.bucket/k",
    );
    expect(s3ObjectUrl({ bucket: "bkt", key: "k", region: "cn-north-1" })).toBe(
      "https://bkt.s3.cn-north-1.amazonaws.com.cn/k",
    );
    expect(s3ObjectUrl({ bucket: "bkt", key: "k", region: "eu-west-1", dualstack: true })).toBe(
      "https://bkt.s3.dualstack.eu-west-1.amazonaws.com/k",
    );
    expect(
      s3ObjectUrl({ bucket: "bkt", key: "a b", region: "eu-west-1", endpoint: "http://127.0.0.1:4566" }),
    ).toBe("http://127.0.0.1:4566/bkt/a%20b");
    for (const endpoint of ["http://127.0.0.1:4566/prefix", "http://127.0.0.1:4566/?x=1", "not a url"]) {
      expect(() => s3ObjectUrl({ bucket: "bkt", key: "k", region: "eu-west-1", endpoint })).toThrow(
        /not an origin/,
      );
    }
  });
});

describe("awsFetch and literal keys", () => {
  let server: FakeServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });
  const provider = awsProvider({ roleArn: "arn:aws:iam::123456789012:role/r", region: "eu-west-1", env: {} });
  const getter: CredentialGetter = {
    async getCredentials<C extends Credentials>(_p: Provider<C>) {
      const creds: AwsCredentials = {
        kind: "aws",
        accessKeyId: "ASIAKEYS",
        secretAccessKey: "secret",
        sessionToken: "session",
        expiresAt: Date.now() + 3600_000,
      };
      return creds as unknown as C;
    },
  };

  it("sends the encoded key byte for byte to the server", async () => {
    server = await startServer(() => ({ status: 200, body: "" }));
    const s3 = awsFetch(getter, provider, { service: "s3", allowedOrigins: [server.origin] });
    for (const key of KEYS) {
      await s3(s3ObjectUrl({ bucket: "reports", key, region: "eu-west-1", endpoint: server.origin }));
    }
    expect(server.requests.map((r) => r.url)).toEqual(
      KEYS.map(
        (key) =>
          new URL(s3ObjectUrl({ bucket: "reports", key, region: "eu-west-1", endpoint: server!.origin }))
            .pathname,
      ),
    );
  });

  it("refuses a string URL with dot segments before signing; never reaches the resolved object", async () => {
    server = await startServer(() => ({ status: 200, body: "" }));
    const s3 = awsFetch(getter, provider, { service: "s3", allowedOrigins: [server.origin] });
    for (const path of ["/reports/a/../b.txt", "/reports/a/%2E%2e/b.txt", "/reports/./b.txt"]) {
      await expect(s3(`${server.origin}${path}`)).rejects.toMatchObject({ code: "config" });
      await expect(s3.sign(`${server.origin}${path}`)).rejects.toMatchObject({ code: "config" });
      await expect(s3.presign(`${server.origin}${path}`)).rejects.toMatchObject({ code: "config" });
    }
    expect(server.requests).toHaveLength(0);
  });
});
