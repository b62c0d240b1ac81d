/// <reference types="node" />
/**
 * `@fedkit/core/node`: Node-only token sources (files) and the node:crypto hashing fast path.
 *
 * @packageDocumentation
 */
export { type FileTokenOptions, fileToken } from "./file.js";
export { useNodeHashing } from "./hashing.js";
