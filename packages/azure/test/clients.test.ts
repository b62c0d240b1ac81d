import type { AccessToken, Federation, GetCredentialsOptions, Provider } from "@fedkit/core";
import { describe, expect, it } from "vitest";
import { azureFetch, azureProvider, tokenCredential } from "../src/index.js";

const base = { clientId: "c1", tenantId: "t1", env: () => ({}) };

/** A federation double recording which provider and options were asked for. */
function recordingFederation() {
  const asked: Array<{ provider: Provider<AccessToken>; options: GetCredentialsOptions | undefined }> = [];
  const federation = {
    audit: { name: "none", write() {} },
    flush: async () => {},
    async getCredentials(provider: Provider<AccessToken>, options?: GetCredentialsOptions) {
      asked.push({ provider, options });
      return {
        kind: "access-token",
        token: `tok-for-${(provider as { scope?: string }).scope}`,
        tokenType: "Bearer",
        expiresAt: 42_000,
      };
    },
  } as unknown as Federation;
  return { federation, asked };
}

describe("tokenCredential", () => {
  it("returns @azure/core-auth's AccessToken shape and one provider per scope", async () => {
    const { federation, asked } = recordingFederation();
    const credential = tokenCredential(
      federation,
      azureProvider({ ...base, scope: "https://storage.azure.com/.default" }),
    );
    const token = await credential.getToken("https://vault.azure.net/.default");
    expect(token).toEqual({
      token: "tok-for-https://vault.azure.net/.default",
      expiresOnTimestamp: 42_000,
      tokenType: "Bearer",
    });
    await credential.getToken(["https://vault.azure.net/.default"]);
    expect(asked[0]?.provider).toBe(asked[1]?.provider);
  });

  it("accepts a provider factory and passes the abort signal through", async () => {
    const { federation, asked } = recordingFederation();
    const credential = tokenCredential(federation, (scope) => azureProvider({ ...base, scope }));
    const controller = new AbortController();
    await credential.getToken("https://storage.azure.com/.default", { abortSignal: controller.signal });
    expect(asked[0]?.options?.signal).toBe(controller.signal);
  });

  it("refuses several scopes, another tenant and claims challenges", async () => {
    const { federation } = recordingFederation();
    const credential = tokenCredential(
      federation,
      azureProvider({ ...base, scope: "https://storage.azure.com/.default" }),
    );
    await expect(credential.getToken(["a/.default", "b/.default"])).rejects.toMatchObject({
      code: "invalid_request",
    });
    await expect(
      credential.getToken("https://storage.azure.com/.default", { tenantId: "t2" }),
    ).rejects.toMatchObject({ code: "config" });
    await expect(
      credential.getToken("https://storage.azure.com/.default", { claims: "{}" }),
    ).rejects.toMatchObject({ code: "invalid_request" });
  });
});

/** azureFetch for `scope` over a transport that records what it was handed. */
function recordingAzureFetch(scope: string, now?: () => number) {
  const { federation } = recordingFederation();
  const sent: Request[] = [];
  const send = azureFetch(federation, azureProvider({ ...base, scope }), {
    fetch: async (input) => {
      sent.push(input as Request);
      return new Response("ok");
    },
    ...(now && { now }),
  });
  return { send, sent };
}

describe("azureFetch", () => {
  it("adds the bearer token and storage headers for Microsoft hosts only", async () => {
    const { send: blobFetch, sent } = recordingAzureFetch("https://storage.azure.com/.default", () =>
      Date.UTC(2025, 0, 1),
    );
    await blobFetch("https://acct.blob.core.windows.net/c/b.txt");
    expect(sent[0]?.headers.get("authorization")).toBe("Bearer tok-for-https://storage.azure.com/.default");
    expect(sent[0]?.headers.get("x-ms-version")).toBe("2025-01-05");
    expect(sent[0]?.headers.get("x-ms-date")).toBe("Wed, 01 Jan 2025 00:00:00 GMT");
    // Sent with redirect "manual": a 3xx comes back to fedkit, which turns it into an error (never followed).
    expect(sent[0]?.redirect).toBe("manual");
    await expect(blobFetch("https://attacker.example/c/b.txt")).rejects.toMatchObject({
      code: "endpoint_refused",
    });
    await expect(blobFetch("http://acct.blob.core.windows.net/c/b.txt")).rejects.toMatchObject({
      code: "endpoint_refused",
    });
    expect(sent).toHaveLength(1);
  });

  it("authorizes a copy of the caller's Request: its own headers are kept, the bearer never lands on its object", async () => {
    const { send: blobFetch, sent } = recordingAzureFetch("https://storage.azure.com/.default");
    const mine = new Request("https://acct.blob.core.windows.net/c/b.txt", {
      headers: { "x-ms-version": "2021-08-06", "x-ms-date": "Fri, 01 Jan 2021 00:00:00 GMT" },
    });
    await blobFetch(mine);
    expect(sent[0]).not.toBe(mine);
    expect(sent[0]?.headers.get("authorization")).toBe("Bearer tok-for-https://storage.azure.com/.default");
    // The caller's own storage headers win over the defaults.
    expect(sent[0]?.headers.get("x-ms-version")).toBe("2021-08-06");
    expect(sent[0]?.headers.get("x-ms-date")).toBe("Fri, 01 Jan 2021 00:00:00 GMT");
    expect(mine.headers.has("authorization")).toBe(false);
    // The same object reused for a second call is still the caller's, unauthorized.
    await blobFetch(mine);
    expect(sent[1]?.headers.get("authorization")).toBe("Bearer tok-for-https://storage.azure.com/.default");
    expect(mine.headers.has("authorization")).toBe(false);
  });

  it("calls the fetch option as a plain function with the one authorized Request (an unbound fetch works)", async () => {
    const { federation } = recordingFederation();
    const calls: Array<{ self: unknown; args: unknown[] }> = [];
    const send = azureFetch(
      federation,
      azureProvider({ ...base, scope: "https://storage.azure.com/.default" }),
      {
        fetch: function (this: unknown, ...args: unknown[]) {
          calls.push({ self: this, args });
          return Promise.resolve(new Response("ok"));
        } as (input: string | URL | Request) => Promise<Response>,
      },
    );
    await send("https://acct.blob.core.windows.net/c/b.txt");
    expect(calls).toHaveLength(1);
    expect(calls[0]?.self).toBeUndefined();
    expect(calls[0]?.args).toHaveLength(1);
    expect((calls[0]!.args[0] as Request).headers.get("authorization")).toMatch(/^Bearer /);
  });

  it("adds the storage headers to storage tokens only (a vault token goes without them)", async () => {
    const { send: vaultFetch, sent } = recordingAzureFetch("https://vault.azure.net/.default");
    await vaultFetch("https://kv.vault.azure.net/secrets/s");
    expect(sent[0]?.headers.get("authorization")).toBe("Bearer tok-for-https://vault.azure.net/.default");
    expect(sent[0]?.headers.has("x-ms-version")).toBe(false);
    expect(sent[0]?.headers.has("x-ms-date")).toBe(false);
  });
});
