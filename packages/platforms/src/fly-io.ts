/**
 * Fly.io: a Machine's OIDC token from the Machines API (`POST /v1/tokens/oidc` `{"aud": …}`, answered with the
 * raw JWT), reached inside a Machine through the unix socket `/.fly/api` (`flySocketFetch` from
 * `@fedkit/platforms/node`), and the trust of one app.
 *
 * Subject grammar (fly.io/docs/security/openid-connect): `ORG:APP:MACHINE`, issuer `https://oidc.fly.io/ORG`.
 *
 * @packageDocumentation
 */
import type { FetchLike, SubjectTokenSource } from "@fedkit/core";
import { endpointFailed, platformSource } from "./source.js";
import { type PlatformTrust, platformTrust } from "./trust.js";

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
    const response = await options.fetch(`${api}/v1/tokens/oidc`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ aud: audience }),
      redirect: "error",
      ...(signal ? { signal } : {}),
    });
    if (!response.ok)
      throw endpointFailed("fly-io", response.status, "Run on a Fly Machine (the API socket is /.fly/api).");
    return (await response.text()).trim();
  });
}

/** A Fly app. @public */
export interface FlyIdentity {
  readonly org: string;
  readonly orgId: string;
  readonly app: string;
  readonly appId: string;
  /** Default `https://oidc.fly.io/<org>`. */
  readonly issuer?: string;
}

/**
 * The trust of every Machine of one app: AWS `StringLike` `ORG:APP:*` (Machines come and go; org and app
 * names hold no `:`), GCP pins `org_id` and `app_id`. Entra needs one exact subject per Machine, which does
 * not fit Machines that are replaced on deploy: use AWS or GCP, or a fixed Machine.
 *
 * @example
 * ```ts
 * import { flyTrust } from "@fedkit/platforms";
 * const trust = flyTrust({ org: "acme", orgId: "o1", app: "reports", appId: "a1" });
 * ```
 * @public
 */
export function flyTrust(identity: FlyIdentity): PlatformTrust {
  const { org, app } = identity;
  if (/[*?:/\s]/.test(org + app) || !org || !app || !identity.orgId || !identity.appId)
    throw new TypeError("flyTrust: org, orgId, app and appId are exact values");
  return platformTrust({
    platform: "fly-io",
    issuer: identity.issuer ?? `https://oidc.fly.io/${org}`,
    awsSubject: `${org}:${app}:*`,
    gcpPins: { org_id: identity.orgId, app_id: identity.appId },
    gcpPrincipal: { attribute: "app_id", value: identity.appId },
    context: app,
    contexts: "shared",
    entraNote:
      "Entra matches one exact sub (ORG:APP:MACHINE) and Machines are replaced on deploy: not a fit.",
  });
}
