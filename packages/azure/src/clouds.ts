/**
 * Microsoft's national clouds: their authority hosts and the audience Entra expects on federated assertions.
 *
 * @packageDocumentation
 */

/**
 * The authority hosts of Microsoft's clouds, as `@azure/identity`'s `AzureAuthorityHosts` names them.
 *
 * @example
 * ```ts
 * azureProvider({ authorityHost: AZURE_AUTHORITY_HOSTS.AzureGovernment, scope: "https://storage.azure.com/.default" });
 * ```
 * @public
 */
export const AZURE_AUTHORITY_HOSTS = {
  AzurePublicCloud: "https://login.microsoftonline.com",
  AzureChina: "https://login.chinacloudapi.cn",
  AzureGovernment: "https://login.microsoftonline.us",
} as const;

/**
 * Official Entra authority hosts per Azure cloud: where a subject token goes as a client assertion. Where an
 * Entra *access token* may go depends on its resource: {@link azureTokenHosts}.
 *
 * @example
 * ```ts
 * AZURE_HOSTS_BY_CLOUD.usgov.authority; // ["login.microsoftonline.us"]
 * ```
 * @public
 */
export const AZURE_HOSTS_BY_CLOUD = {
  public: { authority: ["login.microsoftonline.com", "login.microsoft.com"] },
  usgov: { authority: ["login.microsoftonline.us"] },
  china: { authority: ["login.chinacloudapi.cn", "login.partner.microsoftonline.cn"] },
} as const;

/**
 * Entra authority hosts of every Azure cloud (data for core's `checkEndpoint`).
 *
 * @example
 * ```ts
 * checkEndpoint("https://login.microsoftonline.com/", { cloud: "azure", officialHosts: ENTRA_AUTHORITY_HOSTS });
 * ```
 * @public
 */
export const ENTRA_AUTHORITY_HOSTS: readonly string[] = /* @__PURE__ */ Object.freeze(
  // AZURE_HOSTS_BY_CLOUD's hosts written out (a test holds them equal): a bundle drops the table it does not use.
  "login.microsoftonline.com login.microsoft.com login.microsoftonline.us login.chinacloudapi.cn login.partner.microsoftonline.cn".split(
    " ",
  ),
);

/** The default authority host: the public cloud. @public */
export const DEFAULT_AUTHORITY_HOST = "https://login.microsoftonline.com";

/** The audience Entra expects in a federated assertion for the public cloud. @public */
export const DEFAULT_EXCHANGE_AUDIENCE = "api://AzureADTokenExchange";

/**
 * The audience Entra's portal suggests for a federated identity credential in the cloud of `authorityHost`:
 * `api://AzureADTokenExchange` in the public cloud (and for any custom host), the China and US Government
 * variants in those clouds.
 *
 * @example
 * ```ts
 * exchangeAudienceFor("https://login.chinacloudapi.cn"); // "api://AzureADTokenExchangeChina"
 * ```
 * @public
 */
export function exchangeAudienceFor(authorityHost: string): string {
  // Microsoft's China authorities end in .cn, the US Government ones in .us or usgovcloudapi.net.
  const host = URL.canParse(authorityHost) ? new URL(authorityHost).hostname : "";
  const suffix = /\.cn$/i.test(host) ? "China" : /(\.us|usgovcloudapi\.net)$/i.test(host) ? "USGov" : "";
  return DEFAULT_EXCHANGE_AUDIENCE + suffix;
}

/**
 * Expands `{a,b}` alternatives in space-separated patterns (`*.vault.{azure.net,azure.cn}` → two patterns): the
 * host tables below name every Microsoft cloud's variant of a service on one line.
 */
function expand(patterns: string): string[] {
  return patterns.split(" ").flatMap((pattern) => {
    const [whole, options] = /\{([^}]*)\}/.exec(pattern) ?? [];
    if (whole === undefined) return [pattern];
    return options!.split(",").flatMap((option) => expand(pattern.replace(whole, option)));
  });
}

/**
 * The services whose tokens fedkit sends, one row each: `resource ids = host patterns`. A resource id `~` stands
 * for the https URI of each host (`*.vault.azure.net` → `https://vault.azure.net`). Storage accounts include
 * Azure DNS zone endpoints (`<account>.z<nn>.<service>.storage.azure.net`).
 */
const TOKEN_TABLE =
  "https://storage.azure.com e406a681-f3d4-42a8-90b6-c2b029497af1=*.{blob,queue,table,file,dfs}.{core.windows.net,core.usgovcloudapi.net,core.chinacloudapi.cn,storage.azure.net};" +
  "~ cfa8b339-82a2-471a-a3c9-0fc0be7a4093=*.vault.{azure.net,usgovcloudapi.net,azure.cn};" +
  "~=*.managedhsm.{azure.net,usgovcloudapi.net,azure.cn};" +
  "~ https://management.core.{windows.net,usgovcloudapi.net,chinacloudapi.cn} 797f4846-ba00-4fd7-ba43-dac1f8f63013=management.{azure.com,usgovcloudapi.net,chinacloudapi.cn};" +
  "~ 00000003-0000-0000-c000-000000000000=graph.microsoft.{com,us} dod-graph.microsoft.us microsoftgraph.chinacloudapi.cn;" +
  "https://cosmos.azure.com=*.documents.azure.{com,us,cn};" +
  "https://cognitiveservices.azure.com=*.{cognitiveservices,openai}.azure.{com,us,cn}";

function tokenHosts(): Readonly<Record<string, readonly string[]>> {
  const table: Record<string, readonly string[]> = {};
  for (const row of TOKEN_TABLE.split(";")) {
    const [resources, patterns] = row.split("=") as [string, string];
    const hosts = Object.freeze(expand(patterns));
    for (const resource of expand(resources)) {
      for (const key of resource === "~"
        ? hosts.map((host) => `https://${host.replace("*.", "")}`)
        : [resource])
        table[key] = hosts;
    }
  }
  return Object.freeze(table);
}

/**
 * Where an Entra access token may be sent, by the token's resource (its `aud`): only the hosts of the service
 * that token is for, in every Microsoft cloud. A storage token never reaches a vault, a VM or a web app. Keys
 * are resource URIs without a trailing slash (lower case) and the services' first-party app ids. A resource not
 * listed here gets no hosts but its own (see {@link azureTokenHosts}); anything else is `allowedOrigins`.
 *
 * Service Bus and Event Hubs are deliberately absent: their namespaces share `*.servicebus.windows.net` with
 * Azure Relay, which forwards HTTP requests to listeners the namespace owner runs. Opt a namespace's origin in
 * with `allowedOrigins`.
 *
 * @example
 * ```ts
 * AZURE_TOKEN_HOSTS["https://management.azure.com"]; // ["management.azure.com", "management.usgovcloudapi.net", ...]
 * ```
 * @public
 */
export const AZURE_TOKEN_HOSTS: Readonly<Record<string, readonly string[]>> = /* @__PURE__ */ tokenHosts();

/**
 * Names under Microsoft domains that customers create and that answer with the customer's code or forward to
 * the customer's backends: VMs' public DNS names, App Service, Container Apps and Container Instances, Static
 * Web Apps, Traffic Manager, Front Door and CDN, API Management gateways (which forward headers to backends),
 * Relay (under the Service Bus suffix), static-website storage endpoints. A token for a Microsoft service never
 * goes there; only an explicit `allowedOrigins` entry, or a token whose own resource is that exact host, does.
 *
 * @example
 * ```ts
 * AZURE_CUSTOMER_HOSTS.some((pattern) => hostMatches("vm.westeurope.cloudapp.azure.com", pattern)); // true
 * ```
 * @public
 */
export const AZURE_CUSTOMER_HOSTS: readonly string[] = /* @__PURE__ */ Object.freeze(
  expand(
    "*.cloudapp.{azure.com,net} *.usgovcloudapp.net *.chinacloudapp.cn *.azurewebsites.{net,us} *.chinacloudsites.cn " +
      "*.azurecontainerapps.io *.azurecontainer.io *.azurestaticapps.net *.trafficmanager.net *.azurefd.net " +
      "*.azureedge.net *.azure-api.{net,us,cn} *.{servicebus,web.core}.{windows.net,usgovcloudapi.net,chinacloudapi.cn}",
  ),
);

/** `https://Storage.Azure.com/` → `https://storage.azure.com`: the key {@link AZURE_TOKEN_HOSTS} uses. */
function resourceKey(resource: string): string {
  return resource.trim().toLowerCase().replace(/\/+$/, "");
}

/**
 * The hosts a token for `resource` may be sent to: the service's hosts from {@link AZURE_TOKEN_HOSTS}, or, for a
 * resource fedkit does not know whose id is an https URL (your own API's app id URI), exactly that URL's host,
 * because the token's audience is that host. Empty otherwise.
 *
 * @example
 * ```ts
 * azureTokenHosts("https://vault.azure.net"); // ["*.vault.azure.net", "*.vault.usgovcloudapi.net", "*.vault.azure.cn"]
 * azureTokenHosts("https://api.contoso.com"); // ["api.contoso.com"]
 * ```
 * @public
 */
export function azureTokenHosts(resource: string): readonly string[] {
  const key = resourceKey(resource);
  // An unknown resource that is an https URL (your own API's app id URI): exactly its host, the token's audience.
  const url = key.startsWith("https://") && URL.canParse(key) ? new URL(key) : undefined;
  return AZURE_TOKEN_HOSTS[key] ?? (url && !url.port && !url.username ? [url.hostname] : []);
}
