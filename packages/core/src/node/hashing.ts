import { createHash } from "node:crypto";
import { installSyncSha256 } from "../util/encoding.js";

/**
 * Makes fedkit hash cache keys and token ids with node:crypto instead of WebCrypto. On Node a WebCrypto digest is
 * a thread-pool job (~29 µs per short key on this repo's benchmark machine); node:crypto's synchronous hash costs
 * ~2 µs, and the engine hashes on every exchange and on every cache lookup of a raw token. The hashes are the same
 * bytes either way. Call it once at start-up on Node; edge runtimes and Deno keep WebCrypto, which is why this
 * lives behind `@fedkit/core/node` and not in the main entry.
 *
 * @example
 * ```ts
 * import { useNodeHashing } from "@fedkit/core/node";
 * useNodeHashing();
 * ```
 * @public
 */
export function useNodeHashing(): void {
  installSyncSha256((input) => createHash("sha256").update(input).digest("hex"));
}
