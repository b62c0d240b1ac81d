/**
 * A signal that aborts when either `a` or `b` does, with that signal's reason. `AbortSignal.any` where the runtime
 * has it; a listener pair where it does not (Vercel's Edge Runtime 4.0.1 lacks it, and an exchange must still run
 * there rather than fail on a missing API).
 * @internal
 */
export function eitherSignal(a: AbortSignal, b: AbortSignal): AbortSignal {
  if (typeof AbortSignal.any === "function") return AbortSignal.any([a, b]);
  const controller = new AbortController();
  const first = a.aborted ? a : b.aborted ? b : undefined;
  if (first !== undefined) {
    controller.abort(first.reason);
    return controller.signal;
  }
  const onAbort = (event: Event) => {
    const source = event.target as AbortSignal;
    a.removeEventListener("abort", onAbort);
    b.removeEventListener("abort", onAbort);
    controller.abort(source.reason);
  };
  a.addEventListener("abort", onAbort);
  b.addEventListener("abort", onAbort);
  return controller.signal;
}
