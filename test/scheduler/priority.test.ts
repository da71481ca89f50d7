// PriorityResolver against the real API server: a pod's class's value from the server's
// scheduling.k8s.io/v1 PriorityClasses, else the built-in system classes, else spec.priority.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { KubeObject, Pod } from "../../src/api/index.js";
import { FakeClock, resources } from "../../src/client/index.js";
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

  it("uses the server's PriorityClasses, then the system classes, then spec.priority", async () => {
    await server.client.create(resources.priorityclasses, { apiVersion: "scheduling.k8s.io/v1", kind: "PriorityClass", metadata: { name: "high" }, value: 1000 } as KubeObject);
    const errors: unknown[] = [];
    const resolver = new PriorityResolver({ client: server.client, clock: new FakeClock(), onError: (err) => errors.push(err) });
    const stop = new AbortController();
    const running = resolver.start(stop.signal);
    const deadline = Date.now() + 5000;
    while (resolver.priorityOf(pod({ priorityClassName: "high" })) !== 1000 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    assert.equal(resolver.priorityOf(pod({ priorityClassName: "high", priority: 1 })), 1000);
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
