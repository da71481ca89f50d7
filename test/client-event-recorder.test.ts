// The EventRecorder's correlation (client-go's EventCorrelator: aggregation, count
// patches, per-object spam filter) against a real API server, time driven by a FakeClock.
// Writes are counted at the transport, the way the API server sees them.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { CoreV1Event, KubeObject } from "../src/api/index.js";
import { Client, EventRecorder, FakeClock, inProcessTransport, resources } from "../src/client/index.js";
import { startTestApiServer, type TestApiServer } from "./harness/index.js";

describe("EventRecorder correlation", () => {
  let server: TestApiServer;
  let writes = 0;
  let client: Client;
  before(async () => {
    server = await startTestApiServer({ store: "memory" });
    const inner = inProcessTransport(server.handler);
    client = new Client({
      transport: async (req) => {
        if (req.method === "POST" || req.method === "PATCH" || req.method === "PUT") writes++;
        return inner(req);
      },
    });
  });
  after(async () => {
    await server.close();
  });

  async function replicaSet(name: string): Promise<KubeObject> {
    return server.client.create(resources.replicasets, {
      apiVersion: "apps/v1",
      kind: "ReplicaSet",
      metadata: { name, namespace: "default" },
      spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: "c", image: "nginx" }] } } },
    } as KubeObject);
  }

  async function eventsAbout(name: string): Promise<CoreV1Event[]> {
    const list = await server.client.list(resources.events, { namespace: "default", fieldSelector: `involvedObject.name=${name}` });
    return list.items as CoreV1Event[];
  }

  function recorder(clock: FakeClock): EventRecorder {
    return new EventRecorder({ client, component: "replicaset-controller", clock });
  }

  it("aggregates similar events after 9, then limits the object to 25 writes until the bucket refills", async () => {
    const rs = await replicaSet("agg");
    const clock = new FakeClock({ now: Date.parse("2026-01-01T00:00:00Z") });
    const events = recorder(clock);
    writes = 0;
    for (let i = 1; i <= 30; i++) {
      events.event(rs, "Normal", "SuccessfulCreate", `Created pod: agg-${i}`);
      clock.step(1000);
    }
    await events.flush();
    assert.equal(writes, 25);
    let list = await eventsAbout("agg");
    const plain = list.filter((e) => !e.message?.startsWith("(combined"));
    const combined = list.filter((e) => e.message?.startsWith("(combined"));
    assert.deepEqual(plain.map((e) => e.message).sort(), Array.from({ length: 9 }, (_, i) => `Created pod: agg-${i + 1}`).sort());
    assert.ok(plain.every((e) => e.count === 1));
    assert.equal(combined.length, 1);
    // The 10th event created it; the 11th..25th patched it; 26..30 were dropped.
    assert.equal(combined[0].count, 16);
    assert.equal(combined[0].message, "(combined from similar events): Created pod: agg-25");
    assert.equal(combined[0].firstTimestamp, "2026-01-01T00:00:09Z");
    assert.equal(combined[0].lastTimestamp, "2026-01-01T00:00:24Z");
    assert.equal(combined[0].reason, "SuccessfulCreate");

    // One token comes back per 5 minutes: one more event goes through, the next does not.
    clock.step(300_000);
    events.event(rs, "Normal", "SuccessfulCreate", "Created pod: agg-31");
    events.event(rs, "Normal", "SuccessfulCreate", "Created pod: agg-32");
    await events.flush();
    assert.equal(writes, 26);
    list = await eventsAbout("agg");
    assert.equal(list.length, 10);
    const after = list.find((e) => e.message?.startsWith("(combined"));
    // As upstream, the count also tells of the 5 events dropped in between (26..30).
    assert.equal(after?.count, 22);
    assert.equal(after?.message, "(combined from similar events): Created pod: agg-31");
  });

  it("limits each object on its own", async () => {
    const a = await replicaSet("limit-a");
    const b = await replicaSet("limit-b");
    const clock = new FakeClock();
    const events = recorder(clock);
    writes = 0;
    for (let i = 0; i < 40; i++) events.event(a, "Warning", "FailedCreate", "quota exceeded");
    events.event(b, "Warning", "FailedCreate", "quota exceeded");
    events.event(b, "Normal", "SuccessfulCreate", "Created pod: limit-b-1");
    await events.flush();
    assert.equal(writes, 27);
    const aEvents = await eventsAbout("limit-a");
    assert.equal(aEvents.length, 1);
    assert.equal(aEvents[0].count, 25);
    const bEvents = await eventsAbout("limit-b");
    assert.deepEqual(bEvents.map((e) => [e.reason, e.count]).sort(), [
      ["FailedCreate", 1],
      ["SuccessfulCreate", 1],
    ]);
  });

  it("turns identical events into count patches of the first one", async () => {
    const rs = await replicaSet("same");
    const clock = new FakeClock({ now: Date.parse("2026-01-01T00:00:00Z") });
    const events = recorder(clock);
    writes = 0;
    for (let i = 0; i < 5; i++) {
      events.event(rs, "Warning", "FailedCreate", "forbidden");
      clock.step(2000);
    }
    await events.flush();
    assert.equal(writes, 5);
    const list = await eventsAbout("same");
    assert.equal(list.length, 1);
    assert.equal(list[0].count, 5);
    assert.equal(list[0].firstTimestamp, "2026-01-01T00:00:00Z");
    assert.equal(list[0].lastTimestamp, "2026-01-01T00:00:08Z");
    assert.equal(list[0].reportingComponent, "replicaset-controller");
  });

  it("creates the Event again when the one it would patch is gone", async () => {
    const rs = await replicaSet("gone");
    const clock = new FakeClock();
    const events = recorder(clock);
    events.event(rs, "Normal", "Scaled", "scaled");
    await events.flush();
    const [first] = await eventsAbout("gone");
    await server.client.delete(resources.events, first.metadata.name ?? "", { namespace: "default" });
    clock.step(1000);
    events.event(rs, "Normal", "Scaled", "scaled");
    await events.flush();
    const list = await eventsAbout("gone");
    assert.equal(list.length, 1);
    assert.equal(list[0].metadata.name, first.metadata.name);
    assert.equal(list[0].count, 2);
  });

  it("starts a new aggregation window when similar events are more than 10 minutes apart", async () => {
    const rs = await replicaSet("window");
    const clock = new FakeClock();
    const events = recorder(clock);
    for (let i = 1; i <= 5; i++) events.event(rs, "Normal", "SuccessfulCreate", `Created pod: window-${i}`);
    clock.step(600_001);
    for (let i = 6; i <= 10; i++) events.event(rs, "Normal", "SuccessfulCreate", `Created pod: window-${i}`);
    await events.flush();
    const list = await eventsAbout("window");
    assert.equal(list.length, 10);
    assert.ok(list.every((e) => !e.message?.startsWith("(combined")));
  });

  it("keeps the order of writes about one object while writing about others", async () => {
    const rs = await replicaSet("order");
    const others = await Promise.all([1, 2, 3].map((i) => replicaSet(`order-other-${i}`)));
    const clock = new FakeClock();
    const events = recorder(clock);
    for (let i = 0; i < 6; i++) {
      events.event(rs, "Normal", "Tick", "tick");
      for (const o of others) events.event(o, "Normal", "Tick", "tick");
      clock.step(1000);
    }
    await events.flush();
    // Had a patch overtaken the create, it would have found nothing and the counts would differ.
    for (const name of ["order", "order-other-1", "order-other-2", "order-other-3"]) {
      const list = await eventsAbout(name);
      assert.equal(list.length, 1, name);
      assert.equal(list[0].count, 6, name);
    }
  });
});
