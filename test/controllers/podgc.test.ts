// The pod garbage collector against the real API server (in-memory store) on a FakeClock,
// as pkg/controller/podgc's tests: terminated pods over the threshold (oldest first),
// pods on nodes that are gone (after the quarantine), terminating pods on out-of-service nodes.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Pod } from "../../src/api/index.js";
import { FakeClock, InformerFactory, resources, type Client } from "../../src/client/index.js";
import { PodGCController } from "../../src/controllers/podgc/index.js";
import { startTestApiServer, type TestApiServer } from "../harness/index.js";
import { createNode, createPod, eventually, getOrUndefined } from "./_controller-helpers.js";

const ns = "default";

describe("pod garbage collector", () => {
  let server: TestApiServer;
  let client: Client;
  const clock = new FakeClock();
  const stop = new AbortController();
  let running: Promise<void>;
  let gc: PodGCController;

  const exists = async (name: string): Promise<boolean> => !!(await getOrUndefined(client, resources.pods, name, ns));
  const finish = async (name: string, phase: "Succeeded" | "Failed"): Promise<void> => {
    await client.patch(resources.pods, name, { status: { phase } }, { namespace: ns, type: "merge", subresource: "status" });
  };
  const pass = async (): Promise<void> => {
    await new Promise((r) => setTimeout(r, 50));
    await clock.advance(20_000);
    await new Promise((r) => setTimeout(r, 50));
  };

  before(async () => {
    server = await startTestApiServer({ store: "memory" });
    client = server.client;
    await createNode(client, "alive");
    const informers = new InformerFactory({ client, clock });
    gc = new PodGCController({ client, informers, clock, terminatedPodThreshold: 2 });
    running = gc.start(stop.signal);
    informers.start(stop.signal);
    await informers.waitForSync(stop.signal);
  });
  after(async () => {
    stop.abort();
    await running;
    await server.close();
  });

  it("deletes the oldest terminated pods over the threshold", async () => {
    for (const name of ["done-a", "done-b", "done-c", "done-d"]) {
      await createPod(client, ns, name, { nodeName: "alive" });
      await finish(name, name === "done-b" ? "Failed" : "Succeeded");
    }
    await createPod(client, ns, "running", { nodeName: "alive" });
    await pass();
    await eventually("two are left", async () => !(await exists("done-a")) && !(await exists("done-b")));
    assert.ok(await exists("done-c"));
    assert.ok(await exists("done-d"));
    assert.ok(await exists("running"));
  });

  it("deletes pods bound to a node that does not exist, after the quarantine, marked Failed", async () => {
    await createPod(client, ns, "orphan", { nodeName: "ghost" });
    await pass(); // first seen missing
    await pass(); // 20 s: still in quarantine
    assert.ok(await exists("orphan"));
    const seen: Pod[] = [];
    const watch = (async () => {
      for await (const ev of client.watch(resources.pods, { namespace: ns, fieldSelector: "metadata.name=orphan", signal: stop.signal })) {
        if (ev.type === "MODIFIED") seen.push(ev.object as Pod);
        if (ev.type === "DELETED") return;
      }
    })();
    await pass(); // 40 s
    await eventually("orphan is gone", async () => !(await exists("orphan")));
    await watch;
    const failed = seen.find((p) => p.status?.phase === "Failed");
    assert.equal(failed?.status?.conditions?.find((c) => c.type === "DisruptionTarget")?.message, "PodGC: node no longer exists");
  });

  it("force-deletes terminating pods on a not-ready node with the out-of-service taint", async () => {
    await createNode(client, "broken", { ready: "False", taints: [{ key: "node.kubernetes.io/out-of-service", value: "nodeshutdown", effect: "NoExecute" }] });
    await createNode(client, "slow", { ready: "False" });
    await createPod(client, ns, "stuck", { nodeName: "broken" });
    await createPod(client, ns, "waiting", { nodeName: "slow" });
    await client.delete(resources.pods, "stuck", { namespace: ns });
    await client.delete(resources.pods, "waiting", { namespace: ns });
    assert.ok(await exists("stuck"), "a graceful delete waits for the kubelet");
    await pass();
    await eventually("stuck is gone", async () => !(await exists("stuck")));
    assert.ok(await exists("waiting"), "without the out-of-service taint the pod waits");
  });
});
