import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { FakeClock, realClock } from "./clock.js";

describe("FakeClock", () => {
  it("fires due timers in due order with now() at each due time", () => {
    const clock = new FakeClock({ now: 1000 });
    const seen: Array<[string, number]> = [];
    clock.setTimer(300, () => seen.push(["c", clock.now()]));
    clock.setTimer(100, () => seen.push(["a", clock.now()]));
    clock.setTimer(100, () => seen.push(["b", clock.now()]));
    clock.step(200);
    assert.deepEqual(seen, [["a", 1100], ["b", 1100]]);
    assert.equal(clock.now(), 1200);
    clock.step(100);
    assert.deepEqual(seen.at(-1), ["c", 1300]);
  });

  it("fires timers armed by timers within the same step", () => {
    const clock = new FakeClock({ now: 0 });
    const fired: number[] = [];
    clock.setTimer(10, () => {
      fired.push(clock.now());
      clock.setTimer(10, () => fired.push(clock.now()));
    });
    clock.step(25);
    assert.deepEqual(fired, [10, 20]);
  });

  it("cancels timers", () => {
    const clock = new FakeClock();
    let fired = false;
    clock.setTimer(10, () => (fired = true)).cancel();
    clock.step(100);
    assert.equal(fired, false);
    assert.equal(clock.pendingTimers(), 0);
  });

  it("sleep resolves on step and rejects on abort without leaving a timer", async () => {
    const clock = new FakeClock();
    const slept = clock.sleep(50);
    clock.step(50);
    await slept;
    const ac = new AbortController();
    const aborted = clock.sleep(50, ac.signal);
    ac.abort(new Error("stop"));
    await assert.rejects(aborted, /stop/);
    assert.equal(clock.pendingTimers(), 0);
  });

  it("advance lets async loops re-arm timers between ticks", async () => {
    const clock = new FakeClock({ now: 0 });
    const ticks: number[] = [];
    const ac = new AbortController();
    const loop = (async () => {
      try {
        for (;;) {
          await clock.sleep(100, ac.signal);
          ticks.push(clock.now());
        }
      } catch {
        // aborted
      }
    })();
    await clock.untilTimers(1);
    await clock.advance(350);
    assert.deepEqual(ticks, [100, 200, 300]);
    ac.abort();
    await loop;
  });
});

describe("realClock", () => {
  it("sleeps and can be aborted", async () => {
    const start = realClock.now();
    await realClock.sleep(5);
    assert.ok(realClock.now() - start >= 4);
    const ac = new AbortController();
    const p = realClock.sleep(10_000, ac.signal);
    ac.abort();
    await assert.rejects(p, { name: "AbortError" });
  });
});
