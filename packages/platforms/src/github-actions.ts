/**
 * GitHub Actions: the job's OIDC token from the runner's token request endpoint, for the audience each cloud
 * expects. A job gets the two variables only with `permissions: id-token: write`.
 *
 * @packageDocumentation
 */
import type { FetchLike, SubjectTokenSource } from "@fedkit/core";
import { askEndpoint, type EnvInput, endpointFailed, missing, platformSource, readEnv } from "./source.js";

/** Options of {@link githubActionsToken}. @public */
export interface GithubActionsTokenOptions {
  /** Where `ACTIONS_ID_TOKEN_REQUEST_URL` and `ACTIONS_ID_TOKEN_REQUEST_TOKEN` come from. Default: the runtime's environment. */
  readonly env?: EnvInput;
  /** Default `globalThis.fetch`, looked up at call time. */
  readonly fetch?: FetchLike;
}

const NAME = "github-actions";
const HINT =
  "Give the job `permissions: id-token: write` (the runner then sets ACTIONS_ID_TOKEN_REQUEST_URL/_TOKEN).";
const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/;

/**
 * Asks the runner for a token with the cloud's audience (`GET $ACTIONS_ID_TOKEN_REQUEST_URL&audience=…`,
 * bearer `$ACTIONS_ID_TOKEN_REQUEST_TOKEN`, as `@actions/core`'s `getIDToken` does). The request token goes only
 * to the runner's https URL (loopback http is allowed for local runners and tests), never through a redirect.
 *
 * @throws MissingSubjectTokenError when the variables are unset (a chain falls through).
 * @example
 * ```ts
 * import { githubActionsToken } from "@fedkit/platforms";
 * const source = githubActionsToken();
 * ```
 * @public
 */
export function githubActionsToken(options: GithubActionsTokenOptions = {}): SubjectTokenSource {
  return platformSource(NAME, async ({ audience, signal }) => {
    const url = readEnv("ACTIONS_ID_TOKEN_REQUEST_URL", options.env);
    const bearer = readEnv("ACTIONS_ID_TOKEN_REQUEST_TOKEN", options.env);
    if (url === undefined || bearer === undefined)
      throw missing(NAME, "ACTIONS_ID_TOKEN_REQUEST_URL or ACTIONS_ID_TOKEN_REQUEST_TOKEN is not set.", HINT);
    const target = new URL(url);
    if (target.protocol !== "https:" && !(target.protocol === "http:" && LOOPBACK.test(target.hostname)))
      throw new TypeError("githubActionsToken: ACTIONS_ID_TOKEN_REQUEST_URL must be an https URL");
    target.searchParams.set("audience", audience);
    const answer = await askEndpoint(
      NAME,
      options.fetch,
      {
        url: target,
        method: "GET",
        headers: { authorization: `Bearer ${bearer}`, accept: "application/json; api-version=2.0" },
        hint: HINT,
      },
      signal,
    );
    let body: { value?: unknown } = {};
    try {
      body = JSON.parse(answer.text) ?? {};
    } catch {}
    if (typeof body.value !== "string")
      throw endpointFailed(NAME, answer.status, "The runner answered no `value`.");
    return body.value;
  });
}
