/// <reference types="node" />
// base64url encodes with the runtime's own Uint8Array.prototype.toBase64 where there is one (Deno 2, Node 26) and
// with btoa elsewhere: both must give the same unpadded base64url text for any bytes.
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { base64url } from "../src/util/encoding.js";

type ToBase64 = (this: Uint8Array, options: { alphabet: "base64url"; omitPadding: true }) => string;
// Node 26 has a real toBase64: each test puts back whatever was there.
const ORIGINAL = Object.getOwnPropertyDescriptor(Uint8Array.prototype, "toBase64");
const proto = Uint8Array.prototype as { toBase64?: ToBase64 };

/** The runtime encoder as Deno has it, built on Buffer for Node, counting its calls. */
function fakeNative() {
  const native = {
    calls: 0,
    toBase64: function (this: Uint8Array, options: { alphabet: "base64url"; omitPadding: true }) {
      native.calls += 1;
      expect(options).toEqual({ alphabet: "base64url", omitPadding: true });
      return Buffer.from(this).toString("base64url");
    } as ToBase64,
  };
  return native;
}

function useCodec(native: ToBase64 | undefined): void {
  if (native) Object.defineProperty(Uint8Array.prototype, "toBase64", { value: native, configurable: true });
  else delete proto.toBase64;
}

describe("base64url: the runtime's encoder and the script fallback agree", () => {
  afterEach(() => {
    if (ORIGINAL) Object.defineProperty(Uint8Array.prototype, "toBase64", ORIGINAL);
    else delete proto.toBase64;
  });

  it("uses the runtime's toBase64 with the url alphabet and no padding when there is one", () => {
    const native = fakeNative();
    useCodec(native.toBase64);
    expect(base64url(new Uint8Array([251, 255]))).toBe("-_8");
    expect(native.calls).toBe(1);
  });

  it("gives the same text as Buffer's base64url either way, for any bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const expected = Buffer.from(bytes).toString("base64url");
        useCodec(undefined);
        const script = base64url(bytes);
        useCodec(fakeNative().toBase64);
        const native = base64url(bytes);
        expect(script).toBe(expected);
        expect(native).toBe(expected);
      }),
      { numRuns: 200 },
    );
  });

  it("encodes inputs larger than one String.fromCharCode chunk without the runtime encoder", () => {
    useCodec(undefined);
    const bytes = Uint8Array.from({ length: 0x8000 * 2 + 3 }, (_, i) => (i * 7) & 0xff);
    expect(base64url(bytes)).toBe(Buffer.from(bytes).toString("base64url"));
  });
});
