/**
 * Cloudflare Workers trust: for what `wrangler deploy` prints for an `oidc_tokens` binding (issuer and exact
 * subject; the grammar is not documented beyond "the subject contains the Worker's immutable ID"), and the
 * binding's algorithm (Entra accepts RS256 only).
 *
 * @packageDocumentation
 */
import type { WorkersAlgorithm } from "../cloudflare-workers.js";
import { type PlatformTrust, platformTrust } from "./platform-trust.js";

/** What `wrangler deploy` prints for the binding, and the algorithm it is set to. @public */
export interface WorkersIdentity {
  readonly issuer: string;
  /** The exact subject wrangler printed (it contains the Worker's immutable id). */
  readonly subject: string;
  /** Default `ES256` (the binding's default). */
  readonly algorithm?: WorkersAlgorithm;
}

/**
 * The trust of one Worker. A Worker's preview URLs run the same Worker with the same bindings and secrets, so
 * its token cannot tell a preview from production: give production its own Worker (its own id) when a preview
 * must not act as production.
 *
 * @example
 * ```ts
 * import { cloudflareWorkersTrust } from "@fedkit/platforms/trust";
 * const trust = cloudflareWorkersTrust({ issuer: "https://example.invalid/issuer", subject: "worker:abc", algorithm: "RS256" });
 * ```
 * @public
 */
export function cloudflareWorkersTrust(
  identity: WorkersIdentity,
): PlatformTrust & { readonly algorithm: WorkersAlgorithm } {
  const { issuer, subject } = identity;
  const algorithm = identity.algorithm ?? "ES256";
  if (!subject || /[*?]/.test(subject))
    throw new TypeError("cloudflareWorkersTrust: subject is the exact value wrangler printed");
  const trust = platformTrust({
    platform: "cloudflare-workers",
    issuer,
    subject,
    awsSubject: subject,
    gcpPins: { sub: subject },
    gcpPrincipal: { attribute: "subject", value: subject },
    context: "worker",
    contexts: "shared",
    entraNote:
      algorithm === "RS256"
        ? "Entra matches the subject exactly; it holds the Worker's immutable id, so a rename keeps it."
        : 'Entra accepts RS256 only: set "alg": "RS256" on the binding before trusting it on Azure.',
  });
  return { ...trust, algorithm };
}
