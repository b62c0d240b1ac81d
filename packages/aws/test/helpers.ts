/// <reference types="node" />
// Shared test helpers: unsigned subject tokens and a loopback HTTP server the test starts and stops itself.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Credentials, Provider, SubjectToken } from "@fedkit/core";
import { decodeSubjectToken } from "@fedkit/core/provider";
import type { AwsCredentials } from "../src/credentials.js";
import type { CredentialGetter } from "../src/fetch.js";

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

/** An unsigned (decoded-only) subject token with the given claims. */
export function fakeToken(claims: Record<string, unknown>): SubjectToken {
  const now = Math.floor(Date.now() / 1000);
  const raw = `${b64({ alg: "RS256", kid: "k1" })}.${b64({ iat: now, exp: now + 600, ...claims })}.c2lnbmF0dXJl`;
  return decodeSubjectToken(raw);
}

export interface Recorded {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage["headers"];
  readonly body: string;
}

export interface FakeServer {
  readonly origin: string;
  readonly requests: Recorded[];
  close(): Promise<void>;
}

export type Reply = { status: number; body: string; headers?: Record<string, string> };

/** Starts a loopback server on port 0 answering with `handler`, recording every request. */
export async function startServer(
  handler: (req: Recorded, index: number) => Reply | Promise<Reply>,
): Promise<FakeServer> {
  const requests: Recorded[] = [];
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const recorded = {
      method: req.method ?? "",
      url: req.url ?? "",
      headers: req.headers,
      body: Buffer.concat(chunks).toString("utf8"),
    };
    requests.push(recorded);
    const reply = await handler(recorded, requests.length - 1);
    res.writeHead(reply.status, { "content-type": "text/xml", ...reply.headers });
    res.end(reply.body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** An STS success document for `operation`. */
export function stsSuccess(
  operation: string,
  fields: { accessKeyId?: string; expiration?: string; arn?: string } = {},
): string {
  return `<${operation}Response xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <${operation}Result>
    <AssumedRoleUser><Arn>${fields.arn ?? "arn:aws:sts::123456789012:assumed-role/reader/alice"}</Arn><AssumedRoleId>AROATEST:alice</AssumedRoleId></AssumedRoleUser>
    <Credentials>
      <AccessKeyId>${fields.accessKeyId ?? "ASIATESTACCESSKEY01"}</AccessKeyId>
      <SecretAccessKey>secret/key+value</SecretAccessKey>
      <SessionToken>session-token-value</SessionToken>
      <Expiration>${fields.expiration ?? new Date(Date.now() + 3600_000).toISOString()}</Expiration>
    </Credentials>
  </${operation}Result>
  <ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata>
</${operation}Response>`;
}

/** An STS error document. */
export function stsError(code: string, message: string): string {
  return `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>err-1</RequestId></ErrorResponse>`;
}

/**
 * A credential getter that counts its calls and hands out fixed AWS credentials: a test that must refuse before any
 * credentials are asked for checks `calls()`, and one that must keep a secret out of an error searches for
 * `sessionToken`.
 */
export function countingGetter(accessKeyId: string, sessionToken: string) {
  let calls = 0;
  const getter: CredentialGetter = {
    async getCredentials<C extends Credentials>(_p: Provider<C>) {
      calls++;
      const creds: AwsCredentials = {
        kind: "aws",
        accessKeyId,
        secretAccessKey: "secret",
        sessionToken,
        expiresAt: Date.now() + 3600_000,
      };
      return creds as unknown as C;
    },
  };
  return { getter, calls: () => calls };
}
