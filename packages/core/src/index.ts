/**
 * `@fedkit/core`: the token-exchange engine shared by every fedkit provider and adapter.
 *
 * @packageDocumentation
 */

export * from "./endpoints.ts";
export * from "./errors.ts";
export * from "./http.ts";
export * from "./retry.ts";
export * from "./tokens.ts";
export type * from "./types.ts";
export { base64url, base64urlDecode, sha256Hex, toHex, utf8 } from "./util/encoding.ts";
export { defaultRandom } from "./util/random.ts";
export { parseRetryAfter } from "./util/time.ts";
