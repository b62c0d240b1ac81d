// Bundle-size entry: an edge function that exchanges the request's bearer token for an Entra access token and
// returns a private blob through an authorised fetch. Same job as azure-identity.mjs.
import { azureFetch, azureProvider } from "@fedkit/azure";
import { createFederation, staticToken } from "@fedkit/core";

export default async function handler(request) {
  const token = (request.headers.get("authorization") ?? "").replace(/^Bearer /, "");
  const federation = createFederation({ source: staticToken(token) });
  const storage = azureProvider({
    clientId: "97e0a5b7-d745-40b6-94fe-5f77d35c6e05",
    tenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47",
    scope: "https://storage.azure.com/.default",
  });
  const blobFetch = azureFetch(federation, storage);
  return blobFetch("https://myaccount.blob.core.windows.net/private/report.csv");
}
