/// <reference types="node" />
/**
 * The plain Node server sample in Node (its real runtime) against the emulated clouds and Azurite: the server is
 * its own OIDC issuer (@fedkit/issuer) behind an https front (Entra trusts https issuers only; the front stands for
 * the TLS proxy a deployment puts before it). Both flavours — Hono served by @hono/node-server, and Node's own http
 * with the fedkitNode middleware — serve discovery and JWKS and read S3, GCS and the blob with the trust
 * platformTrust generates for the exact subject. Another site's server behind the same URL is refused everywhere.
 */

import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Emulator } from "@fedkit/emulator";
import { generateIssuerKeys } from "@fedkit/issuer";
import {
  type BlobStore,
  BODY,
  registerTrust,
  sampleVars,
  siteIssuerTrust,
  startBlobStore,
  startClouds,
} from "@fedkit/test-support/clouds";
import { loadTestTls } from "@fedkit/test-support/tls";
import { serve } from "@hono/node-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { httpsFront } from "../../../packages/netlify/test/azure-support.js";
import { honoApp } from "../src/hono.js";
import { httpServer } from "../src/http.js";
import type { Vars } from "../src/vars.js";

let emulator: Emulator;
let blobs: BlobStore;
let keys: string;

beforeAll(async () => {
  emulator = await startClouds();
  blobs = await startBlobStore(emulator);
  keys = (await generateIssuerKeys({ context: "production" })).secret;
});
afterAll(async () => {
  await blobs?.azurite.stop();
  await emulator?.stop();
});

type Start = (vars: Vars) => Promise<Server>;

const listen = async (server: Server): Promise<Server> => {
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  return server;
};
const FLAVOURS: Record<string, Start> = {
  "Hono on @hono/node-server": (vars) =>
    new Promise((ok) => {
      const server = serve({ fetch: honoApp(vars).fetch, port: 0, hostname: "127.0.0.1" }, () =>
        ok(server as Server),
      );
    }),
  "Node http with fedkitNode": (vars) => listen(httpServer(vars)),
};

const stop = (server: Server) =>
  new Promise<void>((ok) => {
    server.closeAllConnections();
    server.close(() => ok());
  });

describe.each(Object.entries(FLAVOURS))("Node server sample: %s", (_name, start) => {
  it("serves its issuer and reads S3, GCS and the Azure blob; another site's server at the same URL is refused", async () => {
    let target = "http://127.0.0.1:9";
    const front = await httpsFront(await loadTestTls(), () => target);
    const subject = "site:reports-server:context:production:function:server";
    const registered = registerTrust(
      emulator,
      siteIssuerTrust(`${front.url}/oidc/production`, subject, "separate"),
    );
    const vars = {
      ...sampleVars(emulator, registered, blobs),
      SITE_URL: front.url,
      SITE_ID: "reports-server",
      FEDKIT_ISSUER_KEYS: keys,
    };
    const read = async (cloud: string) => {
      const answer = await fetch(`${front.url}/read/${cloud}`);
      return { status: answer.status, body: await answer.text() };
    };
    const server = await start(vars);
    try {
      target = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const jwks = (await (await fetch(`${front.url}/oidc/production/.well-known/jwks.json`)).json()) as {
        keys: Record<string, unknown>[];
      };
      expect(jwks.keys.length).toBeGreaterThan(0);
      expect(jwks.keys.every((key) => key.d === undefined)).toBe(true);
      expect(await read("aws")).toEqual({ status: 200, body: BODY });
      expect(await read("gcp")).toEqual({ status: 200, body: BODY });
      expect(await read("azure")).toEqual({ status: 200, body: blobs.body });
    } finally {
      await stop(server);
    }
    // Same keys and URL, another site id: its tokens name site:other-site:…, which no cloud trusts.
    const other = await start({ ...vars, SITE_ID: "other-site" });
    try {
      target = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
      for (const cloud of ["aws", "gcp", "azure"]) {
        const refused = await read(cloud);
        expect(refused.status).toBe(502);
        expect(refused.body).not.toContain(BODY);
        expect(refused.body).not.toContain(blobs.body);
      }
    } finally {
      await stop(other);
      await front.close();
    }
  });
});
