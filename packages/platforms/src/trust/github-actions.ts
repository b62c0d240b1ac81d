/**
 * Trust for a GitHub Actions repository that survives renames of the repository and its owner.
 *
 * Subject grammar (docs.github.com, "OpenID Connect reference"): `repo:OWNER/REPO:<tail>` and, for new or renamed
 * repositories, `repo:OWNER@OWNER_ID/REPO@REPO_ID:<tail>`; `<tail>` is `environment:NAME` for a job with an
 * environment, else `pull_request` for pull-request events, else `ref:REF`; a `:` inside a value is `%3A`.
 *
 * @packageDocumentation
 */
import { type PlatformTrust, platformTrust } from "./platform-trust.js";

/** The repository and job a trust is for. @public */
export interface GithubActionsIdentity {
  readonly owner: string;
  /** The owner's numeric id (`repository_owner_id`), which a rename does not change. */
  readonly ownerId: string;
  readonly repo: string;
  /** The repository's numeric id (`repository_id`). */
  readonly repoId: string;
  /** A job environment (`environment:NAME`); it wins over `ref`. Prefer it: environments can require reviews. */
  readonly environment?: string;
  /** The ref, default `refs/heads/main`. */
  readonly ref?: string;
  /** Default `https://token.actions.githubusercontent.com` (an enterprise with its own issuer adds its slug). */
  readonly issuer?: string;
}

/** GitHub's issuer for github.com. @public */
export const GITHUB_ACTIONS_ISSUER = "https://token.actions.githubusercontent.com";

const ID = /^[0-9]+$/;
const NAME = /^[A-Za-z0-9_.-]+$/;

/**
 * Builds the trust of one repository and one environment or ref:
 * - AWS: `StringLike` on `sub` = `repo:*@OWNER_ID/*@REPO_ID:<tail>` — ids pinned, names wildcarded (AWS
 *   conditions cannot see `repository_id`). A `*` cannot reach across the ids: names hold no `@`, and `:` in
 *   the tail's values is escaped, so only this repository's ids end in `@REPO_ID:<tail>`.
 * - GCP: `repository_owner_id`, `repository_id` and the environment or ref pinned as claims; the binding names
 *   `attribute.repository_id`, so a rename changes nothing.
 * - Entra: the exact immutable `sub`; it contains the names, so a rename of the repository or its owner
 *   breaks the credential until it is updated (Entra allows no wildcard).
 *
 * @example
 * ```ts
 * import { githubActionsTrust } from "@fedkit/platforms/trust";
 * const trust = githubActionsTrust({ owner: "octo-org", ownerId: "123456", repo: "octo-repo", repoId: "456789", environment: "production" });
 * const policy = trust.aws({ providerArn: "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com" });
 * ```
 * @public
 */
export function githubActionsTrust(identity: GithubActionsIdentity): PlatformTrust {
  const { owner, ownerId, repo, repoId, environment } = identity;
  if (!ID.test(ownerId) || !ID.test(repoId))
    throw new TypeError(
      "githubActionsTrust: ownerId and repoId are the numeric ids (repository_owner_id, repository_id)",
    );
  if (!NAME.test(owner) || !NAME.test(repo))
    throw new TypeError(
      "githubActionsTrust: owner and repo are GitHub names (letters, digits, '-', '_', '.')",
    );
  const ref = identity.ref ?? "refs/heads/main";
  if (/[*?]/.test(ref) || (environment !== undefined && /[*?]/.test(environment)))
    throw new TypeError("githubActionsTrust: ref and environment are exact values, no wildcard");
  const tail =
    environment !== undefined ? `environment:${escapeColons(environment)}` : `ref:${escapeColons(ref)}`;
  const context = environment ?? ref;
  return platformTrust({
    platform: "github-actions",
    issuer: identity.issuer ?? GITHUB_ACTIONS_ISSUER,
    subject: `repo:${owner}@${ownerId}/${repo}@${repoId}:${tail}`,
    awsSubject: `repo:*@${ownerId}/*@${repoId}:${tail}`,
    gcpPins: {
      repository_owner_id: ownerId,
      repository_id: repoId,
      ...(environment !== undefined ? { environment } : { ref }),
    },
    gcpPrincipal: { attribute: "repository_id", value: repoId },
    context,
    contexts: "separate",
    entraNote:
      "Entra matches sub exactly and it contains the owner and repository names: renaming either breaks this credential until it is updated.",
  });
}

const escapeColons = (value: string): string => value.replaceAll(":", "%3A");
