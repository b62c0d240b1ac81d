/// <reference types="node" />
/**
 * `@fedkit/netlify/node`: the same wrapper for Netlify Functions (Node), key generation, and a local site
 * server on Netlify's edge runtime.
 *
 * @packageDocumentation
 */
export { type FedkitHandler, type FunctionConfig, withFedkit } from "../adapter.js";
export { type LocalSite, type LocalSiteOptions, serveLocalSite } from "./local-site.js";
