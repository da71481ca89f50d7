import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Pod } from "../../api/index.js";
import { FakeClock } from "../../client/index.js";
import { makePod } from "../_testing.js";
import { SchedulingQueue } from "./scheduling-queue.js";

const priorityOf = (p: Pod): number => p.spec?.priority ?? 0;

function setup() {
  const clock = new FakeClock();
  const stop = new AbortController();
  const queue = new SchedulingQueue({ priorityOf, clock });
  queue.start(stop.signal);
  return { clock, queue, stop };
}

async function popName(queue: SchedulingQueue): Promise<string | undefined> {
  const info = await queue.pop();
  return info?.pod.metadata.name;
}

describe("SchedulingQueue", () => {
  it("pops the highest priority first, then the oldest", async () => {
    const { queue, stop } = setup();
    queue.add(makePod("new-low", { priority: 0, created: "2026-01-01T00:00:02Z" }));
    queue.add(makePod("old-low", { priority: 0, created: "2026-01-01T00:00:01Z" }));
    queue.add(makePod("high", { priority: 100, created: "2026-01-01T00:00:03Z" }));
    assert.deepEqual([await popName(queue), await popName(queue), await popName(queue)], ["high", "old-low", "new-low"]);
    stop.abort();
  });

  it("pop waits for a pod, and returns undefined once stopped", async () => {
    const { queue, stop } = setup();
    const waiting = popName(queue);
    queue.add(makePod("late"));
    assert.equal(await waiting, "late");
    const never = queue.pop();
    stop.abort();
    assert.equal(await never, undefined);
  });

  it("backs off 1s doubling to 10s per attempt", () => {
    const { queue, stop } = setup();
    assert.deepEqual([1, 2, 3, 4, 5, 6].map((n) => queue.backoffDuration(n)), [1000, 2000, 4000, 8000, 10_000, 10_000]);
    stop.abort();
  });

  it("a pod that failed with an error waits out its back-off, then is active again", async () => {
    const { clock, queue, stop } = setup();
    queue.add(makePod("p"));
    const info = (await queue.pop())!;
    queue.addUnschedulable(info, []);
    assert.equal(queue.whereIs("default/p"), "backoff");
    clock.step(999);
    assert.equal(queue.whereIs("default/p"), "backoff");
    clock.step(1);
    assert.equal(queue.whereIs("default/p"), "active");
    const second = (await queue.pop())!;
    assert.equal(second.attempts, 2);
    queue.addUnschedulable(second, []);
    clock.step(1999);
    assert.equal(queue.whereIs("default/p"), "backoff");
    clock.step(1);
    assert.equal(queue.whereIs("default/p"), "active");
    stop.abort();
  });

  it("moves an unschedulable pod only for an event its rejecting plugins registered", async () => {
    const { clock, queue, stop } = setup();
    queue.add(makePod("p"));
    queue.addUnschedulable((await queue.pop())!, ["NodeResourcesFit"]);
    assert.equal(queue.whereIs("default/p"), "unschedulable");
    queue.moveOnEvent(new Set(["InterPodAffinity"]));
    assert.equal(queue.whereIs("default/p"), "unschedulable");
    queue.moveOnEvent(new Set(["NodeResourcesFit", "NodePorts"]));
    assert.equal(queue.whereIs("default/p"), "backoff"); // still within its 1s back-off
    clock.step(1000);
    assert.equal(queue.whereIs("default/p"), "active");
    stop.abort();
  });

  it("an event after the back-off ran out moves the pod straight to activeQ", async () => {
    const { clock, queue, stop } = setup();
    queue.add(makePod("p"));
    queue.addUnschedulable((await queue.pop())!, ["NodeAffinity"]);
    clock.step(5000);
    queue.moveOnEvent("all");
    assert.equal(queue.whereIs("default/p"), "active");
    stop.abort();
  });

  it("retries an unschedulable pod after 5 minutes without a helpful event", async () => {
    const { clock, queue, stop } = setup();
    queue.add(makePod("p"));
    queue.addUnschedulable((await queue.pop())!, ["NodeAffinity"]);
    clock.step(4 * 60_000 + 30_000);
    assert.equal(queue.whereIs("default/p"), "unschedulable");
    clock.step(30_000);
    assert.equal(queue.whereIs("default/p"), "active");
    stop.abort();
  });

  it("an event during the pod's cycle sends it to backoffQ, not unschedulable, so the event is not missed", async () => {
    const { queue, stop } = setup();
    queue.add(makePod("p"));
    const info = (await queue.pop())!;
    queue.moveOnEvent(new Set(["NodeResourcesFit"]));
    queue.addUnschedulable(info, ["NodeAffinity"]);
    assert.equal(queue.whereIs("default/p"), "backoff");
    stop.abort();
  });

  it("a spec change retries an unschedulable pod; a status change does not", async () => {
    const { clock, queue, stop } = setup();
    queue.add(makePod("p"));
    queue.addUnschedulable((await queue.pop())!, ["TaintToleration"]);
    clock.step(2000);
    queue.update(makePod("p"), false);
    assert.equal(queue.whereIs("default/p"), "unschedulable");
    queue.update(makePod("p", { tolerations: [{ operator: "Exists" }] }), true);
    assert.equal(queue.whereIs("default/p"), "active");
    assert.deepEqual((await queue.pop())!.pod.spec?.tolerations, [{ operator: "Exists" }]);
    stop.abort();
  });

  it("forgets a deleted pod, even one in its scheduling cycle", async () => {
    const { queue, stop } = setup();
    queue.add(makePod("p"));
    const info = (await queue.pop())!;
    queue.delete("default/p");
    queue.addUnschedulable(info, ["NodeAffinity"]);
    assert.equal(queue.whereIs("default/p"), undefined);
    assert.deepEqual(queue.stats(), { active: 0, backoff: 0, unschedulable: 0, inFlight: 0 });
    stop.abort();
  });
});
