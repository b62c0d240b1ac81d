/**
 * `checkGcpPool`: what a pool holds compared with the trust fedkit generated for it — the input of the CLI's
 * `doctor`. Google scopes principals to the POOL, so every provider in the pool matters, including ones fedkit
 * did not create. Pure: it reads the JSON `gcloud` printed and computes findings.
 *
 * @packageDocumentation
 */

import { conditionSubjectPrefixes, sameStrings } from "./condition.js";
import { gcpPoolId } from "./pool.js";
import { parseProviderName } from "./resource.js";
import type { GcpTrustConfig } from "./trust.js";

/** What {@link checkGcpPool} compares against: a {@link GcpTrustConfig} (from `gcpTrustConfig` or `trustPolicyFor`). @public */
export type GcpPoolExpectation = Pick<
  GcpTrustConfig,
  | "workloadIdentityProvider"
  | "poolId"
  | "issuerUri"
  | "attributeMapping"
  | "attributeCondition"
  | "allowedAudiences"
  | "pin"
>;

/** One thing {@link checkGcpPool} found. @public */
export interface GcpPoolFinding {
  readonly severity: "error" | "warning" | "info";
  readonly code:
    | "provider-missing"
    | "provider-drift"
    | "subject-not-pinned"
    | "legacy-shared-pool"
    | "other-subjects"
    | "same-context";
  /** The provider's id (`providers/<id>`), or the pool id for pool-wide findings. */
  readonly provider: string;
  readonly message: string;
}

/** The result of {@link checkGcpPool}. @public */
export interface GcpPoolReport {
  /** `own`: only providers of this site and context; `shared`: anything else is in the pool too. */
  readonly layout: "own" | "shared";
  /** The pool looks like fedkit's old layout: a provider pinning site and context but not the subject. */
  readonly legacy: boolean;
  /** Ids of the pool's providers other than the expected one. */
  readonly otherProviders: readonly string[];
  readonly findings: readonly GcpPoolFinding[];
  /** No finding of severity `error`. */
  readonly ok: boolean;
}

interface Listed {
  readonly id: string;
  readonly deleted: boolean;
  readonly issuer: string | undefined;
  readonly mapping: Readonly<Record<string, string>>;
  readonly condition: string;
  readonly audiences: readonly string[];
}

const NAME = /^projects\/[^/]+\/locations\/global\/workloadIdentityPools\/([^/]+)\/providers\/([^/]+)$/;

function parseListed(value: unknown, pool: string): Listed {
  const p = (value ?? {}) as Record<string, unknown>;
  const match = typeof p["name"] === "string" ? NAME.exec(p["name"]) : null;
  if (match === null)
    throw new TypeError(
      "checkGcpPool: each provider needs the `name` gcloud prints (projects/…/providers/<id>)",
    );
  if (match[1] !== pool)
    throw new TypeError(
      `checkGcpPool: provider ${match[2]} is in pool ${match[1]}, not the expected ${pool}`,
    );
  const oidc = (p["oidc"] ?? {}) as Record<string, unknown>;
  return {
    id: match[2]!,
    // Deleted (undeletable for 30 days) or disabled (re-enabled at will): inactive, not gone.
    deleted: p["state"] === "DELETED" || p["disabled"] === true,
    issuer: typeof oidc["issuerUri"] === "string" ? oidc["issuerUri"] : undefined,
    mapping: (p["attributeMapping"] ?? {}) as Record<string, string>,
    condition: typeof p["attributeCondition"] === "string" ? p["attributeCondition"] : "",
    audiences: Array.isArray(oidc["allowedAudiences"]) ? (oidc["allowedAudiences"] as string[]) : [],
  };
}

/** The subject prefixes a provider is pinned to, or undefined when it can produce any subject. */
function pinnedPrefixes(provider: Listed): readonly string[] | undefined {
  if (provider.mapping["google.subject"] !== "assertion.sub") return undefined;
  return conditionSubjectPrefixes(provider.condition);
}

const overlaps = (a: string, b: string): boolean => a.startsWith(b) || b.startsWith(a);

/**
 * Compares a pool's providers, as `gcloud iam workload-identity-pools providers list --format=json` (an array)
 * or `… providers describe --format=json` (one object) prints them, with the trust fedkit generated for one site
 * and deploy context. Finds the old shared layout (providers pinning site and context but not the subject), every
 * other provider that could hand out this context's principals, and drift of fedkit's own provider.
 *
 * @example
 * ```ts
 * const report = checkGcpPool({ providers: JSON.parse(gcloudListOutput), expected: trustPolicyFor(config, "reports") });
 * for (const finding of report.findings) console.log(finding.severity, finding.provider, finding.message);
 * ```
 * @throws TypeError when `providers` is not what gcloud prints for providers of the expected pool.
 * @public
 */
export function checkGcpPool(input: { providers: unknown; expected: GcpPoolExpectation }): GcpPoolReport {
  const { expected } = input;
  const { providerId } = parseProviderName(expected.workloadIdentityProvider);
  const entries = Array.isArray(input.providers) ? input.providers : [input.providers];
  const listed = entries.map((entry) => parseListed(entry, expected.poolId));
  const prefix = expected.pin.subjectPrefix;
  const findings: GcpPoolFinding[] = [];
  const add = (
    severity: GcpPoolFinding["severity"],
    code: GcpPoolFinding["code"],
    provider: string,
    message: string,
  ) => findings.push({ severity, code, provider, message });
  let legacy = false;
  let shared = false;

  const own = listed.find((p) => p.id === providerId && !p.deleted);
  if (own === undefined) {
    add(
      "error",
      "provider-missing",
      providerId,
      `The pool has no active provider ${providerId}: run the gcloud commands trustPolicyFor prints.`,
    );
  } else {
    const drift = [
      own.issuer === expected.issuerUri ? "" : "issuer",
      own.condition === expected.attributeCondition ? "" : "attribute condition",
      sameStrings(
        Object.entries(own.mapping).map(String),
        Object.entries(expected.attributeMapping).map(String),
      )
        ? ""
        : "attribute mapping",
      sameStrings(own.audiences, expected.allowedAudiences) ? "" : "allowed audiences",
    ].filter(Boolean);
    if (drift.length > 0)
      add(
        "error",
        "provider-drift",
        own.id,
        `Provider ${own.id} differs from the generated trust in: ${drift.join(", ")}. Update it with the generated values.`,
      );
  }

  for (const provider of listed) {
    if (provider.id === providerId && !provider.deleted) {
      if (pinnedPrefixes(provider)?.some((p) => p.startsWith(prefix)) !== true) legacy = true;
      continue;
    }
    const pins = pinnedPrefixes(provider);
    const when = provider.deleted
      ? " It is deleted or disabled, but can be undeleted (for 30 days) or re-enabled: then it is live again."
      : "";
    if (pins === undefined || pins.length === 0) {
      shared = true;
      if ("attribute.site" in provider.mapping && "attribute.context" in provider.mapping) legacy = true;
      add(
        provider.deleted ? "warning" : "error",
        "subject-not-pinned",
        provider.id,
        `Provider ${provider.id} (issuer ${provider.issuer ?? "?"}) does not pin the subject, so any token it accepts can name a subject under ${prefix} and act as this context's principals.${when} Move this context to its own pool (docs/migrations/gcp-pool-per-context.md) or pin that provider's subject.`,
      );
    } else if (pins.some((p) => p.startsWith(prefix)) && provider.issuer === expected.issuerUri) {
      add(
        "info",
        "same-context",
        provider.id,
        `Provider ${provider.id} trusts the same issuer and subjects of this site and context (another target).`,
      );
    } else if (pins.every((p) => overlaps(p, prefix))) {
      shared = true;
      add(
        provider.deleted ? "warning" : "error",
        "subject-not-pinned",
        provider.id,
        `Provider ${provider.id} (issuer ${provider.issuer ?? "?"}) may produce subjects under ${prefix} (it pins ${pins.join(", ")}).${when}`,
      );
    } else {
      shared = true;
      add(
        "warning",
        "other-subjects",
        provider.id,
        `Provider ${provider.id} (issuer ${provider.issuer ?? "?"}) is pinned to other subjects (${pins.join(", ")}), so it cannot become this context's principals; the pool is still shared and only as strong as its weakest provider.${when}`,
      );
    }
  }
  if (legacy) {
    add(
      "error",
      "legacy-shared-pool",
      expected.poolId,
      `Pool ${expected.poolId} has the old fedkit layout (site and context pinned, subject not). Migrate to one pool per deploy context (${gcpPoolId(expected.pin.site, expected.pin.context)} for this one): docs/migrations/gcp-pool-per-context.md.`,
    );
  }
  const otherProviders = listed.filter((p) => p.id !== providerId).map((p) => p.id);
  return {
    layout: shared ? "shared" : "own",
    legacy,
    otherProviders,
    findings,
    ok: !findings.some((f) => f.severity === "error"),
  };
}
