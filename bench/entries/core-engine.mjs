// Bundle-size entry: the engine alone (createFederation with its default memory cache and console audit,
// a static token source). What every provider package pulls in from @fedkit/core.
import { createFederation, staticToken } from "@fedkit/core";

export default async function handler(request, provider) {
  const token = (request.headers.get("authorization") ?? "").replace(/^Bearer /, "");
  const federation = createFederation({ source: staticToken(token) });
  return federation.getCredentials(provider);
}
