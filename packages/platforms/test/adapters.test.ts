/// <reference types="node" />
/**
 * Adapters against the emulated clouds:
 * - Vercel Functions — STAND-IN: no Vercel runtime installs from npm, so the handler is called as Vercel calls a
 *   Web-standard function (Node and Edge alike): a `Request` carrying `x-vercel-oidc-token`, and `waitUntil`;
 * - Hono (the real `hono` package) and Node's `http` server (real), each reading S3 through the middleware;
 * - Fly's Machines API over a unix socket (`flySocketFetch`, a real socket server in front of the emulated API).
 */

import { mkdtemp, rm } from "node:fs/promises";
import { createServer as createHttpServer, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { awsFetch, awsProvider } from "@fedkit/aws";
import { type Emulator, platformsOf } from "@fedkit/emulator";
import {
  BODY,
  BUCKET,
  OBJECT,
  type Registered,
  registerTrust,
  startClouds,
} from "@fedkit/test-support/clouds";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fedkitHono } from "../src/hono/index.js";
import { flyMachineToken, githubActionsToken, type RequestFederation } from "../src/index.js";
import { fedkitNode, flySocketFetch } from "../src/node/index.js";
import { githubActionsTrust, vercelTrust } from "../src/trust/index.js";
import { withVercel } from "../src/vercel/index.js";

let emulator: Emulator;
let github: Registered;
const repo = { owner: "octo-org", ownerId: "123456", repo: "octo-repo", repoId: "456789" };

beforeAll(async () => {
  emulator = await startClouds();
  github = registerTrust(
    emulator,
    githubActionsTrust({ ...repo, issuer: platformsOf(emulator).issuer("github-actions") }),
  );
});
afterAll(() => emulator?.stop());

const readS3 = (fedkit: RequestFederation, roleArn: string, audience?: string) =>
  awsFetch(
    fedkit,
    awsProvider({
      roleArn,
      region: "us-east-1",
      endpoint: emulator.urls.sts,
      allowCustomEndpoint: true,
      ...(audience ? { audience } : {}),
    }),
    {
      service: "s3",
      region: "us-east-1",
      allowedOrigins: [new URL(emulator.urls.s3).origin],
    },
  )(`${emulator.urls.s3}/${BUCKET}/${OBJECT}`);

const jobEnv = () => platformsOf(emulator).githubActionsJob({ ...repo, immutable: true });

describe("Vercel Functions (stand-in for the Vercel runtime)", () => {
  it("reads S3 with the request's x-vercel-oidc-token and hands background work to waitUntil", async () => {
    const deployment = {
      team: "acme",
      teamId: "team_1",
      project: "reports",
      projectId: "prj_1",
      environment: "production",
    };
    const trust = vercelTrust({ ...deployment, issuer: platformsOf(emulator).issuer("vercel", "acme") });
    // Vercel's tokens carry the team audience: the IAM OIDC provider's client id is https://vercel.com/<team>.
    const provider = emulator.aws.createOpenIdConnectProvider({
      url: trust.spec.issuer,
      clientIds: ["https://vercel.com/acme"],
    });
    const role = emulator.aws.putRole({
      name: "vercel-reader",
      trustPolicy: trust.aws({ providerArn: provider.arn, audience: "https://vercel.com/acme" }) as never,
      permissionPolicies: [
        {
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: `arn:aws:s3:::${BUCKET}/*` }],
        },
      ],
    });
    const scheduled: Promise<unknown>[] = [];
    const GET = withVercel(async (_request, fedkit) => readS3(fedkit, role.arn, "https://vercel.com/acme"), {
      waitUntil: (work) => scheduled.push(work),
      // An audit sink that writes asynchronously (a log drain): its writes must outlive the response.
      federation: { audit: { name: "drain", write: async () => {} } },
    });
    const call = async (environment: string) =>
      GET(
        new Request("https://reports.vercel.app/api/report", {
          headers: {
            "x-vercel-oidc-token": await platformsOf(emulator).mint("vercel", { ...deployment, environment }),
          },
        }),
      );
    const answer = await call("production");
    expect(await answer.text()).toBe(BODY);
    expect(scheduled.length).toBeGreaterThan(0);
    await expect(call("preview")).rejects.toMatchObject({ cloudCode: "AccessDenied" });
  });
});

describe("Hono and Node http", () => {
  it("Hono: c.get('fedkit') reads S3 with a GitHub Actions token", async () => {
    const app = new Hono<{ Variables: { fedkit: RequestFederation } }>();
    app.use(fedkitHono({ source: () => githubActionsToken({ env: jobEnv() }) }));
    app.get("/report", async (c) => readS3(c.get("fedkit"), github.roleArn));
    const answer = await app.request("/report");
    expect(await answer.text()).toBe(BODY);
  });

  it("Node http: req.fedkit reads S3; a source that throws reaches next(error)", async () => {
    type FedkitRequest = IncomingMessage & { fedkit?: RequestFederation };
    const attach = fedkitNode<FedkitRequest>({
      source: () => githubActionsToken({ env: jobEnv() }),
    });
    const server = createHttpServer((req: FedkitRequest, res) => {
      attach(req, res, async () => {
        const answer = await readS3(req.fedkit!, github.roleArn);
        res.end(await answer.text());
      });
    });
    await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
    try {
      const { port } = server.address() as { port: number };
      expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe(BODY);
    } finally {
      server.close();
    }
    const failing = fedkitNode({
      source: () => {
        throw new Error("no token source");
      },
    });
    let seen: unknown;
    failing({ headers: {} }, {}, (error) => {
      seen = error;
    });
    expect(seen).toBeInstanceOf(Error);
  });
});

describe("Fly.io over the Machine's unix socket", () => {
  it("flySocketFetch reaches the Machines API through /.fly/api-style socket and the token verifies for S3", async () => {
    const dir = await mkdtemp(join(tmpdir(), "fedkit-fly-"));
    const socketPath = join(dir, "api.sock");
    const machine = { org: "acme", orgId: "o1", app: "reports", appId: "a1", machine: "m1", machineId: "3" };
    const { apiUrl } = platformsOf(emulator).flyMachine(machine);
    // The socket forwards to the emulated Machines API, as Fly's /.fly/api forwards to flaps.
    const proxy = createHttpServer((req, res) => {
      const upstream = httpsRequest(
        new URL(`${apiUrl}${req.url ?? "/"}`),
        { method: req.method, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      req.pipe(upstream);
    });
    await new Promise<void>((ok) => proxy.listen(socketPath, ok));
    try {
      const token = await flyMachineToken({ fetch: flySocketFetch(socketPath) }).getToken({
        audience: "sts.amazonaws.com",
        now: Date.now,
      });
      expect(token.claims).toMatchObject({ sub: "acme:reports:m1", aud: "sts.amazonaws.com" });
    } finally {
      proxy.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
