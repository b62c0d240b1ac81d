// fedkit's SigV4 against aws4fetch's AwsV4Signer (whose algorithm it follows): same inputs, same signed request.
import { AwsV4Signer } from "aws4fetch";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type SigV4Input, signV4 } from "./sigv4.js";

type Case = Omit<SigV4Input, "cache">;

async function both(c: Case) {
  const ours = await signV4({ ...c, cache: new Map() });
  const theirs = await new AwsV4Signer({ ...c, cache: new Map() } as ConstructorParameters<
    typeof AwsV4Signer
  >[0]).sign();
  return {
    ours: { method: ours.method, url: ours.url.href, headers: [...ours.headers], body: ours.body },
    theirs: { method: theirs.method, url: theirs.url.href, headers: [...theirs.headers], body: theirs.body },
  };
}

const base = {
  accessKeyId: "ASIAEXAMPLEKEY",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
  region: "eu-west-1",
  datetime: "20300506T070809Z",
};

const fixed: [string, Case][] = [
  [
    "S3 GET, header form",
    { ...base, service: "s3", url: "https://b.s3.eu-west-1.amazonaws.com/a b/c+d%2Fe" },
  ],
  [
    "S3 presign with session token and duplicate query keys",
    {
      ...base,
      service: "s3",
      signQuery: true,
      sessionToken: "tok/en+=",
      url: "https://b.s3.amazonaws.com/k?x=2&x=1&X-Amz-Expires=60&a=(b)*!'",
    },
  ],
  [
    "STS POST with a string body and unsignable headers",
    {
      ...base,
      service: "sts",
      method: "post",
      url: "https://sts.eu-west-1.amazonaws.com//double//slash/",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        "user-agent": "x",
        "X-Custom": "a   b",
      },
      body: "Action=AssumeRole&Version=2011-06-15",
      sessionToken: "session",
    },
  ],
  [
    "bytes body, execute-api, presigned",
    {
      ...base,
      service: "execute-api",
      signQuery: true,
      url: "https://api.example.com/p/%E2%9C%93?q=%20",
      body: new Uint8Array([1, 2, 3]),
    },
  ],
  [
    "iotdevicegateway appends the token after signing",
    { ...base, service: "iotdevicegateway", signQuery: true, sessionToken: "t", url: "https://x.iot/mqtt" },
  ],
  [
    "an explicit payload hash header",
    {
      ...base,
      service: "s3",
      method: "PUT",
      url: "https://b.s3.amazonaws.com/k",
      headers: { "x-amz-content-sha256": "abc", host: "ignored" },
    },
  ],
  [
    "malformed percent-escape in an S3 path",
    { ...base, service: "s3", url: "https://b.s3.amazonaws.com/%E0%A4%A" },
  ],
];

describe("signV4 matches aws4fetch", () => {
  for (const [name, c] of fixed) {
    it(name, async () => {
      const { ours, theirs } = await both(c);
      expect(ours).toEqual(theirs);
      expect(ours.url + ours.headers.join()).toMatch(/Signature=[0-9a-f]{64}/);
    });
  }

  it("refuses a stream body without X-Amz-Content-Sha256, like aws4fetch", async () => {
    const c = { ...base, service: "sts", url: "https://sts.amazonaws.com/", body: new ReadableStream() };
    await expect(signV4({ ...c, cache: new Map() })).rejects.toThrow(/X-Amz-Content-Sha256/);
  });

  it("reuses the derived key from the cache (same signature, one entry)", async () => {
    const cache = new Map<string, ArrayBuffer>();
    const c = { ...base, service: "s3", url: "https://b.s3.amazonaws.com/k", cache };
    const a = await signV4(c);
    const b = await signV4(c);
    expect(cache.size).toBe(1);
    expect(a.headers.get("authorization")).toBe(b.headers.get("authorization"));
  });

  it("for arbitrary paths, queries, headers, services and forms", async () => {
    const segment = fc.string({ unit: fc.constantFrom(..."aZ09-_.~ !'()*$+%/=&?#é✓"), maxLength: 12 });
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          service: fc.constantFrom("s3", "sts", "execute-api", "dynamodb"),
          method: fc.constantFrom("GET", "PUT", "post", "DELETE"),
          path: fc.array(segment, { maxLength: 4 }),
          query: fc.array(fc.tuple(segment, segment), { maxLength: 4 }),
          header: fc.option(
            fc.tuple(fc.constantFrom("x-amz-meta-a", "range", "x-b"), fc.string({ maxLength: 8 })),
          ),
          body: fc.option(fc.string({ maxLength: 20 })),
          token: fc.option(fc.constantFrom("tok", "a/b+c=")),
          signQuery: fc.boolean(),
        }),
        async (r) => {
          const url = new URL(`https://h.example.com/${r.path.map(encodeURIComponent).join("/")}`);
          for (const [k, v] of r.query) url.searchParams.append(k, v);
          const headers = new Headers();
          if (r.header && !/[\r\n\0]/.test(r.header[1])) headers.set(r.header[0], r.header[1]);
          const c: Case = {
            ...base,
            service: r.service,
            method: r.method,
            url: url.href,
            headers,
            body: r.method === "GET" ? null : r.body,
            sessionToken: r.token ?? undefined,
            signQuery: r.signQuery,
          };
          const { ours, theirs } = await both(c);
          expect(ours).toEqual(theirs);
        },
      ),
      { numRuns: 200 },
    );
  });
});
