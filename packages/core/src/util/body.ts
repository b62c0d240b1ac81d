/**
 * Reads a response body with a size cap, so a hostile or broken endpoint cannot exhaust memory.
 *
 * @packageDocumentation
 */
import { FederationError } from "../errors.js";

/**
 * Reads `res` as UTF-8 text, refusing more than `maxBytes` (`bad_response`, the stream is cancelled).
 * @internal
 */
export async function readCapped(
  res: Response,
  maxBytes: number,
  operation: string,
  provider: string,
): Promise<string> {
  const tooLarge = () =>
    new FederationError(
      "bad_response",
      `${operation} answered a body larger than ${maxBytes} bytes (HTTP ${res.status}).`,
      {
        provider,
        status: res.status,
        hint: "Check the endpoint, or raise retry.maxResponseBytes.",
      },
    );
  const declared = Number(res.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await res.body?.cancel().catch(() => {});
    throw tooLarge();
  }
  if (res.body === null) return "";
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(value);
  }
  const all = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    all.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(all);
}
