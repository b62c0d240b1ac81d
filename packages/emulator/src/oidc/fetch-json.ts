const MAX_DOCUMENT_BYTES = 512 * 1024;
const TIMEOUT_MS = 5000;

/** A failed document fetch; `transient` when the network or a 5xx/429 is to blame (worth retrying). @internal */
export class FetchFailure extends Error {
  readonly transient: boolean;
  constructor(message: string, transient: boolean, cause?: unknown) {
    super(message, { cause });
    this.transient = transient;
  }
}

/** Whether a URL points at this machine (127.0.0.0/8, ::1, localhost). @internal */
export function isLoopbackUrl(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    return false;
  }
  return host === "localhost" || host === "[::1]" || /^127(?:\.\d{1,3}){3}$/.test(host);
}

/**
 * GETs a JSON object with a timeout and a size cap, refusing redirects (a discovery document or JWKS that
 * redirects elsewhere is not trusted).
 * @internal
 */
export async function fetchJson(fetchImpl: typeof fetch, url: string): Promise<Record<string, unknown>> {
  let response: Response;
  try {
    response = await fetchImpl(url, {
      headers: { accept: "application/json" },
      redirect: "manual",
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (cause) {
    throw new FetchFailure(`unreachable (${(cause as Error).message})`, true, cause);
  }
  if (!response.ok)
    throw new FetchFailure(`HTTP ${response.status}`, response.status >= 500 || response.status === 429);
  const text = await response.text();
  if (text.length > MAX_DOCUMENT_BYTES) throw new Error("document larger than 512 KiB");
  const value: unknown = JSON.parse(text);
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new Error("not a JSON object");
  return value as Record<string, unknown>;
}
