/**
 * The platforms' own token endpoints (the GitHub Actions runner, the Fly Machines API) are asked through core's safe
 * client, as every exchange is: an oversized answer is refused rather than read whole, a redirect is refused rather
 * than followed with the runner's bearer, and a transient 5xx is retried.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { RedirectRefusedError } from "@fedkit/core/provider";
import { afterEach, describe, expect, it } from "vitest";
import { flyMachineToken, githubActionsToken } from "../src/index.js";

const part = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
const JWT = `${part({ alg: "RS256" })}.${part({ iss: "https://runner.test", sub: "repo:o/r", aud: "a" })}.c2ln`;

type Handler = (req: IncomingMessage, res: ServerResponse, index: number) => void;
let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

/** A loopback endpoint answering with `handler`; resolves with its origin and the requests it saw. */
async function endpoint(handler: Handler) {
  const seen: { url: string; authorization?: string }[] = [];
  const server = createServer((req, res) => {
    seen.push({ url: req.url ?? "", authorization: req.headers.authorization });
    req.resume();
    req.on("end", () => handler(req, res, seen.length - 1));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  close = () => new Promise((resolve) => server.close(() => resolve()));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

const runner = (origin: string) =>
  githubActionsToken({
    env: {
      ACTIONS_ID_TOKEN_REQUEST_URL: `${origin}/token?api=1`,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: "runner-bearer",
    },
  });
const ask = { audience: "a", now: Date.now };

describe("platform token endpoints through core's safe client", () => {
  it("GitHub Actions: an answer over the cap is refused (bad_response), not read whole", async () => {
    const { origin } = await endpoint((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ value: JWT, padding: "x".repeat(300_000) }));
    });
    await expect(runner(origin).getToken(ask)).rejects.toMatchObject({
      code: "bad_response",
      provider: "github-actions",
    });
  });

  it("GitHub Actions: a redirect is refused, never followed with the runner's bearer", async () => {
    const { origin, seen } = await endpoint((_req, res, i) => {
      if (i === 0) res.writeHead(307, { location: "/elsewhere" }).end();
      else res.writeHead(200).end(JSON.stringify({ value: JWT }));
    });
    const error = await runner(origin)
      .getToken(ask)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RedirectRefusedError);
    expect(seen).toHaveLength(1);
    expect(JSON.stringify((error as RedirectRefusedError).toJSON())).not.toContain("runner-bearer");
  });

  it("GitHub Actions: a 503 is retried, then the token is returned; a 401 is not retried", async () => {
    const flaky = await endpoint((_req, res, i) => {
      if (i === 0) res.writeHead(503).end();
      else res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ value: JWT }));
    });
    expect((await runner(flaky.origin).getToken(ask)).raw).toBe(JWT);
    expect(flaky.seen).toHaveLength(2);
    expect(flaky.seen[1]?.url).toBe("/token?api=1&audience=a");
    await close?.();
    const refusing = await endpoint((_req, res) => res.writeHead(401).end());
    await expect(runner(refusing.origin).getToken(ask)).rejects.toMatchObject({
      code: "provider_unavailable",
      status: 401,
    });
    expect(refusing.seen).toHaveLength(1);
  });

  it("Fly.io: the Machines API's answer is capped and its token trimmed", async () => {
    const { origin } = await endpoint((_req, res, i) =>
      res.writeHead(200).end(i === 0 ? `${JWT}\n` : "x".repeat(300_000)),
    );
    const source = flyMachineToken({ fetch: (url, init) => fetch(url, init), apiUrl: origin });
    expect((await source.getToken(ask)).raw).toBe(JWT);
    await expect(source.getToken(ask)).rejects.toMatchObject({ code: "bad_response", provider: "fly-io" });
  });
});
