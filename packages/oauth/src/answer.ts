/**
 * A token endpoint's success answer (RFC 6749 §5.1, RFC 8693 §2.2.1) as an `AccessToken`. The lifetime is read
 * here, not with the toolkit's `expiresAtFromLifetime`: RFC 6749 makes `expires_in` a number, and a string one
 * is refused rather than parsed, and an answer without it may fall back to `defaultLifetimeSeconds`.
 *
 * @packageDocumentation
 */
import { type AccessToken, FederationError, type HttpResponse, readJsonObject } from "@fedkit/core/provider";

/** What the answer must satisfy besides carrying a bearer. @internal */
export interface AnswerRules {
  readonly provider: string;
  /** When the request was sent, ms since the epoch: `expires_in` counts from here. */
  readonly sentAt: number;
  /** RFC 8693 `requested_token_type`: the `issued_token_type`, when present, must equal it. */
  readonly requestedTokenType?: string;
  /** Used when the answer has no `expires_in` (RFC 6749 makes it RECOMMENDED only); else such an answer fails. */
  readonly defaultLifetimeSeconds?: number;
}

function bad(rules: AnswerRules, response: HttpResponse, what: string): FederationError {
  return new FederationError("bad_response", `${rules.provider}: the token endpoint's answer ${what}.`, {
    provider: rules.provider,
    status: response.status,
    attempts: response.attempts,
    hint: "Check that tokenUrl is the service's OAuth token endpoint.",
  });
}

/**
 * Reads `access_token`, `token_type` (Bearer, any case; absent counts as Bearer), `expires_in` and `scope`.
 * @throws FederationError `bad_response` for anything else, naming the field, never its value.
 * @internal
 */
export function readTokenAnswer(response: HttpResponse, rules: AnswerRules): AccessToken {
  const body = readJsonObject(response.text);
  if (body === undefined) throw bad(rules, response, "is not a JSON object");
  const token = body["access_token"];
  if (typeof token !== "string" || token === "") throw bad(rules, response, "has no access_token");
  const tokenType = body["token_type"] ?? "Bearer";
  // RFC 8693 answers `N_A` for tokens that are not access tokens: such a token cannot be sent as a bearer.
  if (typeof tokenType !== "string" || tokenType.toLowerCase() !== "bearer") {
    throw bad(
      rules,
      response,
      `has token_type ${JSON.stringify(String(tokenType)).slice(0, 40)}, not Bearer`,
    );
  }
  const issued = body["issued_token_type"];
  if (rules.requestedTokenType !== undefined && issued !== undefined && issued !== rules.requestedTokenType) {
    throw bad(
      rules,
      response,
      `issued ${JSON.stringify(String(issued)).slice(0, 80)}, not the requested type`,
    );
  }
  const raw = body["expires_in"];
  const expiresIn =
    raw === undefined ? rules.defaultLifetimeSeconds : typeof raw === "number" ? raw : Number.NaN;
  if (expiresIn === undefined) throw bad(rules, response, "has no expires_in (set defaultLifetimeSeconds)");
  if (!(expiresIn > 0) || !Number.isFinite(expiresIn)) {
    throw bad(rules, response, "has an expires_in that is not a positive number");
  }
  const scope = body["scope"];
  return {
    kind: "access-token",
    token,
    tokenType: "Bearer",
    expiresAt: rules.sentAt + expiresIn * 1000,
    ...(typeof scope === "string" && scope !== "" ? { scopes: scope.split(" ").filter(Boolean) } : {}),
  };
}
