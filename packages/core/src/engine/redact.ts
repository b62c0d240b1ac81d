/**
 * Defence in depth for failed exchanges: whatever a provider put in its error (its own message, the cloud's
 * text, a transport error holding the request body), the subject token's raw value must not leave through the
 * error, its `cause` chain, the negative cache (shared between subjects) or the audit event. Pattern scrubbing
 * cannot know every token shape; the engine knows the exact value, so it cuts that out.
 *
 * Runs only when an exchange fails: the cache-hit path never comes here.
 *
 * @packageDocumentation
 */
import { FederationError } from "../errors.js";
import { REDACTED } from "../util/scrub.js";
import { leaksSecret, secretForms } from "../util/secrets.js";

const MARK = REDACTED;
/** Cause chains longer than this are cut off: a cycle or a pathological chain must not stall a failure. */
const MAX_DEPTH = 8;
/** The text fields of a FederationError that may echo what a provider sent or received. */
const TEXT_FIELDS = "message cloudMessage hint cloudCode requestId traceId".split(" ") as (
  | "message"
  | "cloudMessage"
  | "hint"
  | "cloudCode"
  | "requestId"
  | "traceId"
)[];

const has = (text: unknown, forms: readonly string[]): boolean =>
  typeof text === "string" && forms.some((form) => text.includes(form));

function cut<T extends string | undefined>(text: T, forms: readonly string[]): T {
  let out: string | undefined = text;
  if (out !== undefined) for (const form of forms) out = out.split(form).join(MARK);
  return out as T;
}

/** Whether a value holds the token where a logger could print it; unserialisable objects count as holding it. */
function holds(value: unknown, forms: readonly string[]): boolean {
  try {
    return has(typeof value === "object" && value !== null ? JSON.stringify(value) : String(value), forms);
  } catch {
    return true;
  }
}

/** `value` itself when it cannot carry the token, otherwise a copy that cannot. */
function clean(value: unknown, forms: readonly string[], depth: number): unknown {
  if (value === undefined) return undefined;
  if (depth > MAX_DEPTH) return MARK;
  if (typeof value === "string") return cut(value, forms);
  if (!(value instanceof Error)) return holds(value, forms) ? MARK : value;
  const cause = clean(value.cause, forms, depth + 1);
  const federation = value instanceof FederationError;
  // A FederationError's text fields; any other error's message (own or inherited) and own properties besides
  // those rebuilt (`code`, `body`, `config`, `errors`, ...), which a logger prints too.
  const dirty = federation
    ? TEXT_FIELDS.some((k) => has(value[k], forms))
    : has(value.message, forms) ||
      Object.getOwnPropertyNames(value).some(
        (name) =>
          name !== "stack" &&
          name !== "cause" &&
          holds((value as unknown as Record<string, unknown>)[name], forms),
      );
  if (cause === value.cause && !dirty && !has(value.stack, forms)) return value;
  let copy: Error;
  if (federation) {
    // toJSON carries the other fields (provider, status, retryable, attempts); the subject and cause are re-added.
    const fields = value.toJSON();
    for (const k of TEXT_FIELDS) fields[k] = cut(value[k], forms);
    copy = new FederationError(value.code, fields["message"] as string, {
      ...fields,
      subject: value.subject,
      cause,
    });
  } else {
    copy = new Error(cut(value.message, forms), cause === undefined ? undefined : { cause });
    copy.name = value.name;
  }
  // The provider's stack points at where it failed: keep it, minus the token its first line may repeat.
  copy.stack = cut(value.stack, forms);
  return copy;
}

/**
 * Returns `error` itself when no part of it (message, cloud message, hint, ids, stack, `cause` chain) holds
 * `raw`, otherwise an equivalent {@link FederationError} with every occurrence replaced by `[redacted]`.
 * @internal
 */
export function redactSubject(error: FederationError, raw: string): FederationError {
  return raw === "" ? error : (clean(error, secretForms(raw), 0) as FederationError);
}

/**
 * A provider's HTTP answer with each secret it sent (the subject token, a federated bearer) cut out, as sent,
 * URL-encoded and as a JWS signature, before the answer's text reaches an error message, audit event or log.
 * Header values (the request ids a provider copies into its error) that hold a secret, or are a long piece of
 * one, become `[redacted]` too. Secrets shorter than 8 characters are left alone (they would cut ordinary
 * words). Returns `response` itself when nothing was cut.
 *
 * @example
 * ```ts
 * declare function mapError(response: HttpResponse): FederationError; // your provider's error mapping
 * if (res.status !== 200) throw mapError(redactResponse(res, [token.raw]));
 * ```
 * @public
 */
export function redactResponse<R extends { readonly text: string; readonly headers?: Headers }>(
  response: R,
  secrets: readonly string[],
): R {
  const long = secrets.filter((secret) => secret.length >= 8);
  let text = response.text;
  for (const secret of long) text = cut(text, secretForms(secret));
  const headers = response.headers && redactHeaders(response.headers, long);
  if (text === response.text && headers === response.headers) return response;
  // `headers` is undefined only when the response had none.
  return { ...response, text, headers };
}

/** `headers` itself when no value holds a secret, otherwise a copy with those values replaced. */
function redactHeaders(headers: Headers, secrets: readonly string[]): Headers {
  let copy: Headers | undefined;
  headers.forEach((value, name) => {
    if (!leaksSecret(value, secrets)) return;
    copy ??= new Headers(headers);
    copy.set(name, MARK);
  });
  return copy ?? headers;
}
