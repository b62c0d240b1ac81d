/**
 * `fedkit dev --check`: the seed's requests against the running site, each compared with what the seed says must
 * come back. What is printed of an answer is cut short and stripped of anything shaped like a token.
 */
import { type Emulator, entraState, gcpStateOf, saasStateOf } from "@fedkit/emulator";
import type { LocalCheck } from "./seed.js";

/**
 * Credentials each emulated cloud has issued so far: AWS sessions, Google STS exchanges, Entra tokens, SaaS
 * (Anthropic, OpenAI…) token exchanges.
 * @internal
 */
export interface ExchangeCounts {
  readonly aws: number;
  readonly gcp: number;
  readonly azure: number;
  readonly saas: number;
}

/**
 * The emulator's credential counts now; the difference across the checks shows which cloud the functions reached
 * (a body read from a public mock would show none).
 * @internal
 */
export function exchangeCounts(emulator: Emulator): ExchangeCounts {
  const services = emulator.state.services;
  return {
    aws: emulator.state.aws.sessions.size,
    gcp: services.has("gcp") ? (gcpStateOf(emulator).calls.get("sts") ?? 0) : 0,
    azure: emulator.urls.entra !== undefined ? entraState(emulator.state).tokensIssued : 0,
    saas: emulator.urls.saas !== undefined ? saasStateOf(emulator).tokens.size : 0,
  };
}

/** The outcome of one check. @internal */
export interface CheckResult {
  readonly path: string;
  readonly ok: boolean;
  readonly status: number;
  /** Why it failed, naming what was expected; absent when ok. */
  readonly reason?: string;
}

/** A JWT (three base64url parts, the first a JSON header) or a bearer value: never printed. */
const TOKEN = /\beyJ[\w-]{4,}\.[\w-]+\.[\w-]*|\b(?:Bearer|SharedKey)\s+\S+/g;

/** `text` with token-shaped parts replaced, cut to 300 characters: what a failed check may show. @internal */
export function printable(text: string): string {
  const clean = text.replace(TOKEN, "[redacted]");
  return clean.length > 300 ? `${clean.slice(0, 300)}…` : clean;
}

/**
 * Requests each check's path on `siteUrl` in order and compares the answer.
 *
 * @example
 * ```ts
 * const results = await runChecks(fetch, "http://127.0.0.1:8888", [{ path: "/unmapped", status: 403, errorCode: "policy_refused" }]);
 * const ok = results.every((r) => r.ok);
 * ```
 * @internal
 */
export async function runChecks(
  fetchImpl: typeof fetch,
  siteUrl: string,
  checks: readonly LocalCheck[],
): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const check of checks) {
    let status = 0;
    let text = "";
    try {
      const response = await fetchImpl(`${siteUrl}${check.path}`, { redirect: "manual" });
      status = response.status;
      text = await response.text();
    } catch (error) {
      results.push({
        path: check.path,
        ok: false,
        status,
        reason: `the request failed: ${(error as Error).message}`,
      });
      continue;
    }
    const reason = mismatch(check, status, text);
    results.push({ path: check.path, ok: reason === undefined, status, ...(reason ? { reason } : {}) });
  }
  return results;
}

function mismatch(check: LocalCheck, status: number, text: string): string | undefined {
  const got = `got ${status} ${printable(text)}`;
  if (status !== check.status) return `expected ${check.status}, ${got}`;
  if (check.body !== undefined && text !== check.body)
    return `expected the seeded body ${JSON.stringify(printable(check.body))}, ${got}`;
  if (check.errorCode !== undefined) {
    let code: unknown;
    try {
      code = (JSON.parse(text) as { error?: { code?: unknown } }).error?.code;
    } catch {
      code = undefined;
    }
    if (code !== check.errorCode) return `expected error code ${check.errorCode}, ${got}`;
  }
  return undefined;
}
