/**
 * Size caps on answer bodies, so a hostile or broken endpoint cannot exhaust memory: one byte counter for the
 * exchange client (which reads the whole answer) and the authorized fetch (whose caller reads error answers).
 *
 * @packageDocumentation
 */
import { fail } from "../errors.js";

function tooLarge(response: Response, max: number, what: string, provider: string, option: string) {
  return fail(
    "bad_response",
    `${what} answered more than ${max} bytes (HTTP ${response.status}).`,
    provider,
    `Check the endpoint, or raise ${option}.`,
    { status: response.status },
  );
}

/**
 * `response` with a body that fails with `bad_response` once more than `max` bytes were read (the source is
 * cancelled then): the authorized fetch's error answers, whose cap is its `maxErrorBodyBytes`.
 * @internal
 */
export function capBody(response: Response, max: number, provider: string): Response {
  if (response.body === null) return response;
  let seen = 0;
  const body = response.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        seen += chunk.byteLength;
        if (seen > max) controller.error(tooLarge(response, max, provider, provider, "maxErrorBodyBytes"));
        else controller.enqueue(chunk);
      },
    }),
  );
  // A Response is a valid ResponseInit: status, statusText and headers carry over.
  const out = new Response(body, response);
  Object.defineProperty(out, "url", { value: response.url });
  return out;
}

/**
 * Reads `res` as UTF-8 text, refusing more than `maxBytes` (`bad_response`; a declared oversized body is refused
 * before it is read). When `signal` aborts, the read stops and rejects with its reason, also for a body whose
 * source does not listen to that signal (an injected transport's).
 * @internal
 */
export async function readCapped(
  res: Response,
  maxBytes: number,
  operation: string,
  provider: string,
  signal?: AbortSignal,
): Promise<string> {
  const option = "retry.maxResponseBytes";
  if (Number(res.headers.get("content-length")) > maxBytes) {
    await res.body?.cancel().catch(() => {});
    throw tooLarge(res, maxBytes, operation, provider, option);
  }
  // The reader itself, counting as it goes: no TransformStream, no second Response (each cost more CPU than the
  // whole read of an STS answer on Node). The chunks are decoded once at the end (an STS answer is one chunk).
  const reader = res.body?.getReader();
  // Cancelling the reader settles a pending read (as done), whatever the source does; the abort is thrown below.
  const onAbort = () => reader?.cancel(signal?.reason).catch(() => {});
  if (signal?.aborted) {
    await onAbort();
    throw signal.reason;
  }
  signal?.addEventListener("abort", onAbort);
  const chunks: Uint8Array[] = [];
  let seen = 0;
  try {
    for (;;) {
      const read = await reader?.read();
      if (signal?.aborted) throw signal.reason;
      if (read === undefined || read.done) return utf8Text(chunks, seen);
      seen += read.value.byteLength;
      if (seen > maxBytes) {
        await reader?.cancel().catch(() => {});
        throw tooLarge(res, maxBytes, operation, provider, option);
      }
      chunks.push(read.value);
    }
  } finally {
    signal?.removeEventListener("abort", onAbort);
  }
}

/** One decoder for every read: decoding a whole body at once (not streaming) keeps no state between calls. */
let decoder: TextDecoder | undefined;

/** `chunks` (`length` bytes in all) as UTF-8 text, invalid sequences replaced. */
function utf8Text(chunks: readonly Uint8Array[], length: number): string {
  decoder ??= new TextDecoder();
  if (chunks.length <= 1) return decoder.decode(chunks[0]);
  const bytes = new Uint8Array(length);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return decoder.decode(bytes);
}
