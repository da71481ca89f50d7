// LimitRanger against the in-process API server (plugin/pkg/admission/limitranger and
// test/e2e/scheduling/limit_range.go's expectations).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Pod } from "../../src/api/index.js";
import { limitRanger } from "../../src/apiserver/index.js";
import { resources, type Client } from "../../src/client/index.js";
import { startTestApiServer, type TestApiServer } from "../harness/index.js";
import { createNamespace, expectForbidden, pod } from "./_helpers.js";

const ns = "limits";

describe("LimitRanger admission", () => {
  let server: TestApiServer;
  let client: Client;
  before(async () => {
    server = await startTestApiServer({ store: "memory", admission: [limitRanger] });
    client = server.client;
    await createNamespace(client, ns);
    await client.create(resources.limitranges, {
      apiVersion: "v1",
      kind: "LimitRange",
      metadata: { name: "limits", namespace: ns },
      spec: {
        limits: [
          { type: "Container", min: { cpu: "50m", memory: "50Mi" }, max: { cpu: "500m", memory: "500Mi" }, defaultRequest: { cpu: "100m", memory: "200Mi" }, default: { cpu: "300m", memory: "300Mi" }, maxLimitRequestRatio: { cpu: "4" } },
          { type: "Pod", max: { cpu: "800m" } },
        ],
      },
    });
  });
  after(() => server.close());

  it("fills missing requests and limits from the defaults and records what it set", async () => {
    const created = (await client.create(resources.pods, pod("defaults", ns))) as Pod;
    assert.deepEqual(created.spec?.containers[0].resources, { requests: { cpu: "100m", memory: "200Mi" }, limits: { cpu: "300m", memory: "300Mi" } });
    assert.equal(created.metadata.annotations?.["kubernetes.io/limit-ranger"], "LimitRanger plugin set: cpu, memory request for container app; cpu, memory limit for container app");
  });

  it("keeps what the pod states and defaults only the rest, init containers included", async () => {
    const p = pod("partial", ns, {
      containers: [{ name: "app", image: "busybox", resources: { requests: { cpu: "200m" }, limits: { cpu: "400m" } } }],
      initContainers: [{ name: "init", image: "busybox" }],
    });
    const created = (await client.create(resources.pods, p)) as Pod;
    assert.deepEqual(created.spec?.containers[0].resources, { requests: { cpu: "200m", memory: "200Mi" }, limits: { cpu: "400m", memory: "300Mi" } });
    assert.deepEqual(created.spec?.initContainers?.[0].resources?.requests, { cpu: "100m", memory: "200Mi" });
    assert.equal(created.metadata.annotations?.["kubernetes.io/limit-ranger"], "LimitRanger plugin set: memory request for container app; memory limit for container app; cpu, memory request for init container init; cpu, memory limit for init container init");
  });

  it("refuses a container below min with upstream's message", async () => {
    const p = pod("small", ns, { containers: [{ name: "app", image: "busybox", resources: { requests: { cpu: "10m", memory: "100Mi" }, limits: { cpu: "20m" } } }] });
    await expectForbidden(() => client.create(resources.pods, p), 'pods "small" is forbidden: minimum cpu usage per Container is 50m, but request is 10m');
    await assert.rejects(client.get(resources.pods, "small", { namespace: ns }), /not found/);
  });

  it("refuses a container above max, listing every violation", async () => {
    const p = pod("big", ns, { containers: [{ name: "app", image: "busybox", resources: { requests: { cpu: "100m", memory: "100Mi" }, limits: { cpu: "600m", memory: "1Gi" } } }] });
    await expectForbidden(
      () => client.create(resources.pods, p),
      'pods "big" is forbidden: [maximum cpu usage per Container is 500m, but limit is 600m, maximum memory usage per Container is 500Mi, but limit is 1Gi, cpu max limit to request ratio per Container is 4, but provided ratio is 6.000000]',
    );
  });

  it("checks the pod's total against Pod items", async () => {
    const c = (name: string) => ({ name, image: "busybox", resources: { requests: { cpu: "300m" }, limits: { cpu: "450m" } } });
    await expectForbidden(() => client.create(resources.pods, pod("total", ns, { containers: [c("a"), c("b")] })), 'pods "total" is forbidden: maximum cpu usage per Pod is 800m, but limit is 900m');
  });

  it("leaves pods in namespaces without LimitRanges alone", async () => {
    await createNamespace(client, "free");
    const created = (await client.create(resources.pods, pod("free", "free"))) as Pod;
    assert.equal(created.spec?.containers[0].resources?.requests, undefined);
    assert.equal(created.metadata.annotations?.["kubernetes.io/limit-ranger"], undefined);
  });
});
