// The namespace controller against the real API server (in-memory store), as
// test/e2e/apimachinery/namespace.go checks: deleting a namespace removes what is in it,
// then the namespace.
import { after, afterEach, before, beforeEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { KubeObject, Namespace, NamespaceCondition } from "../../src/api/index.js";
import { isApiError } from "../../src/machinery/index.js";
import { FakeClock, resources, type Client, type Resource } from "../../src/client/index.js";
import { NamespaceController } from "../../src/controllers/namespace/index.js";
import { startControllers } from "../../src/cmd/controllers.js";
import { startTestApiServer, type TestApiServer } from "../harness/index.js";

async function exists(client: Client, res: Resource, name: string, namespace?: string): Promise<KubeObject | undefined> {
  try {
    return await client.get(res, name, { namespace });
  } catch (err) {
    if (isApiError(err) && err.code === 404) return undefined;
    throw err;
  }
}

async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) assert.fail(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const container = [{ name: "c", image: "busybox" }];

async function fillNamespace(client: Client, namespace: string): Promise<void> {
  await client.create(resources.namespaces, { metadata: { name: namespace } });
  await client.create(resources.configmaps, { metadata: { name: "settings", namespace }, data: { a: "1" } });
  await client.create(resources.pods, { metadata: { name: "loose", namespace }, spec: { containers: container } });
  await client.create(resources.deployments, {
    metadata: { name: "web", namespace },
    spec: { replicas: 1, selector: { matchLabels: { app: "web" } }, template: { metadata: { labels: { app: "web" } }, spec: { containers: container } } },
  });
}

function condition(ns: KubeObject | undefined, type: string): NamespaceCondition | undefined {
  return (ns as Namespace | undefined)?.status?.conditions?.find((c) => c.type === type);
}

describe("namespace controller", () => {
  let server: TestApiServer;
  let client: Client;
  let stop: AbortController;
  let running: Promise<void> | undefined;

  before(async () => {
    server = await startTestApiServer({ store: "memory" });
    client = server.client;
  });
  after(async () => {
    await server.close();
  });
  beforeEach(() => {
    stop = new AbortController();
    running = undefined;
  });
  afterEach(async () => {
    stop.abort();
    await running;
  });

  it("removes a deleted namespace's configmaps, pods and deployments, then the namespace", async () => {
    running = new NamespaceController({ client }).start(stop.signal);
    await fillNamespace(client, "doomed");
    await client.create(resources.configmaps, { metadata: { name: "settings", namespace: "default" } });

    const deleting = (await client.delete(resources.namespaces, "doomed")) as Namespace;
    assert.equal(deleting.status?.phase, "Terminating");
    await eventually("the namespace is gone", async () => !(await exists(client, resources.namespaces, "doomed")));
    for (const res of [resources.configmaps, resources.pods, resources.deployments]) {
      assert.deepEqual((await client.list(res, { namespace: "doomed" })).items, [], `${res.resource} are gone`);
    }
    assert.ok(await exists(client, resources.configmaps, "settings", "default"), "other namespaces are left alone");
  });

  it("keeps the namespace Terminating while an object's finalizer holds it, says why, and finishes once it is released", async () => {
    const clock = new FakeClock({ now: Date.now() });
    running = new NamespaceController({ client, clock }).start(stop.signal);
    await client.create(resources.namespaces, { metadata: { name: "held" } });
    await client.create(resources.configmaps, { metadata: { name: "held-cm", namespace: "held", finalizers: ["example.com/hold"] } });
    await client.delete(resources.namespaces, "held");

    await eventually("the namespace reports the remaining content", async () => {
      const ns = await exists(client, resources.namespaces, "held");
      return condition(ns, "NamespaceFinalizersRemaining")?.status === "True";
    });
    const ns = await exists(client, resources.namespaces, "held");
    assert.equal((ns as Namespace).status?.phase, "Terminating");
    assert.deepEqual((ns as Namespace).spec?.finalizers, ["kubernetes"]);
    assert.equal(condition(ns, "NamespaceContentRemaining")?.message, "Some resources are remaining: configmaps. has 1 resource instances");
    assert.equal(condition(ns, "NamespaceFinalizersRemaining")?.message, "Some finalizers are remaining: example.com/hold in 1 resource instances");
    assert.equal(condition(ns, "NamespaceDeletionContentFailure")?.status, "False");
    assert.ok((await exists(client, resources.configmaps, "held-cm", "held"))?.metadata.deletionTimestamp);

    await client.patch(resources.configmaps, "held-cm", { metadata: { finalizers: null } }, { type: "merge", namespace: "held" });
    // Upstream looks again after half the finalizer estimate (15 s) plus a second.
    await clock.advance(8_000);
    await eventually("the namespace is gone", async () => !(await exists(client, resources.namespaces, "held")));
  });

  it("leaves namespaces that are not being deleted alone", async () => {
    running = new NamespaceController({ client }).start(stop.signal);
    await fillNamespace(client, "kept");
    await new Promise((r) => setTimeout(r, 100));
    assert.ok(await exists(client, resources.configmaps, "settings", "kept"));
    assert.equal(((await exists(client, resources.namespaces, "kept")) as Namespace).status?.phase, "Active");
  });

  it("runs with the garbage collector under startControllers", async () => {
    running = startControllers({ client, signal: stop.signal });
    await fillNamespace(client, "together");
    const rs = await client.create(resources.replicasets, {
      metadata: { name: "web-1", namespace: "together" },
      spec: { replicas: 0, selector: { matchLabels: { app: "web" } }, template: { metadata: { labels: { app: "web" } }, spec: { containers: container } } },
    });
    await client.create(resources.pods, {
      metadata: { name: "web-1-a", namespace: "together", ownerReferences: [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: "web-1", uid: rs.metadata.uid ?? "", controller: true }] },
      spec: { containers: container },
    });
    await client.delete(resources.replicasets, "web-1", { namespace: "together" });
    await eventually("the garbage collector removes the ReplicaSet's pod", async () => !(await exists(client, resources.pods, "web-1-a", "together")));
    await client.delete(resources.namespaces, "together");
    await eventually("the namespace is gone", async () => !(await exists(client, resources.namespaces, "together")));
  });
});
