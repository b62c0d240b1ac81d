/**
 * `@fedkit/core`: the token-exchange engine shared by every fedkit provider and adapter.
 *
 * @packageDocumentation
 */
export * from "./errors.js";
export type * from "./types.js";
