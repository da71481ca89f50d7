// PriorityResolver against the real API server: without a scheduling.k8s.io/v1
// PriorityClass resource on the server, spec.priority and the built-in system classes
// decide, and the missing resource is not reported as an error.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Pod } from "../../src/api/index.js";
import { FakeClock } from "../../src/client/index.js";
import { PriorityResolver } from "../../src/scheduler/index.js";
import { startTestApiServer, type TestApiServer } from "../harness/index.js";

const pod = (spec: Partial<NonNullable<Pod["spec"]>>): Pod => ({ metadata: { name: "p", namespace: "default" }, spec: { containers: [], ...spec } });

describe("PriorityResolver", () => {
  let server: TestApiServer;
  before(async () => {
    server = await startTestApiServer({ store: "memory" });
  });
  after(async () => {
    await server.close();
  });

  it("uses spec.priority and the system classes when the server has no PriorityClasses", async () => {
    const errors: unknown[] = [];
    const clock = new FakeClock();
    const resolver = new PriorityResolver({ client: server.client, clock, onError: (err) => errors.push(err) });
    const stop = new AbortController();
    const running = resolver.start(stop.signal);
    await clock.untilTimers(1); // it checked, found nothing, and sleeps before checking again
    assert.equal(resolver.priorityOf(pod({ priority: 7 })), 7);
    assert.equal(resolver.priorityOf(pod({ priorityClassName: "system-node-critical" })), 2_000_001_000);
    assert.equal(resolver.priorityOf(pod({ priorityClassName: "system-cluster-critical", priority: 5 })), 2_000_000_000);
    assert.equal(resolver.priorityOf(pod({ priorityClassName: "unknown", priority: 3 })), 3);
    assert.equal(resolver.priorityOf(pod({})), 0);
    stop.abort();
    await running;
    assert.deepEqual(errors, []);
  });
});
