/**
 * The emulated Entra directory: tenants, app registrations and their federated identity credentials, mutable
 * at run time like the portal (with Entra's propagation delay, if asked).
 *
 * @packageDocumentation
 */
import { type AzureConfig, DEFAULT_TENANT_ID } from "./config.js";

/** A federated identity credential as stored. @public */
export interface FederatedCredential {
  readonly name: string;
  readonly issuer: string;
  readonly subject: string;
  readonly audience: string;
  /** Epoch ms from which the credential is used for matching (Entra takes a while to propagate a new one). */
  readonly effectiveAt: number;
}

/** An app registration. @public */
export interface EntraApp {
  readonly clientId: string;
  readonly tenantId: string;
  readonly displayName: string;
  /** A stable object id of its service principal (the `oid`/`sub` of its tokens). */
  readonly objectId: string;
  readonly roles: string[];
  readonly federatedCredentials: FederatedCredential[];
}

/** What the Entra service records and exposes to tests. @public */
export interface EntraState {
  readonly tenants: Map<string, { tenantId: string; domains: string[] }>;
  readonly apps: Map<string, EntraApp>;
  readonly resources: Set<string>;
  /** Every HTTP request the Entra listener received (discovery, keys, token), for round-trip counts. */
  httpRequests: number;
  /** Every token request received (successful or not). */
  tokenRequests: number;
  /** Every access token issued. */
  tokensIssued: number;
  /** Adds a credential to an app; `propagationMs` makes it unmatched (AADSTS70021) for that long. */
  addFederatedCredential(
    clientId: string,
    credential: { name?: string; issuer: string; subject: string; audience?: string },
    options?: { propagationMs?: number },
  ): FederatedCredential;
}

/** The key of the Entra state in `EmulatorState.services`. @public */
export const ENTRA_STATE_KEY = "entra";

/** Resources every tenant has (first-party service principals). */
const BUILT_IN_RESOURCES = [
  "https://storage.azure.com",
  "https://vault.azure.net",
  "https://management.azure.com",
  "https://graph.microsoft.com",
  "https://database.windows.net",
];

/** Deterministic GUID-shaped id derived from text, so object ids are stable across runs. */
function stableGuid(seed: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x12345678;
  for (let i = 0; i < seed.length; i++) {
    h1 = Math.imul(h1 ^ seed.charCodeAt(i), 16777619) >>> 0;
    h2 = Math.imul(h2 ^ seed.charCodeAt(i), 2246822519) >>> 0;
  }
  const hex = (h1.toString(16).padStart(8, "0") + h2.toString(16).padStart(8, "0")).repeat(2);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Builds the directory from config. @internal */
export function createEntraState(config: AzureConfig, now: () => number): EntraState {
  const tenants = new Map<string, { tenantId: string; domains: string[] }>();
  for (const tenant of config.tenants ?? [{ tenantId: DEFAULT_TENANT_ID }]) {
    tenants.set(tenant.tenantId.toLowerCase(), { tenantId: tenant.tenantId, domains: tenant.domains ?? [] });
  }
  const firstTenant = [...tenants.values()][0]?.tenantId ?? DEFAULT_TENANT_ID;
  const apps = new Map<string, EntraApp>();
  const resources = new Set([...BUILT_IN_RESOURCES, ...(config.resources ?? [])]);
  const state: EntraState = {
    tenants,
    apps,
    resources,
    httpRequests: 0,
    tokenRequests: 0,
    tokensIssued: 0,
    addFederatedCredential(clientId, credential, options = {}) {
      const app = apps.get(clientId);
      if (!app) throw new TypeError(`no app registration ${clientId}`);
      if (app.federatedCredentials.length >= 20)
        throw new TypeError("an app takes at most 20 federated credentials");
      const stored: FederatedCredential = {
        name: credential.name ?? `fic-${app.federatedCredentials.length + 1}`,
        issuer: credential.issuer,
        subject: credential.subject,
        audience: credential.audience ?? "api://AzureADTokenExchange",
        effectiveAt: now() + (options.propagationMs ?? 0),
      };
      app.federatedCredentials.push(stored);
      return stored;
    },
  };
  for (const app of config.apps ?? []) {
    apps.set(app.clientId, {
      clientId: app.clientId,
      tenantId: app.tenantId ?? firstTenant,
      displayName: app.displayName ?? app.clientId,
      objectId: stableGuid(`sp:${app.clientId}`),
      roles: app.roles ?? [],
      federatedCredentials: [],
    });
    resources.add(`api://${app.clientId}`);
    for (const fic of app.federatedCredentials ?? []) {
      state.addFederatedCredential(app.clientId, {
        ...(fic.name === undefined ? {} : { name: fic.name }),
        issuer: fic.issuer,
        subject: fic.subject,
        audience: fic.audiences?.[0] ?? "api://AzureADTokenExchange",
      });
    }
  }
  return state;
}

/** Finds a tenant by id or verified domain, case-insensitively like Entra. @internal */
export function findTenant(state: EntraState, tenant: string): { tenantId: string } | undefined {
  const key = tenant.toLowerCase();
  const direct = state.tenants.get(key);
  if (direct) return direct;
  return [...state.tenants.values()].find((t) => t.domains.some((d) => d.toLowerCase() === key));
}
