/**
 * Workload identity pool ids for fedkit's layout: one pool per (site, deploy context). Google scopes a federated
 * principal to the POOL, not to the provider that authenticated it, so any provider in a pool can hand out any
 * subject of that pool; a pool of its own per deploy context is what keeps a deploy preview's key from ever
 * becoming production.
 *
 * @packageDocumentation
 */
import { sha256 } from "@fedkit/core/provider";
import { gcpError } from "./error.js";

/** The version tag hashed into derived pool ids; a new scheme gets a new tag (and new ids). @public */
export const GCP_POOL_ID_SCHEME = "fedkit/gcp-pool-id/v1";

const BASE32 = "abcdefghijklmnopqrstuvwxyz234567";
/** Google's rule for pool and provider ids (IAM v1 `workloadIdentityPools.create` / `providers.create`): 4-32 of
 * `[a-z0-9-]`, not starting with the reserved `gcp-`. */
const ID = /^(?!gcp-)[a-z0-9-]{4,32}$/;

function base32(bytes: Uint8Array): string {
  let out = "";
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out;
}

/**
 * The default workload identity pool id of one Netlify site in one deploy context:
 * `"fk-"` + the first 26 characters of the lower-case base32 (RFC 4648 alphabet) of
 * SHA-256(UTF-8(JSON `["fedkit/gcp-pool-id/v1", siteId, context]`)) — 29 characters, 130 bits of the hash.
 *
 * Why a hash: a pool id is 4–32 characters of `[a-z0-9-]` and must not start with `gcp-`, while a Netlify site
 * id alone is a 36-character UUID. The JSON array keeps (site, context) pairs unambiguous; the version tag lets
 * a future scheme coexist. A deleted pool's id cannot be reused for 30 days (undelete it instead, or set
 * `poolId` explicitly).
 *
 * @example
 * ```ts
 * gcpPoolId("5b0c2a71-1c3e-4d6b-9a51-0f7a2f1e9c11", "production"); // "fk-" + 26 base32 characters
 * ```
 * @public
 */
export function gcpPoolId(siteId: string, context: string): string {
  if (siteId === "" || context === "") throw new TypeError("gcpPoolId: siteId and context must be non-empty");
  // sha256 hashes a string's UTF-8 bytes.
  const digest = sha256(JSON.stringify([GCP_POOL_ID_SCHEME, siteId, context]));
  return `fk-${base32(digest).slice(0, 26)}`;
}

/**
 * Checks a workload identity pool or provider id against Google's rules: 4–32 characters of `[a-z0-9-]`, not
 * starting with the reserved `gcp-`. Returns the id.
 *
 * @example
 * ```ts
 * checkGcpId("pool", "netlify-production"); // "netlify-production"
 * ```
 * @throws FederationError `config` naming the id and the rule it breaks.
 * @public
 */
export function checkGcpId(kind: "pool" | "provider", id: string): string {
  if (ID.test(id)) return id;
  throw gcpError(
    "config",
    `"${id}" is not a valid workload identity ${kind} id (4-32 of a-z, 0-9, -; no gcp- prefix)`,
    `Fix ${kind}Id${kind === "pool" ? ", or leave it unset (fedkit derives one)" : ""}.`,
  );
}
