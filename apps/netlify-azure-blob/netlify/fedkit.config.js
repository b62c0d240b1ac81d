// @ts-check
// The one source of truth for fedkit on this site: the edge functions enforce it at runtime and
// `trustPolicyFor(config, "blobs")` turns it into the Entra federated identity credential, so the two cannot drift.
import { azureCloud } from "@fedkit/netlify/azure";

// Netlify.env on Netlify (edge and functions), process.env in Node scripts. Never touch `process` in Deno: it
// loads Deno's Node compatibility layer and adds tens of milliseconds to every cold start.
const runtime = /** @type {any} */ (globalThis);
/** @param {string} name @returns {string | undefined} */
const env = (name) =>
  (runtime.Netlify ? runtime.Netlify.env.get(name) : runtime.process?.env?.[name]) || undefined;

/** The private container. Locally: Azurite's path-style account URL. */
export const containerUrl =
  env("BLOB_CONTAINER_URL") ?? "https://fedkitreports.blob.core.windows.net/private";

const authorityHost = env("FEDKIT_ENTRA_AUTHORITY");
const storageOrigin = env("FEDKIT_BLOB_ORIGIN");

/** @type {import("@fedkit/netlify").FedkitConfig} */
const config = {
  // Replace with your site's id (Site configuration > Site details > Site ID) and production origin.
  siteId: env("FEDKIT_SITE_ID") ?? "5b0c2a71-1c3e-4d6b-9a51-0f7a2f1e9c11",
  siteUrl: "https://fedkit-reports.netlify.app",
  // The cloud plugins this site uses; only these are bundled into its functions. `azureCloud`: the Entra
  // exchange, an authorised fetch, and the federated credential from trustPolicyFor.
  clouds: { azure: azureCloud },
  targets: {
    blobs: {
      cloud: "azure",
      // The app registration holding the federated credential, and its tenant.
      clientId: env("AZURE_CLIENT_ID") ?? "97e0a5b7-d745-40b6-94fe-5f77d35c6e05",
      tenantId: env("AZURE_TENANT_ID") ?? "72f988bf-86f1-41af-91ab-2d7cd011db47",
      scope: "https://storage.azure.com/.default",
      // Azure targets default to the site subject form, `site:<site-id>:context:<context>`: one federated
      // credential per deploy context (an app takes at most 20), not one per function.
      // Only for the local emulator and Azurite: custom hosts must be opted into explicitly.
      ...(authorityHost ? { authorityHost, allowCustomAuthority: true } : {}),
      ...(storageOrigin ? { allowedOrigins: [storageOrigin] } : {}),
    },
  },
  functions: {
    // `blob` may use the `blobs` app registration. `unmapped` is deliberately absent.
    blob: { blobs: {} },
  },
};

export default config;
