import { FederationError } from "@fedkit/core";

/** A `config` error raised by the site issuer, with a fix hint. Never carries key material. @internal */
export function issuerConfigError(message: string, hint: string, cause?: unknown): FederationError {
  return new FederationError("config", message, { provider: "netlify", hint, cause });
}
