import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  type Credentials,
  FederationError,
  type Provider,
  type SubjectToken,
  type TokenTrust,
} from "@fedkit/core";
import { base64url, decodeSubjectToken, type ExchangeContext } from "@fedkit/core/provider";

/** A loopback HTTP server on port 0 that records requests and answers with `handler`. */
export async function loopback(handler: (req: IncomingMessage, res: ServerResponse, body: string) => void) {
  const requests: { method: string; url: string; headers: IncomingMessage["headers"]; body: string }[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => {
      body += c;
    });
    req.on("end", () => {
      requests.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body });
      handler(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** An unsigned JWT with the given claims (alg none-like header), decoded with the given trust. */
export function jwt(
  claims: Record<string, unknown>,
  trust: TokenTrust = "unverified",
  signature?: string,
): SubjectToken {
  return decodeSubjectToken(rawJwt(claims, signature), trust);
}

export function rawJwt(claims: Record<string, unknown>, signature = "c2ln"): string {
  const enc = (v: unknown) => base64url(new TextEncoder().encode(JSON.stringify(v)));
  const nowS = Math.floor(Date.now() / 1000);
  return `${enc({ alg: "RS256", typ: "JWT" })}.${enc({ iat: nowS, exp: nowS + 3600, ...claims })}.${signature}`;
}

/** AWS-shaped credentials: core knows no cloud, so its tests declare the shape a provider would. */
export interface TestAwsCredentials extends Credentials {
  readonly kind: "aws";
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
}

export interface FakeProviderOptions {
  key?: string;
  audience?: string;
  lifetimeMs?: number;
  now?: () => number;
  /** Decide per call; default: success. */
  behave?: (subject: SubjectToken, call: number) => Promise<void> | void;
}

/** A provider whose exchange runs in-process (no HTTP), counting calls and recording subjects. */
export function fakeProvider(options: FakeProviderOptions = {}) {
  const subjects: SubjectToken[] = [];
  let calls = 0;
  const provider: Provider<TestAwsCredentials> & {
    readonly calls: number;
    readonly subjects: SubjectToken[];
  } = {
    cloud: "aws",
    key: options.key ?? "role=arn:aws:iam::123456789012:role/reader",
    audience: options.audience ?? "sts.amazonaws.com",
    target: {
      role: "arn:aws:iam::123456789012:role/reader",
      audience: options.audience ?? "sts.amazonaws.com",
    },
    get calls() {
      return calls;
    },
    subjects,
    async exchange(subject: SubjectToken, ctx: ExchangeContext) {
      const n = ++calls;
      subjects.push(subject);
      await options.behave?.(subject, n);
      const now = (options.now ?? ctx.now)();
      return {
        credentials: {
          kind: "aws",
          accessKeyId: `ASIATEST${String(n).padStart(8, "0")}`,
          secretAccessKey: `secret-${n}-${String(subject.claims.sub)}`,
          sessionToken: `session-${n}`,
          expiresAt: now + (options.lifetimeMs ?? 3_600_000),
        },
        sessionName: `fedkit-${n}`,
        requestId: `req-${n}`,
      };
    },
  };
  return provider;
}

/** A promise with its resolve/reject exposed. */
export function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

export function denied(message = "Not authorized to perform sts:AssumeRoleWithWebIdentity") {
  return new FederationError("access_denied", message, {
    provider: "aws",
    status: 403,
    cloudCode: "AccessDenied",
  });
}
