/**
 * `@fedkit/core/testing`: contract suites every cache, audit sink, token source and provider passes, and a
 * test OIDC signer. They take `{ describe, it, expect }` from your test framework.
 *
 * @packageDocumentation
 */
export type * from "./api.js";
export * from "./audit.js";
export * from "./authorized-fetch.js";
export * from "./cache.js";
export * from "./idp.js";
export * from "./provider.js";
export * from "./shared-store.js";
export * from "./source.js";
