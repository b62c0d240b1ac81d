/**
 * `@fedkit/core/testing`: contract suites every cache, audit sink, token source and provider passes, and a
 * test OIDC signer. They take `{ describe, it, expect }` from your test framework.
 *
 * @packageDocumentation
 */
export type { Matchers, TestApi } from "./api.js";
export { type AuditSinkFixture, testAuditSink } from "./audit.js";
export {
  type ClientUnderTest,
  type HostileFetchSubject,
  type LoopbackServer,
  type ServeLoopback,
  testAuthorizedFetchHostileCases,
} from "./authorized-fetch.js";
export { testCredentialCache } from "./cache.js";
export { createTestSigner, type TestSigner } from "./idp.js";
export { type ProviderFixture, testProvider } from "./provider.js";
export { type SharedStoreFixture, testSharedStore } from "./shared-store.js";
export { type TokenSourceFixture, testTokenSource } from "./source.js";
