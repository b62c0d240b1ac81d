/**
 * A subject token from an environment variable, re-read on every call so a rotated value is picked up.
 *
 * @packageDocumentation
 */
import { MissingSubjectTokenError } from "../errors.js";
import type { SubjectTokenSource } from "../types.js";
import { lastDecoded } from "./decode-memo.js";

/** Options of {@link envToken}. @public */
export interface EnvTokenOptions {
  /** Where variables come from. Default: `Netlify.env`, `Deno.env` or `process.env`, whichever exists. */
  env?: () => Record<string, string | undefined>;
}

interface RuntimeGlobals {
  Netlify?: { env?: { get(name: string): string | undefined } };
  Deno?: { env?: { get(name: string): string | undefined } };
  process?: { env?: Record<string, string | undefined> };
}

/** Reads a variable from whatever runtime this is, at call time. @internal */
export function readRuntimeEnv(name: string): string | undefined {
  const g = globalThis as RuntimeGlobals;
  try {
    return g.Netlify?.env?.get(name) ?? g.Deno?.env?.get(name) ?? g.process?.env?.[name];
  } catch {
    // Deno without --allow-env throws; treat the variable as unset.
    return undefined;
  }
}

/**
 * Reads the token from the variable `name` on every call (unverified).
 *
 * @throws MissingSubjectTokenError when the variable is unset or empty (a chain falls through).
 * @example
 * ```ts
 * const source = envToken("OIDC_TOKEN");
 * ```
 * @public
 */
export function envToken(name: string, options: EnvTokenOptions = {}): SubjectTokenSource {
  if (typeof name !== "string" || name === "")
    throw new TypeError("envToken: pass the variable name, e.g. 'OIDC_TOKEN'");
  const decode = lastDecoded();
  return {
    name: `env:${name}`,
    async getToken() {
      const value = options.env ? options.env()[name] : readRuntimeEnv(name);
      if (value === undefined || value.trim() === "") {
        throw new MissingSubjectTokenError(`env:${name}`, `The environment variable ${name} is not set.`, {
          hint: `Set ${name} to the OIDC token, or use another source.`,
        });
      }
      return decode(value);
    },
  };
}
