// The deadlines every attempt's timeout uses (util/deadlines.ts): one timer shared by the isolate's requests, and
// still every deadline ends its attempt on time, whatever order they come in.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { deadlineCounts, startDeadline } from "../src/util/deadlines.js";
import { monotonicMs } from "../src/util/time.js";

/** Resolves with the monotonic time at which `startDeadline(ms, ...)` fired. */
const fired = (ms: number) =>
  new Promise<number>((resolve) => {
    startDeadline(ms, () => resolve(monotonicMs()));
  });

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

describe("startDeadline where timers are signals (Deno)", () => {
  // Deno's timers here are `AbortSignal.timeout`, which cannot be cancelled: the isolate's deadlines share them.
  beforeEach(() => {
    vi.stubGlobal("Deno", {});
  });

  it("fires after its time, and a cancelled deadline never fires", async () => {
    const start = monotonicMs();
    let cancelledFired = false;
    const cancel = startDeadline(20, () => {
      cancelledFired = true;
    });
    cancel();
    const at = await fired(40);
    expect(at - start).toBeGreaterThanOrEqual(39);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(cancelledFired).toBe(false);
  });

  it("requests answered in time share one timer: 1,000 deadlines of 5 s start at most one", () => {
    const timeout = vi.spyOn(AbortSignal, "timeout");
    for (let i = 0; i < 1_000; i++) startDeadline(5_000, () => {})();
    expect(timeout.mock.calls.length).toBeLessThanOrEqual(1);
    // Cancelled deadlines are forgotten at once: nothing is kept per request.
    expect(deadlineCounts().pending).toBe(0);
  });

  it("a deadline earlier than every armed timer gets its own, and fires on time", async () => {
    const start = monotonicMs();
    const cancelLong = startDeadline(10_000, () => {});
    const at = await fired(30);
    cancelLong();
    expect(at - start).toBeGreaterThanOrEqual(29);
    expect(at - start).toBeLessThan(1_000);
  });

  it("a deadline later than the armed timer fires on time: the earlier timer arms the next one", async () => {
    const start = monotonicMs();
    const cancelShort = startDeadline(20, () => {});
    const later = fired(80);
    cancelShort();
    const at = await later;
    expect(at - start).toBeGreaterThanOrEqual(79);
    expect(at - start).toBeLessThan(1_000);
  });

  it("a timer that fires with nothing pending arms no other: an idle isolate's timers run out", async () => {
    const before = deadlineCounts();
    startDeadline(15, () => {})();
    expect(deadlineCounts().armed).toBe(before.armed + 1);
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(deadlineCounts()).toEqual({ pending: 0, armed: before.armed, listened: 0 });
  });

  it("no timer is listened to while nothing is pending (a Deno process can exit), and the next deadline listens to the armed one again", () => {
    // Deno holds a process while a timeout signal has an abort listener: a listened shared timer kept a
    // `deno run` script alive until it fired (8 s after a first request) once its work was done.
    const timeout = vi.spyOn(AbortSignal, "timeout");
    const cancelFirst = startDeadline(5_000, () => {});
    expect(deadlineCounts().listened).toBeGreaterThanOrEqual(1);
    cancelFirst();
    expect(deadlineCounts()).toMatchObject({ pending: 0, listened: 0 });
    expect(deadlineCounts().armed).toBeGreaterThanOrEqual(1);
    const calls = timeout.mock.calls.length;
    const cancelSecond = startDeadline(5_000, () => {});
    // The armed timer (not yet fired) serves again: no new timer for a warm request.
    expect(timeout.mock.calls.length).toBe(calls);
    expect(deadlineCounts().listened).toBe(deadlineCounts().armed);
    cancelSecond();
    expect(deadlineCounts().listened).toBe(0);
  });

  it("a timer that fired while nobody listened covers nothing: a later deadline gets its own and fires on time", async () => {
    startDeadline(10, () => {})();
    // The 10 ms timer fires unheard.
    await new Promise((resolve) => setTimeout(resolve, 40));
    const start = monotonicMs();
    const at = await fired(30);
    expect(at - start).toBeGreaterThanOrEqual(29);
    expect(at - start).toBeLessThan(1_000);
  });

  it("deadlines due together all fire, in one check, and those not due stay pending", async () => {
    const start = monotonicMs();
    const times = await Promise.all([fired(25), fired(25), fired(26), fired(60)]);
    for (const [i, ms] of [25, 25, 26, 60].entries())
      expect(times[i]! - start).toBeGreaterThanOrEqual(ms - 1);
    expect(deadlineCounts().pending).toBe(0);
  });
});

describe("startDeadline where timers can be cancelled (Node, workerd, browsers)", () => {
  it("gives each deadline its own setTimeout, cleared when cancelled, and makes no timeout signal", () => {
    const timeout = vi.spyOn(AbortSignal, "timeout");
    const set = vi.spyOn(globalThis, "setTimeout");
    const clear = vi.spyOn(globalThis, "clearTimeout");
    const before = deadlineCounts();
    for (let i = 0; i < 3; i++) startDeadline(5_000, () => {})();
    expect(set).toHaveBeenCalledTimes(3);
    expect(clear).toHaveBeenCalledTimes(3);
    expect(timeout).not.toHaveBeenCalled();
    // Nothing shared: a runtime that drops a finished request's timers (workerd) cannot strand another's deadline.
    expect(deadlineCounts()).toEqual(before);
  });

  it("still fires on time", async () => {
    const start = monotonicMs();
    const at = await fired(25);
    expect(at - start).toBeGreaterThanOrEqual(24);
  });
});

describe("a shared timer that never fires", () => {
  it("is forgotten once a second overdue, so a later deadline arms a timer of its own", () => {
    vi.stubGlobal("Deno", {});
    const t0 = monotonicMs();
    const clock = vi.spyOn(performance, "now").mockReturnValue(t0);
    // The first timer is dropped by its runtime: its signal never aborts.
    const timeout = vi.spyOn(AbortSignal, "timeout").mockReturnValueOnce(new AbortController().signal);
    const cancelFirst = startDeadline(10, () => {});
    expect(timeout).toHaveBeenCalledTimes(1);
    cancelFirst();
    // Far enough on that every timer armed so far (here and by earlier tests) is more than a second overdue.
    clock.mockReturnValue(t0 + 20_000);
    const cancelSecond = startDeadline(60_000, () => {});
    expect(timeout).toHaveBeenCalledTimes(2);
    cancelSecond();
  });
});
