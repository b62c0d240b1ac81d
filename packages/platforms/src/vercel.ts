/**
 * Vercel: the deployment's OIDC token from the request (`x-vercel-oidc-token`, Functions) or `VERCEL_OIDC_TOKEN`
 * (builds, `vercel env pull`); the trust is `./trust/vercel.ts`.
 *
 * Subject grammar (vercel.com/docs/oidc/reference, team issuer mode): `owner:TEAM:project:PROJECT:environment:ENV`,
 * issuer `https://oidc.vercel.com/TEAM`. A deployed function cannot refresh its token (`@vercel/oidc` refreshes
 * only with the CLI's credentials, in development), so a token close to its end is refused here, with the
 * reason, before the cloud refuses it with a bare "expired".
 *
 * @packageDocumentation
 */
import { FederationError, type SubjectTokenSource } from "@fedkit/core";
import { summarizeSubject } from "@fedkit/core/provider";
import { type EnvInput, missing, platformSource, readEnv } from "./source.js";

/** Options of {@link vercelToken}. @public */
export interface VercelTokenOptions {
  /** The incoming request; its `x-vercel-oidc-token` header wins over the environment. */
  readonly request?: Request;
  /** Where `VERCEL_OIDC_TOKEN` comes from. Default: the runtime's environment. */
  readonly env?: EnvInput;
  /** Refuse a token with less life than this left (default 60 s: the exchange and its retries must fit). */
  readonly minRemainingSeconds?: number;
}

const NAME = "vercel";
export const VERCEL_OIDC_HEADER = "x-vercel-oidc-token";

/**
 * Yields the Vercel OIDC token (unverified; the cloud verifies it).
 *
 * @throws MissingSubjectTokenError when neither the header nor the variable is there (a chain falls through);
 * FederationError `expired_subject_token` when it has less than `minRemainingSeconds` left.
 * @example
 * ```ts
 * import { vercelToken } from "@fedkit/platforms";
 * export async function GET(request: Request) {
 *   const source = vercelToken({ request });
 *   return new Response(source.name);
 * }
 * ```
 * @public
 */
export function vercelToken(options: VercelTokenOptions = {}): SubjectTokenSource {
  const margin = options.minRemainingSeconds ?? 60;
  if (!Number.isFinite(margin) || margin < 0)
    throw new TypeError("vercelToken: minRemainingSeconds must be >= 0");
  return platformSource(
    NAME,
    async () => {
      const value =
        options.request?.headers.get(VERCEL_OIDC_HEADER) ?? readEnv("VERCEL_OIDC_TOKEN", options.env);
      if (value === undefined || value === null || value.trim() === "")
        throw missing(
          NAME,
          `Neither the ${VERCEL_OIDC_HEADER} header nor VERCEL_OIDC_TOKEN is there.`,
          "Enable OIDC federation in the project's settings; locally, run `vercel env pull`.",
        );
      return value;
    },
    (token, { now }) => {
      const exp = token.claims.exp;
      const left = typeof exp === "number" ? exp - now() / 1000 : Number.NEGATIVE_INFINITY;
      if (left >= margin) return;
      throw new FederationError(
        "expired_subject_token",
        left > 0
          ? `The Vercel OIDC token expires in ${Math.floor(left)}s, less than the ${margin}s an exchange needs.`
          : "The Vercel OIDC token has expired.",
        {
          provider: NAME,
          subject: summarizeSubject(token),
          hint: "A deployed Vercel function cannot refresh its OIDC token: exchange it at the start of the request (the cloud credentials outlive it) and keep long work out of one invocation; locally, run `vercel env pull` again.",
        },
      );
    },
  );
}
