/**
 * `@fedkit/core/provider`: helpers for people writing a fedkit provider or adapter, kept off the main entry so
 * that application code sees only what it uses.
 *
 * Coordination note (testinfra, issue 10 §5): this file was created on branch wt-testinfra to take the byte and
 * hash helpers off `@fedkit/core`'s main entry. The "toolkit" branch creates the same subpath with the
 * environment reader, authorized fetch and error mapping; when merging, keep both export lists.
 *
 * @packageDocumentation
 */
export { base64url, base64urlDecode, sha256Hex, toHex, utf8 } from "../util/encoding.js";
export { defaultRandom } from "../util/random.js";
