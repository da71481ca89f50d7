// The Priority admission plugin and the scheduling.k8s.io/v1 PriorityClass API
// (plugin/pkg/admission/priority, pkg/apis/scheduling/validation).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Pod, PriorityClass } from "../../src/api/index.js";
import { priorityAdmission } from "../../src/apiserver/index.js";
import { resources, type Client } from "../../src/client/index.js";
import { isApiError } from "../../src/machinery/index.js";
import { startTestApiServer, type TestApiServer } from "../harness/index.js";
import { createNamespace, expectForbidden, pod } from "./_helpers.js";

const ns = "prio";
const pc = (name: string, value: number, extra: Partial<PriorityClass> = {}): PriorityClass => ({ apiVersion: "scheduling.k8s.io/v1", kind: "PriorityClass", metadata: { name }, value, ...extra });

describe("Priority admission and PriorityClasses", () => {
  let server: TestApiServer;
  let client: Client;
  before(async () => {
    server = await startTestApiServer({ store: "memory", admission: [priorityAdmission] });
    client = server.client;
    await createNamespace(client, ns);
  });
  after(() => server.close());

  it("has the built-in system classes from the start", async () => {
    const node = (await client.get(resources.priorityclasses, "system-node-critical")) as PriorityClass;
    const cluster = (await client.get(resources.priorityclasses, "system-cluster-critical")) as PriorityClass;
    assert.equal(node.value, 2000001000);
    assert.equal(cluster.value, 2000000000);
    assert.equal(node.preemptionPolicy, "PreemptLowerPriority");
  });

  it("gives pods without a class priority 0 and PreemptLowerPriority", async () => {
    const created = (await client.create(resources.pods, pod("plain", ns))) as Pod;
    assert.equal(created.spec!.priority, 0);
    assert.equal(created.spec!.preemptionPolicy, "PreemptLowerPriority");
    assert.equal(created.spec!.priorityClassName, undefined);
  });

  it("gives pods their class's value and preemption policy", async () => {
    await client.create(resources.priorityclasses, pc("high", 1000, { preemptionPolicy: "Never", description: "d" }));
    const created = (await client.create(resources.pods, pod("high", ns, { priorityClassName: "high" }))) as Pod;
    assert.equal(created.spec!.priority, 1000);
    assert.equal(created.spec!.preemptionPolicy, "Never");
    const critical = (await client.create(resources.pods, pod("crit", ns, { priorityClassName: "system-node-critical" }))) as Pod;
    assert.equal(critical.spec!.priority, 2000001000);
  });

  it("refuses an unknown class and a contradicting priority with upstream's messages", async () => {
    await expectForbidden(() => client.create(resources.pods, pod("unknown", ns, { priorityClassName: "nope" })), 'pods "unknown" is forbidden: no PriorityClass with name nope was found');
    await expectForbidden(
      () => client.create(resources.pods, pod("liar", ns, { priorityClassName: "high", priority: 5 })),
      'pods "liar" is forbidden: the integer value of priority (5) must not be provided in pod spec; priority admission controller computed 1000 from the given PriorityClass name',
    );
  });

  it("uses the globalDefault class for pods without one, and allows only one default", async () => {
    await client.create(resources.priorityclasses, pc("default-prio", 10, { globalDefault: true }));
    const created = (await client.create(resources.pods, pod("defaulted", ns))) as Pod;
    assert.equal(created.spec!.priorityClassName, "default-prio");
    assert.equal(created.spec!.priority, 10);
    await expectForbidden(() => client.create(resources.priorityclasses, pc("second-default", 20, { globalDefault: true })), 'priorityclasses.scheduling.k8s.io "second-default" is forbidden: PriorityClass default-prio is marked as default. Only one default can exist');
    await client.delete(resources.priorityclasses, "default-prio");
  });

  it("validates classes as upstream: reserved prefix, user maximum, immutable value", async () => {
    const invalid = async (obj: PriorityClass, message: string) => {
      await assert.rejects(client.create(resources.priorityclasses, obj), (err: unknown) => isApiError(err) && err.code === 422 && err.message === message);
    };
    await invalid(pc("system-mine", 5), `PriorityClass.scheduling.k8s.io "system-mine" is invalid: metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: system-mine is not a known system priority class`);
    await invalid(pc("huge", 1_000_000_001), `PriorityClass.scheduling.k8s.io "huge" is invalid: value: Forbidden: maximum allowed value of a user defined priority is 1000000000`);
    const low = (await client.create(resources.priorityclasses, pc("low", 1))) as PriorityClass;
    await assert.rejects(client.update(resources.priorityclasses, { ...low, value: 2 }), (err: unknown) => isApiError(err) && err.code === 422 && /value: Forbidden: may not be changed in an update\./.test(err.message));
    const patched = (await client.update(resources.priorityclasses, { ...low, description: "changed" })) as PriorityClass;
    assert.equal(patched.description, "changed");
  });
});
