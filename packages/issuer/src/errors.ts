import { FederationError } from "@fedkit/core";

/**
 * The `provider` name on every error the issuer raises.
 *
 * @example
 * ```ts
 * if (isFederationError(err) && err.provider === ISSUER_PROVIDER) console.error(err.hint);
 * ```
 * @public
 */
export const ISSUER_PROVIDER = "issuer";

/** A `config` error raised by the site issuer, with a fix hint. Never carries key material. @internal */
export function issuerConfigError(message: string, hint: string, cause?: unknown): FederationError {
  return new FederationError("config", message, { provider: ISSUER_PROVIDER, hint, cause });
}

/**
 * A key set whose `context` is not the deploy context this code runs as: a deploy preview holding production's
 * variable value, or production holding a preview's. Refused before any key signs, so one context's key never
 * mints as another's. Carries both context names, never key material.
 *
 * @example
 * ```ts
 * try {
 *   await issuer.mint({ audience: "sts.amazonaws.com", functionName: "report" });
 * } catch (err) {
 *   if (err instanceof IssuerKeyContextError) console.error(err.keySetContext, err.deployContext, err.hint);
 * }
 * ```
 * @public
 */
export class IssuerKeyContextError extends FederationError {
  // `declare`: assigned in the constructor, so no field initialisers are emitted (bundle size).
  /** The `context` the key set names. */
  declare readonly keySetContext: string;
  /** The deploy context this code runs as. */
  declare readonly deployContext: string;

  constructor(keySetContext: string, deployContext: string, variable = "the key-set variable") {
    super(
      "config",
      `Key set is for deploy context "${keySetContext}" but this deploy runs as "${deployContext}".`,
      {
        provider: ISSUER_PROVIDER,
        hint: `Set ${variable} per context: \`npx --no-install fedkit keys generate --context ${deployContext}\`.`,
      },
    );
    this.keySetContext = keySetContext;
    this.deployContext = deployContext;
  }
}
