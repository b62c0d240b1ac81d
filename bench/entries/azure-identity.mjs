// Bundle-size entry: the same job as azure-fedkit.mjs with @azure/identity (ClientAssertionCredential, MSAL
// inside) and a bearer fetch of the blob.
import { ClientAssertionCredential } from "@azure/identity";

export default async function handler(request) {
  const token = (request.headers.get("authorization") ?? "").replace(/^Bearer /, "");
  const credential = new ClientAssertionCredential(
    "72f988bf-86f1-41af-91ab-2d7cd011db47",
    "97e0a5b7-d745-40b6-94fe-5f77d35c6e05",
    async () => token,
  );
  const { token: accessToken } = await credential.getToken("https://storage.azure.com/.default");
  return fetch("https://myaccount.blob.core.windows.net/private/report.csv", {
    headers: { authorization: `Bearer ${accessToken}`, "x-ms-version": "2025-01-05" },
  });
}
