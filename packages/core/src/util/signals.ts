/**
 * A signal that aborts when either `a` or `b` does, with that signal's reason. `AbortSignal.any` where the runtime
 * has it; a listener pair where it does not (Vercel's Edge Runtime 4.0.1 lacks it, and an exchange must still run
 * there rather than fail on a missing API).
 * @internal
 */
export function eitherSignal(a: AbortSignal, b: AbortSignal): AbortSignal {
  if (typeof AbortSignal.any === "function") return AbortSignal.any([a, b]);
  const controller = new AbortController();
  // The first to abort is `a` if it did, else `b`: its reason is the combined signal's.
  const onAbort = () => {
    a.removeEventListener("abort", onAbort);
    b.removeEventListener("abort", onAbort);
    controller.abort((a.aborted ? a : b).reason);
  };
  if (a.aborted || b.aborted) onAbort();
  else {
    a.addEventListener("abort", onAbort);
    b.addEventListener("abort", onAbort);
  }
  return controller.signal;
}
