import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { FakeClock } from "./clock.js";
import { WorkQueue } from "./workqueue.js";
import { ExponentialRateLimiter, BucketRateLimiter, defaultControllerRateLimiter } from "./rate-limiter.js";
import { runWorkers, TerminalError } from "./workers.js";

describe("WorkQueue", () => {
  it("hands keys out in FIFO order and dedups keys already waiting", async () => {
    const q = new WorkQueue({ clock: new FakeClock() });
    q.add("a");
    q.add("b");
    q.add("a");
    assert.equal(q.len(), 2);
    assert.equal(await q.get(), "a");
    assert.equal(await q.get(), "b");
    assert.equal(q.len(), 0);
  });

  it("does not hand out a key being processed; re-queues it after done if it was added meanwhile", async () => {
    const q = new WorkQueue({ clock: new FakeClock() });
    q.add("a");
    const key = await q.get();
    assert.equal(key, "a");
    q.add("a");
    q.add("a");
    assert.equal(q.len(), 0, "a dirty key in flight is not queued");
    q.done("a");
    assert.equal(q.len(), 1);
    assert.equal(await q.get(), "a");
    q.done("a");
    assert.equal(q.len(), 0);
  });

  it("wakes a waiting get when a key arrives", async () => {
    const q = new WorkQueue({ clock: new FakeClock() });
    const got = q.get();
    q.add("x");
    assert.equal(await got, "x");
  });

  it("resolves undefined from get when the signal aborts", async () => {
    const q = new WorkQueue({ clock: new FakeClock() });
    const ac = new AbortController();
    const got = q.get(ac.signal);
    ac.abort();
    assert.equal(await got, undefined);
    q.add("later");
    assert.equal(await q.get(), "later", "an aborted getter does not swallow keys");
  });

  it("drains then returns undefined after shutDown, and ignores new adds", async () => {
    const q = new WorkQueue({ clock: new FakeClock() });
    q.add("a");
    const waiting = new WorkQueue({ clock: new FakeClock() });
    const pending = waiting.get();
    waiting.shutDown();
    assert.equal(await pending, undefined);
    q.shutDown();
    q.add("b");
    assert.equal(await q.get(), "a");
    assert.equal(await q.get(), undefined);
  });

  it("adds a key after a delay on the clock, earliest delay winning", async () => {
    const clock = new FakeClock();
    const q = new WorkQueue({ clock });
    q.addAfter("a", 1000);
    q.addAfter("a", 500);
    q.addAfter("a", 2000);
    assert.equal(q.len(), 0);
    clock.step(499);
    assert.equal(q.len(), 0);
    clock.step(1);
    assert.equal(q.len(), 1);
    clock.step(5000);
    assert.equal(q.len(), 1, "the later delays were dropped");
    q.addAfter("b", 0);
    assert.equal(q.len(), 2);
  });

  it("cancels delayed adds on shutDown", () => {
    const clock = new FakeClock();
    const q = new WorkQueue({ clock });
    q.addAfter("a", 1000);
    assert.equal(clock.pendingTimers(), 1);
    q.shutDown();
    assert.equal(clock.pendingTimers(), 0);
  });

  it("backs off per key exponentially with addRateLimited and resets on forget", () => {
    const clock = new FakeClock();
    const q = new WorkQueue({ clock });
    q.addRateLimited("a"); // 5ms
    clock.step(4);
    assert.equal(q.len(), 0);
    clock.step(1);
    assert.equal(q.len(), 1);
    assert.equal(q.numRequeues("a"), 1);
    q.addRateLimited("b");
    q.addRateLimited("b"); // 10ms pending; the 5ms one earlier wins
    assert.equal(q.numRequeues("b"), 2);
    q.forget("a");
    assert.equal(q.numRequeues("a"), 0);
  });
});

describe("rate limiters", () => {
  it("doubles per item from 5ms and caps at 1000s", () => {
    const l = new ExponentialRateLimiter({ baseMs: 5, maxMs: 1_000_000 });
    const delays = Array.from({ length: 5 }, () => l.when("k"));
    assert.deepEqual(delays, [5, 10, 20, 40, 80]);
    for (let i = 0; i < 40; i++) l.when("k");
    assert.equal(l.when("k"), 1_000_000);
    assert.equal(l.when("other"), 5, "items back off independently");
    l.forget("k");
    assert.equal(l.when("k"), 5);
  });

  it("lets a burst of 100 through, then 10 per second", () => {
    const clock = new FakeClock();
    const l = new BucketRateLimiter({ qps: 10, burst: 100, clock });
    for (let i = 0; i < 100; i++) assert.equal(l.when(), 0);
    assert.equal(l.when(), 100);
    assert.equal(l.when(), 200);
    clock.step(1000);
    // 10 tokens came back, 2 were borrowed: the next 8 are free.
    for (let i = 0; i < 8; i++) assert.equal(l.when(), 0);
    assert.equal(l.when(), 100);
  });

  it("the default controller limiter takes the larger of both", () => {
    const clock = new FakeClock();
    const l = defaultControllerRateLimiter(clock);
    assert.equal(l.when("a"), 5);
    for (let i = 0; i < 99; i++) l.when(`k${i}`);
    assert.equal(l.when("b"), 100, "bucket empty: 100ms beats b's 5ms");
  });
});

describe("runWorkers", () => {
  it("reconciles each key, retries throws with back-off, drops TerminalError, honours requeueAfterMs", async () => {
    const clock = new FakeClock();
    const q = new WorkQueue({ clock });
    const ac = new AbortController();
    const calls: string[] = [];
    let flaky = 0;
    const errors: string[] = [];
    const done = runWorkers(
      q,
      async (key) => {
        calls.push(key);
        if (key === "flaky" && flaky++ < 2) throw new Error("try again");
        if (key === "bad") throw new TerminalError("never");
        if (key === "periodic") return { requeueAfterMs: 60_000 };
      },
      { workers: 2, signal: ac.signal, onError: (key) => errors.push(key) },
    );
    q.add("flaky");
    q.add("bad");
    q.add("periodic");
    await clock.advance(0);
    assert.deepEqual(calls.sort(), ["bad", "flaky", "periodic"]);
    await clock.advance(5);
    assert.equal(calls.filter((k) => k === "flaky").length, 2);
    await clock.advance(10);
    assert.equal(calls.filter((k) => k === "flaky").length, 3);
    assert.equal(q.numRequeues("flaky"), 0, "success forgets the back-off");
    assert.deepEqual(errors, ["flaky", "bad", "flaky"]);
    await clock.advance(60_000);
    assert.equal(calls.filter((k) => k === "periodic").length, 2);
    assert.equal(calls.filter((k) => k === "bad").length, 1);
    ac.abort();
    await done;
    assert.equal(clock.pendingTimers(), 0);
  });

  it("never runs one key on two workers at once", async () => {
    const q = new WorkQueue({ clock: new FakeClock() });
    const ac = new AbortController();
    let running = 0;
    let maxRunning = 0;
    let count = 0;
    const done = runWorkers(
      q,
      async () => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        await new Promise((r) => setImmediate(r));
        if (++count < 5) q.add("same");
        running--;
      },
      { workers: 4, signal: ac.signal },
    );
    q.add("same");
    while (count < 5) await new Promise((r) => setImmediate(r));
    ac.abort();
    await done;
    assert.equal(maxRunning, 1);
  });
});
