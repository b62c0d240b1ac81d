import { afterEach, describe, expect, it, vi } from "vitest";
import { eitherSignal } from "../src/util/signals.js";

// Vercel's Edge Runtime 4.0.1 has no AbortSignal.any: the fallback must behave like it.
describe.each([
  ["AbortSignal.any", false],
  ["without AbortSignal.any (listener fallback)", true],
])("eitherSignal, %s", (_, removeAny) => {
  afterEach(() => vi.unstubAllGlobals());
  const setup = () => {
    if (removeAny)
      vi.stubGlobal("AbortSignal", Object.assign(Object.create(AbortSignal), { any: undefined }));
  };

  it("aborts with the reason of whichever signal aborts first, and only then", () => {
    setup();
    const a = new AbortController();
    const b = new AbortController();
    const either = eitherSignal(a.signal, b.signal);
    expect(either.aborted).toBe(false);
    b.abort(new Error("b went first"));
    expect(either.aborted).toBe(true);
    expect((either.reason as Error).message).toBe("b went first");
    a.abort(new Error("a later"));
    expect((either.reason as Error).message).toBe("b went first");
  });

  it("is already aborted when an input already is", () => {
    setup();
    const a = new AbortController();
    a.abort(new Error("gone"));
    const either = eitherSignal(a.signal, new AbortController().signal);
    expect(either.aborted).toBe(true);
    expect((either.reason as Error).message).toBe("gone");
  });
});
