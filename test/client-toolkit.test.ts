import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { EventRecorder, FakeClock, InformerFactory, resources } from "../src/client/index.js";
import { startTestApiServer, type TestApiServer } from "./harness/index.js";

describe("controller toolkit against a real API server", () => {
  let server: TestApiServer;
  before(async () => {
    server = await startTestApiServer({ store: "memory" });
  });
  after(async () => {
    await server.close();
  });

  it("records an Event about an object and counts repeats instead of duplicating", async () => {
    const cm = await server.client.create(resources.configmaps, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "ev", namespace: "default" } });
    const clock = new FakeClock({ now: Date.parse("2026-01-01T00:00:00Z") });
    const events = new EventRecorder({ client: server.client, component: "test-controller", clock });
    events.event(cm, "Warning", "Broken", "it broke");
    clock.step(1000);
    events.event(cm, "Warning", "Broken", "it broke");
    events.event(cm, "Normal", "Fixed", "it works");
    await events.flush();
    const list = await server.client.list(resources.events, { namespace: "default", fieldSelector: "involvedObject.name=ev" });
    const byReason = Object.fromEntries(list.items.map((e) => [e.reason as string, e]));
    assert.deepEqual(Object.keys(byReason).sort(), ["Broken", "Fixed"]);
    assert.equal(byReason.Broken.count, 2);
    assert.equal(byReason.Broken.firstTimestamp, "2026-01-01T00:00:00Z");
    assert.equal(byReason.Broken.lastTimestamp, "2026-01-01T00:00:01Z");
    assert.deepEqual(byReason.Broken.involvedObject, { kind: "ConfigMap", namespace: "default", name: "ev", uid: cm.metadata.uid, apiVersion: "v1", resourceVersion: cm.metadata.resourceVersion });
    assert.deepEqual(byReason.Broken.source, { component: "test-controller" });
  });

  it("shares one informer per resource and starts late comers", async () => {
    const stop = new AbortController();
    const factory = new InformerFactory({ client: server.client });
    const a = factory.informer(resources.namespaces);
    assert.equal(factory.informer(resources.namespaces), a);
    factory.start(stop.signal);
    const late = factory.informer(resources.configmaps);
    await factory.waitForSync(stop.signal);
    assert.ok(a.get("default"));
    assert.ok(late.hasSynced());
    stop.abort();
  });
});
