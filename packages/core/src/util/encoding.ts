/**
 * Byte and hash helpers built on WebCrypto and TextEncoder only, so they run on every edge runtime.
 *
 * @packageDocumentation
 */

const encoder = new TextEncoder();

/**
 * Encodes bytes as unpadded base64url (RFC 4648 §5), as JWTs and PKCE use it.
 *
 * @example
 * ```ts
 * base64url(new Uint8Array([251, 255])); // "-_8"
 * ```
 * @public
 */
export function base64url(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/**
 * Decodes base64url (padded or not). Throws `TypeError` on characters outside the alphabet.
 * @public
 */
export function base64urlDecode(text: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*={0,2}$/.test(text)) throw new TypeError("base64urlDecode: not base64url text");
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/").replace(/=+$/, ""));
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/** Lower-case hex of bytes. @public */
export function toHex(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes) out += b.toString(16).padStart(2, "0");
  return out;
}

/** UTF-8 bytes of a string. @public */
export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

/**
 * SHA-256 of a string (UTF-8) or bytes, as lower-case hex. WebCrypto, so it is asynchronous.
 *
 * @example
 * ```ts
 * await sha256Hex(""); // "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
 * ```
 * @public
 */
export async function sha256Hex(input: string | Uint8Array): Promise<string> {
  const sync = nodeSha256Hex();
  if (sync) return sync(input);
  const bytes = typeof input === "string" ? encoder.encode(input) : input;
  const digest = await globalThis.crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return toHex(new Uint8Array(digest));
}

type SyncHash = (input: string | Uint8Array) => string;
let nodeHash: SyncHash | null | undefined;

/**
 * On Node, a WebCrypto digest is a thread-pool job costing ~100 µs of CPU; node:crypto's synchronous hash of the
 * short inputs the engine hashes (keys, token ids) costs ~2 µs. Reached through `process.getBuiltinModule`
 * (Node ≥ 20.16), not an import, so edge bundles stay free of Node built-ins; Deno (whose `process` is costly to
 * touch) and edge runtimes keep WebCrypto. Same bytes in, same hash out.
 */
function nodeSha256Hex(): SyncHash | null {
  if (nodeHash === undefined) {
    nodeHash = null;
    try {
      const g = globalThis as {
        Deno?: unknown;
        process?: { getBuiltinModule?: (id: string) => NodeCrypto | undefined };
      };
      const nodeCrypto = g.Deno === undefined ? g.process?.getBuiltinModule?.("node:crypto") : undefined;
      if (typeof nodeCrypto?.createHash === "function")
        nodeHash = (input) => nodeCrypto.createHash("sha256").update(input).digest("hex");
    } catch {
      // No usable node:crypto: WebCrypto it is.
    }
  }
  return nodeHash;
}

interface NodeCrypto {
  createHash(algorithm: "sha256"): {
    update(data: string | Uint8Array): { digest(encoding: "hex"): string };
  };
}
