import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { callbackToken, chainSources, envToken, requestBearerToken, staticToken } from "@fedkit/core";
import { type AuditEvent, consoleAudit, memoryAudit } from "@fedkit/core/audit";
import { encryptedCache, importCacheKey, memoryCache } from "@fedkit/core/cache";
import { fileToken } from "@fedkit/core/node";
import { testAuditSink, testCredentialCache, testTokenSource } from "@fedkit/core/testing";
import { afterAll, describe, expect, it } from "vitest";
import { loopback } from "./helpers.js";

const api = { describe, it, expect };

function mapStorage() {
  const items = new Map<string, string>();
  return {
    items,
    async getItem(k: string) {
      return items.get(k) ?? null;
    },
    async setItem(k: string, v: string) {
      items.set(k, v);
    },
    async removeItem(k: string) {
      items.delete(k);
    },
  };
}

const keyBytes = crypto.getRandomValues(new Uint8Array(32));

testCredentialCache("memoryCache", () => memoryCache(), api);
testCredentialCache(
  "encryptedCache",
  async () => encryptedCache(mapStorage(), await importCacheKey(keyBytes)),
  api,
);

testAuditSink(
  "memoryAudit",
  () => {
    const sink = memoryAudit();
    return { sink, read: () => sink.events };
  },
  api,
);
testAuditSink(
  "consoleAudit",
  () => {
    const lines: string[] = [];
    const sink = consoleAudit({ log: (line) => lines.push(line) });
    return { sink, read: () => lines.map((l) => JSON.parse(l) as AuditEvent) };
  },
  api,
);

testTokenSource("staticToken", (f) => staticToken(f.raw), api);
testTokenSource("envToken", (f) => envToken("OIDC", { env: () => ({ OIDC: f.raw }) }), api);
testTokenSource("callbackToken", (f) => callbackToken(async () => f.raw), api);
testTokenSource(
  "requestBearerToken (local JWKS)",
  (f) =>
    requestBearerToken(
      new Request("https://site.example/", { headers: { authorization: `Bearer ${f.raw}` } }),
      {
        jwks: f.jwks as { keys: [] },
        issuer: f.issuer,
        audience: f.audience,
      },
    ),
  api,
);

const jwksServers: { close(): Promise<void> }[] = [];
afterAll(async () => {
  await Promise.all(jwksServers.map((s) => s.close()));
});
testTokenSource(
  "requestBearerToken (remote JWKS on loopback)",
  async (f) => {
    const server = await loopback((_req, res) =>
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(f.jwks)),
    );
    jwksServers.push(server);
    return requestBearerToken(
      new Request("https://site.example/", { headers: { authorization: `Bearer ${f.raw}` } }),
      {
        jwks: `${server.origin}/jwks`,
        issuer: f.issuer,
        audience: f.audience,
        fetch: (input, init) => fetch(input, init),
      },
    );
  },
  api,
);
testTokenSource(
  "chainSources",
  (f) => chainSources(envToken("UNSET_FOR_TEST", { env: () => ({}) }), staticToken(f.raw)),
  api,
);

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});
testTokenSource(
  "fileToken",
  async (f) => {
    const dir = await mkdtemp(join(tmpdir(), "fedkit-"));
    dirs.push(dir);
    await writeFile(join(dir, "token"), `${f.raw}\n`);
    return fileToken(join(dir, "token"));
  },
  api,
);
