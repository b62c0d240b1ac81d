/// <reference types="node" />
/** Helpers the S3 tests share: a role session put straight into state, a SigV4 hash for smithy, raw HTTP. */
import { createHash, createHmac, randomBytes } from "node:crypto";
import { request as httpRequest } from "node:http";
import type { AwsSession, Emulator } from "../src/index.js";

/** Puts a session of role `roleArn` for `user` (principal tag `user`) into the emulator's state. */
export function addRoleSession(
  emulator: Emulator,
  roleArn: string,
  user: string,
  expiresAt: number,
  extra: Partial<AwsSession> = {},
): AwsSession {
  const role = [...emulator.state.aws.roles.values()].find((r) => r.arn === roleArn)!;
  const session: AwsSession = {
    accessKeyId: `ASIA${randomBytes(8).toString("hex").toUpperCase()}`,
    secretAccessKey: randomBytes(30).toString("base64"),
    sessionToken: randomBytes(64).toString("base64"),
    accountId: emulator.state.aws.accountId,
    roleArn,
    assumedRoleArn: `arn:aws:sts::${emulator.state.aws.accountId}:assumed-role/${role.name}/${user}`,
    assumedRoleId: `${role.roleId}:${user}`,
    sessionName: user,
    expiresAt,
    tags: { user },
    transitiveTagKeys: [],
    sessionPolicies: [],
    policyArns: [],
    ...extra,
  };
  emulator.state.aws.sessions.set(session.accessKeyId, session);
  return session;
}

const bytes = (d: string | ArrayBuffer | ArrayBufferView) =>
  typeof d === "string"
    ? d
    : ArrayBuffer.isView(d)
      ? new Uint8Array(d.buffer, d.byteOffset, d.byteLength)
      : new Uint8Array(d);

/** The `sha256` constructor `@smithy/signature-v4` takes (plain SHA-256, or HMAC with a secret). */
export class Sha256 {
  readonly #h: ReturnType<typeof createHash> | ReturnType<typeof createHmac>;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.#h = secret ? createHmac("sha256", bytes(secret)) : createHash("sha256");
  }
  update(data: string | ArrayBuffer | ArrayBufferView) {
    this.#h.update(bytes(data));
  }
  async digest() {
    return new Uint8Array(this.#h.digest());
  }
  reset() {}
}

/** One HTTP/1.1 request to 127.0.0.1:`port` with exactly this path and these headers (incl. a chosen Host). */
export function rawRequest(
  port: string | number,
  options: { method?: string; path: string; headers: Record<string, string>; body?: string },
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: "127.0.0.1",
        port,
        method: options.method ?? "GET",
        path: options.path,
        headers: options.headers,
      },
      (res) => {
        let text = "";
        res.on("data", (chunk) => (text += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      },
    );
    req.on("error", reject);
    req.end(options.body);
  });
}
