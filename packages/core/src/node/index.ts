/// <reference types="node" />
/**
 * `@fedkit/core/node`: Node-only token sources (files).
 *
 * @packageDocumentation
 */
export * from "./file.js";
