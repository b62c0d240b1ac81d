/// <reference types="node" />
// Starts a throwaway redis-server on a free loopback port, without persistence, for one test file. When the
// binary is absent the suites skip with a message; FEDKIT_REQUIRE_REDIS=1 (set by .ci/run) makes that a failure.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createServer } from "node:net";

export const REQUIRE_REDIS = process.env["FEDKIT_REQUIRE_REDIS"] === "1";

/** Path of redis-server on PATH, or undefined. */
export function redisServerBinary(): string | undefined {
  const found = spawnSync("sh", ["-c", "command -v redis-server"], { encoding: "utf8" });
  const path = found.stdout.trim();
  return found.status === 0 && path !== "" ? path : undefined;
}

/** Whether the suites can run; logs why not, or throws when FEDKIT_REQUIRE_REDIS=1. */
export function redisAvailable(): boolean {
  if (redisServerBinary() !== undefined) return true;
  if (REQUIRE_REDIS)
    throw new Error("FEDKIT_REQUIRE_REDIS=1 but redis-server is not on PATH (apt-get install redis-server)");
  console.warn(
    "redis-server not found on PATH: the Redis driver suites are skipped (apt-get install redis-server)",
  );
  return false;
}

/** A port nothing listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

export interface RedisServer {
  readonly port: number;
  readonly url: string;
  stop(): Promise<void>;
}

export async function startRedisServer(): Promise<RedisServer> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    redisServerBinary() ?? "redis-server",
    [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      "no",
      "--protected-mode",
      "yes",
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  await new Promise<void>((resolve, reject) => {
    let output = "";
    const timer = setTimeout(() => reject(new Error(`redis-server did not start: ${output}`)), 10_000);
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("Ready to accept connections")) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with ${code}: ${output}`));
    });
  });
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
