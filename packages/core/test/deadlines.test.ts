// The deadlines every attempt's timeout uses (util/deadlines.ts): one timer shared by the isolate's requests, and
// still every deadline ends its attempt on time, whatever order they come in.
import { afterEach, describe, expect, it, vi } from "vitest";
import { deadlineCounts, startDeadline } from "../src/util/deadlines.js";
import { monotonicMs } from "../src/util/time.js";

/** Resolves with the monotonic time at which `startDeadline(ms, ...)` fired. */
const fired = (ms: number) =>
  new Promise<number>((resolve) => {
    startDeadline(ms, () => resolve(monotonicMs()));
  });

afterEach(() => vi.restoreAllMocks());

describe("startDeadline", () => {
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
    expect(deadlineCounts()).toEqual({ pending: 0, armed: before.armed });
  });

  it("deadlines due together all fire, in one check, and those not due stay pending", async () => {
    const start = monotonicMs();
    const times = await Promise.all([fired(25), fired(25), fired(26), fired(60)]);
    for (const [i, ms] of [25, 25, 26, 60].entries())
      expect(times[i]! - start).toBeGreaterThanOrEqual(ms - 1);
    expect(deadlineCounts().pending).toBe(0);
  });
});
