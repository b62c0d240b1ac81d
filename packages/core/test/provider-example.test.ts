/// <reference types="node" />
// The minimal provider of docs/architecture.md, built only on @fedkit/core/provider, runs the provider contract
// suite against a loopback token endpoint; its refusals map through the shared cloudFailure; and the doc shows
// exactly the file that compiles and runs here.
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { FederationError } from "@fedkit/core";
import { createExchangeContext, decodeSubjectToken } from "@fedkit/core/provider";
import { createTestSigner, testProvider } from "@fedkit/core/testing";
import { describe, expect, it } from "vitest";
import { exampleProvider } from "./support/example-provider.js";

/** A token endpoint that exchanges tokens whose `sub` is "ok" and refuses others with `invalid_grant`. */
async function tokenEndpoint(answer?: (sub: string) => { status: number; body: string; type?: string }) {
  const server: Server = createServer((req, res) => {
    let raw = "";
    req.on("data", (chunk) => {
      raw += chunk;
    });
    req.on("end", () => {
      const token = new URLSearchParams(raw).get("subject_token") ?? "";
      const sub = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString() || "{}").sub;
      const reply =
        answer?.(sub) ??
        (sub === "ok"
          ? {
              status: 200,
              body: JSON.stringify({
                access_token: `at-${Date.now()}`,
                token_type: "Bearer",
                expires_in: 600,
              }),
            }
          : {
              status: 400,
              body: JSON.stringify({ error: "invalid_grant", error_description: "untrusted subject" }),
            });
      res.writeHead(reply.status, { "content-type": reply.type ?? "application/json" }).end(reply.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`;
  return { endpoint, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

testProvider(
  "exampleProvider (the minimal provider of docs/architecture.md)",
  async () => {
    const server = await tokenEndpoint();
    const signer = await createTestSigner();
    const options = {
      resource: "https://api.example.com",
      endpoint: server.endpoint,
      allowCustomEndpoint: true,
    };
    return {
      provider: exampleProvider(options),
      sameConfig: () => exampleProvider({ ...options }),
      permissionVariants: {
        resource: exampleProvider({ ...options, resource: "https://admin.example.com" }),
        endpoint: exampleProvider({ ...options, endpoint: `${server.endpoint}/other` }),
      },
      subject: decodeSubjectToken(await signer.sign({ sub: "ok", aud: "https://sts.example.com" })),
      rejectedSubject: decodeSubjectToken(
        await signer.sign({ sub: "intruder", aud: "https://sts.example.com" }),
      ),
      close: server.close,
    };
  },
  { describe, it, expect },
);

describe("exampleProvider on the toolkit", () => {
  async function refusal(reply: { status: number; body: string; type?: string }) {
    const server = await tokenEndpoint(() => reply);
    try {
      const provider = exampleProvider({
        resource: "r",
        endpoint: server.endpoint,
        allowCustomEndpoint: true,
      });
      const subject = decodeSubjectToken((await (await createTestSigner()).sign({ sub: "ok" })) as string);
      const error = await provider
        .exchange(subject, createExchangeContext({ retry: { maxAttempts: 1 } }))
        .catch((e) => e);
      expect(error).toBeInstanceOf(FederationError);
      return error as FederationError;
    } finally {
      await server.close();
    }
  }

  it("maps the service's error code through its table, with the hint and cloud code", async () => {
    const error = await refusal({ status: 400, body: JSON.stringify({ error: "invalid_target" }) });
    expect(error).toMatchObject({
      code: "invalid_request",
      provider: "example",
      status: 400,
      cloudCode: "invalid_target",
    });
    expect(error.hint).toContain("no such audience");
  });

  it("calls a proxy's HTML 502 an outage and a 200 without a token a bad response, saying what arrived", async () => {
    const outage = await refusal({ status: 502, body: "<html>Bad Gateway</html>", type: "text/html" });
    expect(outage).toMatchObject({ code: "provider_unavailable", retryable: true, cloudCode: undefined });
    const empty = await refusal({ status: 200, body: "{}" });
    expect(empty).toMatchObject({ code: "bad_response", retryable: false });
  });

  it("refuses an endpoint outside its host table unless opted in", () => {
    expect(() => exampleProvider({ resource: "r", endpoint: "https://evil.example/token" })).not.toThrow();
    // The host rule is checked on every send: the token never leaves for a host the table does not list.
    const provider = exampleProvider({ resource: "r", endpoint: "https://evil.example/token" });
    const subject = decodeSubjectToken("eyJhbGciOiJub25lIn0.eyJzdWIiOiJvayJ9.");
    let sent = 0;
    const ctx = createExchangeContext({
      fetch: async () => {
        sent++;
        return new Response("{}");
      },
    });
    return expect(provider.exchange(subject, ctx))
      .rejects.toMatchObject({ code: "endpoint_refused" })
      .then(() => {
        expect(sent).toBe(0);
      });
  });

  it("is shown verbatim in docs/architecture.md", () => {
    const source = readFileSync(new URL("./support/example-provider.ts", import.meta.url), "utf8");
    const doc = readFileSync(new URL("../../../docs/architecture.md", import.meta.url), "utf8");
    const code = source.slice(source.indexOf("import {"));
    expect(doc).toContain(code.trim());
  });
});
