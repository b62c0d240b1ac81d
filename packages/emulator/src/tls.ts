import { request as httpsRequest } from "node:https";
import { generate } from "selfsigned";
import type { TlsConfig } from "./config.js";

/** The certificate every https listener serves, and the CA a client must trust. @public */
export interface TlsMaterial {
  readonly cert: string;
  readonly key: string;
  /** PEM of the CA that signed `cert` (the cert itself when it is self-signed). */
  readonly ca: string;
}

/**
 * Generates a throwaway CA and a leaf certificate for `127.0.0.1`, `localhost` and `::1`, valid for a week.
 * Keys live only in memory; a fresh pair is made on every call. Exported so tests and demos that run other
 * https servers next to the emulator (Azurite, a site's front) can share one CA with it.
 * @example
 * ```ts
 * const { cert, key, ca } = await generateTlsMaterial();
 * const emulator = await startEmulator({ tls: { cert, key, ca } });
 * ```
 * @public
 */
export async function generateTlsMaterial(now: number = Date.now()): Promise<TlsMaterial> {
  const notBeforeDate = new Date(now - 60_000);
  const notAfterDate = new Date(now + 7 * 86_400_000);
  const ca = await generate([{ name: "commonName", value: "fedkit emulator local CA" }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    notBeforeDate,
    notAfterDate,
    extensions: [
      { name: "basicConstraints", cA: true, critical: true },
      { name: "keyUsage", keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  const leaf = await generate([{ name: "commonName", value: "127.0.0.1" }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    notBeforeDate,
    notAfterDate,
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: "basicConstraints", cA: false },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true },
      { name: "extKeyUsage", serverAuth: true },
      {
        name: "subjectAltName",
        altNames: [
          { type: 7, ip: "127.0.0.1" },
          { type: 7, ip: "::1" },
          { type: 2, value: "localhost" },
        ],
      },
    ],
  });
  return { cert: leaf.cert, key: leaf.private, ca: ca.cert };
}

/** Resolves the `tls` config: nothing, generated material, or the certificate the caller supplied. @internal */
export async function resolveTls(
  config: TlsConfig | undefined,
  now: number,
): Promise<TlsMaterial | undefined> {
  if (config === undefined || config === false) return undefined;
  if (config === true) return generateTlsMaterial(now);
  return { cert: config.cert, key: config.key, ca: config.ca ?? config.cert };
}

/**
 * A `fetch` for GET requests that trusts the emulator's CA, used by the emulator itself to reach https
 * issuers it serves (Node's global fetch cannot be given a CA without undici). Other URLs go to the global
 * `fetch`, looked up at call time.
 * @internal
 */
export function fetchTrusting(ca: string | undefined): typeof fetch {
  return async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const method = init?.method ?? (input instanceof Request ? input.method : "GET");
    if (ca === undefined || url.protocol !== "https:" || method !== "GET")
      return globalThis.fetch(input, init);
    return new Promise<Response>((resolve, reject) => {
      const headers = Object.fromEntries(new Headers(init?.headers).entries());
      const req = httpsRequest(url, { method, headers, ca, signal: init?.signal ?? undefined }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("error", reject);
        res.on("end", () => {
          const out = new Headers();
          for (const [name, value] of Object.entries(res.headers)) {
            if (typeof value === "string") out.set(name, value);
            else if (Array.isArray(value)) for (const item of value) out.append(name, item);
          }
          const status = res.statusCode ?? 502;
          const body = status === 204 || status === 304 ? null : Buffer.concat(chunks);
          resolve(new Response(body, { status, headers: out }));
        });
      });
      req.on("error", reject);
      req.end();
    });
  };
}
