/**
 * Issuer health: a context's discovery document and JWKS fetched the way the clouds fetch them, and every
 * property a cloud relies on checked, each as a finding with a one-line fix.
 */
import { issuerUrl } from "../issuer-api.js";
import { type Fetched, fetchIssuerDocument } from "../published.js";

/** One check's result. @internal */
export interface Finding {
  readonly check: string;
  readonly ok: boolean;
  readonly detail: string;
  readonly fix?: string;
}

/** What the local key set says should be published. @internal */
export interface ExpectedKids {
  readonly current: string;
  readonly next: readonly string[];
}

const PRIVATE_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "k", "pkcs8"];
/** Beyond this the clouds' `iat`/`nbf` checks start refusing freshly minted tokens. */
const MAX_SKEW_SECONDS = 60;

/** Checks one context's issuer at `siteUrl`. @internal */
export async function checkIssuer(
  fetchFn: typeof fetch,
  siteUrl: string,
  context: string,
  now: number,
  expected?: ExpectedKids,
): Promise<Finding[]> {
  const findings: Finding[] = [];
  const add = (check: string, ok: boolean, detail: string, fix?: string) =>
    findings.push({ check, ok, detail, ...(ok || fix === undefined ? {} : { fix }) });
  const issuer = issuerUrl(siteUrl, context);
  add(
    "https",
    issuer.startsWith("https://"),
    issuer,
    "Clouds fetch https issuers only: use the site's https origin.",
  );
  const discovery = await fetchIssuerDocument(fetchFn, `${issuer}/.well-known/openid-configuration`);
  if (!document(add, "discovery", discovery)) return findings;
  const meta = discovery.body as { issuer?: unknown; jwks_uri?: unknown };
  add(
    "issuer equality",
    meta.issuer === issuer,
    `discovery says ${JSON.stringify(meta.issuer)}, tokens carry ${issuer}`,
    "Set FEDKIT_SITE_URL (or siteUrl) to the origin the clouds trust, character for character.",
  );
  const jwksUri = typeof meta.jwks_uri === "string" ? meta.jwks_uri : "";
  add(
    "jwks_uri",
    jwksUri.startsWith("https://"),
    jwksUri || "(missing)",
    "Clouds fetch the JWKS over https only: serve the site (and set FEDKIT_SITE_URL) on https.",
  );
  if (!jwksUri.startsWith("http")) return findings;
  const jwks = await fetchIssuerDocument(fetchFn, jwksUri);
  if (!document(add, "jwks", jwks)) return findings;
  const keys = ((jwks.body as { keys?: unknown }).keys ?? []) as Record<string, unknown>[];
  const kids = keys.map((k) => String(k["kid"]));
  const duplicates = kids.filter((kid, i) => kids.indexOf(kid) !== i);
  add(
    "unique kids",
    duplicates.length === 0,
    duplicates.length === 0 ? `${kids.length} keys` : `repeated: ${duplicates.join(", ")}`,
    "Every key needs its own kid: fix the key set with `fedkit keys status`, then redeploy.",
  );
  const leaking = keys.filter((k) => PRIVATE_MEMBERS.some((m) => m in k)).map((k) => String(k["kid"]));
  add(
    "no private members",
    leaking.length === 0,
    leaking.length === 0 ? "public members only" : `private members in ${leaking.join(", ")}`,
    "The key LEAKED: `fedkit keys revoke --kid <kid>` at once and publish public JWKs only.",
  );
  if (expected !== undefined) {
    add(
      "current kid published",
      kids.includes(expected.current),
      expected.current,
      "Deploy the key set: `netlify env:set FEDKIT_ISSUER_KEYS ...` then redeploy.",
    );
    const unpublished = expected.next.filter((kid) => !kids.includes(kid));
    add(
      "next key staged",
      expected.next.length > 0 && unpublished.length === 0,
      expected.next.length === 0 ? "no next key staged" : expected.next.join(", "),
      expected.next.length === 0
        ? "Stage one ahead of rotation: `fedkit keys stage`."
        : "Deploy the staged key set before promoting.",
    );
  }
  const maxAge = /max-age=(\d+)/.exec(jwks.cacheControl)?.[1];
  add(
    "cache-control",
    maxAge !== undefined,
    jwks.cacheControl || "(none)",
    "Serve the JWKS with `Cache-Control: public, max-age=300` (issuerRoutes does).",
  );
  if (jwks.date !== null) {
    const skew = Math.round((now - Date.parse(jwks.date)) / 1000);
    add(
      "clock skew",
      Math.abs(skew) <= MAX_SKEW_SECONDS,
      `${skew} s against the Date header`,
      "Fix this machine's clock (NTP) or the server's before trusting token times.",
    );
  }
  return findings;
}

function document(
  add: (check: string, ok: boolean, detail: string, fix?: string) => void,
  name: string,
  fetched: Fetched,
): boolean {
  const ok = fetched.status === 200 && typeof fetched.body === "object" && fetched.body !== null;
  add(
    name,
    ok,
    `${fetched.url}: ${fetched.status}`,
    fetched.status >= 300 && fetched.status < 400
      ? "Clouds follow no redirect here: serve the document at this URL."
      : "Deploy issuerRoutes(config) at /oidc/* for this context.",
  );
  if (!ok) return false;
  const json = /^application\/(jwk-set\+)?json\b/.test(fetched.contentType);
  add(`${name} content type`, json, fetched.contentType || "(none)", "Serve it as application/json.");
  return true;
}
