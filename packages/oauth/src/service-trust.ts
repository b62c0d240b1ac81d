/**
 * What the trust generators of the named services share: their input and its checks.
 *
 * @packageDocumentation
 */
import { FederationError } from "@fedkit/core";
import { isLoopbackOrigin } from "@fedkit/core/provider";

/** A JSON Web Key Set to register inline (`{ keys: [...] }`), public keys only. @public */
export interface PublicJwks {
  readonly keys: readonly Readonly<Record<string, unknown>>[];
}

/** Who the service should trust: one issuer, one subject, one audience. @public */
export interface ServiceTrustInput {
  /**
   * The token issuer, exactly as its `iss` claim (https, no trailing slash added or removed; http only on
   * loopback, for a local emulator).
   */
  readonly issuer: string;
  /**
   * The one subject (`sub`) to trust. A Netlify per-user pattern ending in `*` is accepted only where the service
   * matches prefixes (Anthropic's `subject_prefix`).
   */
  readonly subject: string;
  /** The `aud` the tokens carry. Default: the service's fedkit default audience. */
  readonly audience?: string;
  /**
   * Register these public keys instead of letting the service discover them, for an issuer the service cannot
   * reach. Every key rotation then becomes a console or Admin API step.
   */
  readonly jwks?: PublicJwks;
  /** A label for the service's console (`fedkit-<site>-production`). Default `fedkit`. */
  readonly name?: string;
}

/** Checks the input; returns it with the audience filled in. @internal */
export function checkTrustInput(
  service: string,
  input: ServiceTrustInput,
  defaultAudience: string,
  prefixMatch: boolean,
): Required<Omit<ServiceTrustInput, "jwks">> & Pick<ServiceTrustInput, "jwks"> {
  const fail = (message: string, hint: string) =>
    new FederationError("config", `${service} trust: ${message}`, { provider: service, hint });
  // http only on loopback: a local emulator standing in for the service (no service accepts it).
  const https = URL.canParse(input.issuer) && new URL(input.issuer).protocol === "https:";
  if (!https && !(URL.canParse(input.issuer) && isLoopbackOrigin(input.issuer))) {
    throw fail(
      `the issuer must be an https URL (got ${JSON.stringify(input.issuer)}).`,
      "Services fetch the issuer's keys over https; set the site URL to its https origin.",
    );
  }
  if (typeof input.subject !== "string" || input.subject === "") {
    throw fail("a subject is required.", "Name the exact sub of the tokens to trust.");
  }
  if (input.subject.includes("*") && !(prefixMatch && /^[^*]+\*$/.test(input.subject))) {
    throw fail(
      `${service} matches one exact subject, not the pattern ${JSON.stringify(input.subject)}.`,
      'Map the function with identity "function"; per-user federation needs a cloud that matches patterns.',
    );
  }
  if (input.jwks !== undefined) {
    const keys = input.jwks.keys;
    if (!Array.isArray(keys) || keys.length === 0 || keys.some((key) => "d" in key || "k" in key)) {
      throw fail(
        "jwks must hold at least one public key and no private or symmetric key material.",
        "Pass the issuer's published JWKS (its jwks_uri document), never its signing keys.",
      );
    }
  }
  return {
    issuer: input.issuer,
    subject: input.subject,
    audience: input.audience ?? defaultAudience,
    name: input.name ?? "fedkit",
    ...(input.jwks === undefined ? {} : { jwks: input.jwks }),
  };
}

/** The note every inline-JWKS trust carries. @internal */
export const INLINE_JWKS_ROTATION =
  "The issuer's keys are registered inline: the service fetches nothing, so every key rotation (a new key " +
  "before it signs, the old one after its last token expires) must be repeated in the service's console or " +
  "Admin API, or exchanges fail once the issuer signs with the new key.";
