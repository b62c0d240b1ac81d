import { refusal } from "./io.js";
import { issuerUrl } from "./issuer-api.js";

/** A fetched issuer document with what the checks need of its response. @internal */
export interface Fetched {
  readonly url: string;
  readonly status: number;
  readonly contentType: string;
  readonly cacheControl: string;
  readonly date: string | null;
  readonly body: unknown;
}

/**
 * Fetches an issuer document the way the clouds do: GET, no redirect followed, JSON body. Network failures
 * and non-JSON bodies are findings, not crashes.
 * @internal
 */
export async function fetchIssuerDocument(fetchFn: typeof fetch, url: string): Promise<Fetched> {
  let response: Response;
  try {
    response = await fetchFn(url, { redirect: "manual", headers: { accept: "application/json" } });
  } catch (error) {
    throw refusal(
      `GET ${url} failed: ${(error as Error).message}.`,
      "Check the site URL and that the site is deployed.",
    );
  }
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return {
    url,
    status: response.status,
    contentType: response.headers.get("content-type") ?? "",
    cacheControl: response.headers.get("cache-control") ?? "",
    date: response.headers.get("date"),
    body,
  };
}

/** The kids the deployed JWKS of a context publishes. @internal */
export async function publishedKids(
  fetchFn: typeof fetch,
  siteUrl: string,
  context: string,
): Promise<string[]> {
  const url = `${issuerUrl(siteUrl, context)}/.well-known/jwks.json`;
  const fetched = await fetchIssuerDocument(fetchFn, url);
  const keys = (fetched.body as { keys?: unknown } | undefined)?.keys;
  if (fetched.status !== 200 || !Array.isArray(keys)) {
    throw refusal(
      `${url} answered ${fetched.status} without a JWKS.`,
      "Deploy the site with the key set first.",
    );
  }
  return keys
    .map((k) => (k as { kid?: unknown }).kid)
    .filter((kid): kid is string => typeof kid === "string");
}
