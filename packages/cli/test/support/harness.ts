import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { issuerRoutes } from "@fedkit/netlify";
import type { CliIo } from "../../src/io.js";
import { run } from "../../src/main.js";

/** A CLI run against a temporary home, a settable clock and captured output. */
export function harness(start = Date.UTC(2026, 0, 1)) {
  const home = mkdtempSync(join(tmpdir(), "fedkit-cli-"));
  let now = start;
  let out = "";
  let err = "";
  const env: Record<string, string | undefined> = { XDG_CONFIG_HOME: join(home, "config"), HOME: home };
  const io = (extra: Partial<CliIo> = {}): Partial<CliIo> => ({
    stdout: (text) => {
      out += `${text}\n`;
    },
    stderr: (text) => {
      err += `${text}\n`;
    },
    env,
    cwd: home,
    isTTY: false,
    now: () => now,
    ...extra,
  });
  return {
    home,
    env,
    keyDir: join(home, "config", "fedkit", "keys", "default"),
    advance: (seconds: number) => {
      now += seconds * 1000;
    },
    async run(argv: string[], extra: Partial<CliIo> = {}) {
      out = "";
      err = "";
      const code = await run(argv, io(extra));
      return { code, out, err };
    },
    cleanup: () => rmSync(home, { recursive: true, force: true }),
  };
}

/** A loopback HTTP server answering each path from `routes`; `url` is its origin. */
export async function loopback(
  routes: (path: string) => { status?: number; headers?: Record<string, string>; body: unknown } | undefined,
) {
  const { createServer } = await import("node:http");
  const server = createServer((request, response) => {
    const answer = routes(request.url ?? "/");
    if (answer === undefined) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(answer.status ?? 200, { "content-type": "application/json", ...answer.headers });
    response.end(typeof answer.body === "string" ? answer.body : JSON.stringify(answer.body));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A `fetch` answered by the real issuer routes of a production deploy whose env holds the CLI's key set. */
export function deployedIssuer(
  keyDir: string,
  siteUrl: string,
  env: Record<string, string> = {},
): typeof fetch {
  const vars: Record<string, string> = {
    FEDKIT_CONTEXT: "production",
    FEDKIT_ISSUER_KEYS: readFileSync(join(keyDir, "production.json"), "utf8"),
    ...env,
  };
  const routes = issuerRoutes({
    siteId: "0f4c9e2a-7d31-4b8e-a6f5-3c2d1e0b9a87",
    siteUrl,
    targets: {},
    functions: {},
    runtime: { env: (name) => vars[name] },
  });
  return async (input) => routes(new Request(String(input)));
}
