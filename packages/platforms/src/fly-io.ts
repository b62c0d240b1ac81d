/**
 * Fly.io: a Machine's OIDC token from the Machines API (`POST /v1/tokens/oidc` `{"aud": …}`, answered with the
 * raw JWT), reached inside a Machine through the unix socket `/.fly/api` (`flySocketFetch` from
 * `@fedkit/platforms/node`); the trust is `./trust/fly-io.ts`.
 *
 * Subject grammar (fly.io/docs/security/openid-connect): `ORG:APP:MACHINE`, issuer `https://oidc.fly.io/ORG`.
 *
 * @packageDocumentation
 */
import type { FetchLike, SubjectTokenSource } from "@fedkit/core";
import { askEndpoint, platformSource } from "./source.js";

/** Options of {@link flyMachineToken}. @public */
export interface FlyMachineTokenOptions {
  /** What reaches the Machines API: `flySocketFetch()` on a Machine, or a test double. */
  readonly fetch: FetchLike;
  /** Default `http://localhost` (the socket ignores the host). */
  readonly apiUrl?: string;
}

/**
 * Asks the Machine's API for a token with the cloud's audience.
 *
 * @example
 * ```ts
 * import { flyMachineToken } from "@fedkit/platforms";
 * import { flySocketFetch } from "@fedkit/platforms/node";
 * const source = flyMachineToken({ fetch: flySocketFetch() });
 * ```
 * @public
 */
export function flyMachineToken(options: FlyMachineTokenOptions): SubjectTokenSource {
  if (typeof options?.fetch !== "function")
    throw new TypeError(
      "flyMachineToken: pass fetch (flySocketFetch() from @fedkit/platforms/node on a Machine)",
    );
  const api = (options.apiUrl ?? "http://localhost").replace(/\/$/, "");
  return platformSource("fly-io", async ({ audience, signal }) => {
    const { text } = await askEndpoint(
      "fly-io",
      options.fetch,
      {
        url: new URL(`${api}/v1/tokens/oidc`),
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ aud: audience }),
        hint: "Run on a Fly Machine (the API socket is /.fly/api).",
      },
      signal,
    );
    return text.trim();
  });
}
