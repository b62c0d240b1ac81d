/**
 * `@fedkit/platforms/node`: Node-only helpers. `flySocketFetch` reaches Fly's Machines API over the unix socket
 * `/.fly/api`; `fedkitNode` is a middleware for Node's `http` and Express-style servers.
 *
 * @packageDocumentation
 */
export { flySocketFetch } from "./fly-socket.js";
export { type FedkitNodeOptions, fedkitNode, type NodeRequestLike } from "./middleware.js";
