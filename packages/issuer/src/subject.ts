import { issuerConfigError } from "./errors.js";

/** The most bytes a subject may have: GCP's limit for `google.subject`. @public */
export const MAX_SUBJECT_BYTES = 127;

const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const CONTEXT = /^[a-z0-9][a-z0-9-]{0,62}$/;

/**
 * Which subject a token carries:
 * - `function`: `site:<site-id>:context:<context>:function:<name>` (the default; one trust entry per function)
 * - `site`: `site:<site-id>:context:<context>` (for clouds that cap how many subjects one identity may trust,
 *   such as Entra's 20 federated credentials per app)
 * @public
 */
export type SubjectForm = "function" | "site";

/** The parts a subject is built from. @public */
export interface SubjectParts {
  readonly siteId: string;
  readonly context: string;
  readonly functionName?: string;
}

/** Throws a `config` error unless `context` is a valid deploy-context segment (`production`, `deploy-preview`...). @internal */
export function checkContext(context: string): string {
  if (!CONTEXT.test(context)) {
    throw issuerConfigError(
      `Deploy context ${JSON.stringify(context)} is not a valid path segment.`,
      `Use ${CONTEXT.source}.`,
    );
  }
  return context;
}

/**
 * Builds a subject of the fixed grammar. The segments may not contain `:` (the grammar would become ambiguous)
 * nor IAM wildcard characters, and the result is at most 127 bytes.
 *
 * @example
 * ```ts
 * subjectFor({ siteId: "5d1f...", context: "production", functionName: "report" }, "function");
 * // "site:5d1f...:context:production:function:report"
 * ```
 * @public
 */
export function subjectFor(parts: SubjectParts, form: SubjectForm = "function"): string {
  const { siteId, functionName } = parts;
  const named = form === "function";
  let subject = `site:${siteId}:context:${checkContext(parts.context)}`;
  if (named) subject += `:function:${functionName}`;
  // Every segment is ASCII (SEGMENT, CONTEXT), so characters are bytes.
  if (
    !SEGMENT.test(siteId) ||
    (named && !SEGMENT.test(functionName ?? "")) ||
    subject.length > MAX_SUBJECT_BYTES
  ) {
    throw issuerConfigError(
      `Subject ${JSON.stringify(subject)} needs segments of ${SEGMENT.source} and at most ${MAX_SUBJECT_BYTES} bytes.`,
      "Rename the site id or function, or use the `site` form.",
    );
  }
  return subject;
}

/**
 * The subject of a token minted for a verified end user: `site:<site-id>:context:<context>:user:<hash>`, where
 * the hash (32 hex digits) is taken over the user's issuer and `sub`, so no user id leaves in clear.
 * @public
 */
export function userSubject(siteId: string, context: string, userHash: string): string {
  if (!/^[0-9a-f]{32}$/.test(userHash)) throw new TypeError("userSubject(): userHash must be 32 hex digits.");
  return `${subjectFor({ siteId, context }, "site")}:user:${userHash}`;
}

/** The pattern matching every user subject of a context, for trust policies (`StringLike`). @public */
export function userSubjectPattern(siteId: string, context: string): string {
  return `${subjectFor({ siteId, context }, "site")}:user:*`;
}
