/**
 * STS session names: `[\w+=,.@-]{2,64}`. They show up in CloudTrail and in the assumed-role ARN, so the
 * default is derived from the subject, readable and stable.
 *
 * @packageDocumentation
 */
import type { SubjectToken } from "@fedkit/core";
import { awsError } from "./errors.js";

const VALID = /^[\w+=,.@-]{2,64}$/;

/** Whether `name` is a valid STS role session name. @public */
export function isValidSessionName(name: string): boolean {
  return VALID.test(name);
}

/** @throws FederationError `config` when `name` is not a valid session name. @internal */
export function checkSessionName(name: string, where: string): string {
  if (!VALID.test(name)) {
    throw awsError(
      "config",
      `${where}: "${name}" is not a valid role session name`,
      "Use 2 to 64 of letters, digits and _+=,.@-",
    );
  }
  return name;
}

function fnv1a(text: string): string {
  // A short, stable disambiguator for truncated names; not security relevant, so no async digest needed.
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, "0");
}

/**
 * Turns any text into a valid session name: characters outside `[\w+=,.@-]` become `-`, runs of `-` collapse,
 * names shorter than two characters get a `fedkit-` prefix, and names longer than 64 are cut to 55 characters
 * plus `-` and an 8-hex hash of the original, so two long subjects sharing a prefix stay distinct.
 *
 * @example
 * ```ts
 * sanitizeSessionName("repo:acme/site:ref:refs/heads/main"); // "repo-acme-site-ref-refs-heads-main"
 * ```
 * @public
 */
export function sanitizeSessionName(text: string): string {
  let name = text.replace(/[^\w+=,.@-]/g, "-").replace(/-{2,}/g, "-");
  if (name.length < 2) name = `fedkit-${name}`.replace(/-$/, "") || "fedkit";
  if (name.length > 64) name = `${name.slice(0, 55)}-${fnv1a(text)}`;
  return name;
}

/** How the session name is chosen: a fixed name, or a function of the subject token. @public */
export type SessionNameOption = string | ((subject: SubjectToken) => string);

/** Resolves the session name for one exchange; fixed names were validated at construction. @internal */
export function resolveSessionName(option: SessionNameOption | undefined, subject: SubjectToken): string {
  if (typeof option === "string") return option;
  if (typeof option === "function") return sanitizeSessionName(option(subject));
  const sub = subject.claims.sub;
  return sanitizeSessionName(typeof sub === "string" && sub !== "" ? sub : "fedkit");
}

// One id per distinct function object, for cache keys: a WeakMap, so a dropped function does not stay alive.
// `#` is not a session-name character, so "fn#1" never collides with a fixed name.
const functionIds = new WeakMap<(subject: SubjectToken) => string, number>();
let nextFunctionId = 0;

/**
 * The part of a provider's cache key that records the session-name option. The session name ends up in the
 * assumed-role ARN and `aws:userid`, which resource policies can test, so two providers differing only in their
 * session-name function must not share cached credentials: each function object gets its own stable id.
 * @internal
 */
export function sessionNameKey(option: SessionNameOption | undefined): string | null {
  if (typeof option !== "function") return option ?? null;
  if (!functionIds.has(option)) functionIds.set(option, ++nextFunctionId);
  return `fn#${functionIds.get(option)}`;
}
