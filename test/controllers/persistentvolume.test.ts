// The persistent volume controller and the local-path provisioner against a real
// in-process API server (with the built-in admission plugins, so DefaultStorageClass
// fills a claim's class): static binding both ways, Released under Retain, dynamic
// local-path volumes made on the node of the claim's pod, and deletion through the
// helper pod. Validation of claims and volumes with upstream's messages.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { PersistentVolume, PersistentVolumeClaim, Pod, StorageClass } from "../../src/api/index.js";
import { InformerFactory, resource, resources } from "../../src/client/index.js";
import { PersistentVolumeController } from "../../src/controllers/persistentvolume/index.js";
import { builtinAdmissionPlugins } from "../../src/apiserver/index.js";
import { isApiError } from "../../src/machinery/index.js";
import { startTestApiServer, type TestApiServer } from "../harness/index.js";
import { eventually } from "./_controller-helpers.js";

const pvs = resource<PersistentVolume>("", "v1", "persistentvolumes", "PersistentVolume", false);
const pvcs = resource<PersistentVolumeClaim>("", "v1", "persistentvolumeclaims", "PersistentVolumeClaim", true);
const classes = resource<StorageClass>("storage.k8s.io", "v1", "storageclasses", "StorageClass", false);
const pods = resource<Pod>("", "v1", "pods", "Pod", true);
const ns = "storage";

function claim(name: string, size: string, storageClassName?: string): PersistentVolumeClaim {
  return { apiVersion: "v1", kind: "PersistentVolumeClaim", metadata: { name, namespace: ns }, spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: size } }, ...(storageClassName !== undefined ? { storageClassName } : {}) } };
}

describe("persistent volume controller", () => {
  let api: TestApiServer;
  const stop = new AbortController();
  let done: Promise<void>;

  before(async () => {
    api = await startTestApiServer({ store: "memory", admission: builtinAdmissionPlugins() });
    await api.client.create(resources.namespaces, { apiVersion: "v1", kind: "Namespace", metadata: { name: ns } });
    for (const n of [ns, "kube-system"]) await api.client.create(resources.serviceaccounts, { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "default", namespace: n } }).catch(() => undefined);
    const informers = new InformerFactory({ client: api.client });
    done = new PersistentVolumeController({ client: api.client, informers, localPath: { nodePath: "/var/lib/k8ts-test/storage" } }).start(stop.signal);
    informers.start(stop.signal);
    await eventually("the default local-path StorageClass", async () => (await api.client.list(classes)).items.some((c) => c.metadata.name === "local-path"));
  });
  after(async () => {
    stop.abort();
    await done;
    await api.close();
  });

  it("refuses invalid claims and volumes with upstream's messages", async () => {
    await assert.rejects(
      () => api.client.create(pvcs, { apiVersion: "v1", kind: "PersistentVolumeClaim", metadata: { name: "bad", namespace: ns }, spec: {} }),
      (e: unknown) => isApiError(e) && e.code === 422 && /spec.accessModes: Required value: at least 1 access mode is required/.test(e.message) && /spec.resources\[storage\]: Required value/.test(e.message),
    );
    await assert.rejects(
      () => api.client.create(pvs, { apiVersion: "v1", kind: "PersistentVolume", metadata: { name: "bad" }, spec: { capacity: { storage: "1Gi" }, accessModes: ["ReadWriteOnce"] } }),
      (e: unknown) => isApiError(e) && e.code === 422 && /spec: Required value: must specify a volume type/.test(e.message),
    );
  });

  it("binds a claim to the smallest fitting Available volume, both ways; the volume is Released when the claim goes", async () => {
    for (const [name, size] of [["big", "10Gi"], ["small", "3Gi"], ["tiny", "1Gi"]] as const) {
      await api.client.create(pvs, { apiVersion: "v1", kind: "PersistentVolume", metadata: { name: `manual-${name}` }, spec: { capacity: { storage: size }, accessModes: ["ReadWriteOnce"], storageClassName: "manual", hostPath: { path: `/tmp/${name}` } } });
    }
    await eventually("volumes Available", async () => (await api.client.list(pvs)).items.filter((v) => v.status?.phase === "Available").length === 3);
    await api.client.create(pvcs, claim("data", "2Gi", "manual"));
    await eventually("the claim Bound", async () => (await api.client.get(pvcs, "data", { namespace: ns })).status?.phase === "Bound");
    const c = await api.client.get(pvcs, "data", { namespace: ns });
    assert.equal(c.spec?.volumeName, "manual-small");
    assert.deepEqual([c.status?.capacity?.storage, c.status?.accessModes], ["3Gi", ["ReadWriteOnce"]]);
    const v = await api.client.get(pvs, "manual-small");
    assert.deepEqual([v.status?.phase, v.spec?.claimRef?.name, v.spec?.claimRef?.uid], ["Bound", "data", c.metadata.uid]);

    await api.client.delete(pvcs, "data", { namespace: ns });
    await eventually("the volume Released", async () => (await api.client.get(pvs, "manual-small")).status?.phase === "Released");
  });

  it("local-path: a claim with no class gets the default, waits for its pod, then gets a volume on the pod's node; deletion goes through the helper pod", async () => {
    const made = await api.client.create(pvcs, claim("www", "1Gi"));
    assert.equal(made.spec?.storageClassName, "local-path", "DefaultStorageClass filled the class");
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await api.client.get(pvcs, "www", { namespace: ns })).status?.phase, "Pending", "WaitForFirstConsumer: no volume before a pod");

    await api.client.create(pods, { apiVersion: "v1", kind: "Pod", metadata: { name: "web", namespace: ns }, spec: { nodeName: "node-7", containers: [{ name: "c", image: "busybox" }], volumes: [{ name: "www", persistentVolumeClaim: { claimName: "www" } }] } });
    await eventually("the claim Bound", async () => (await api.client.get(pvcs, "www", { namespace: ns })).status?.phase === "Bound");
    const c = await api.client.get(pvcs, "www", { namespace: ns });
    const v = await api.client.get(pvs, c.spec!.volumeName!);
    assert.equal(v.metadata.name, `pvc-${c.metadata.uid}`);
    assert.equal(v.spec?.hostPath?.path, `/var/lib/k8ts-test/storage/pvc-${c.metadata.uid}_${ns}_www`);
    assert.deepEqual(v.spec?.nodeAffinity?.required?.nodeSelectorTerms, [{ matchExpressions: [{ key: "kubernetes.io/hostname", operator: "In", values: ["node-7"] }] }]);
    assert.deepEqual([v.spec?.persistentVolumeReclaimPolicy, v.spec?.storageClassName, v.metadata.annotations?.["pv.kubernetes.io/provisioned-by"]], ["Delete", "local-path", "k8ts.io/local-path"]);

    await api.client.delete(pods, "web", { namespace: ns, gracePeriodSeconds: 0 });
    await api.client.delete(pvcs, "www", { namespace: ns });
    const helperName = `helper-pod-delete-${v.metadata.name}`;
    await eventually("the helper pod", async () => {
      try {
        return !!(await api.client.get(pods, helperName, { namespace: "kube-system" }));
      } catch {
        return false;
      }
    });
    const helper = await api.client.get(pods, helperName, { namespace: "kube-system" });
    assert.equal(helper.spec?.nodeName, "node-7");
    assert.deepEqual(helper.spec?.containers[0]?.command, ["rm", "-rf", `/target/pvc-${c.metadata.uid}_${ns}_www`]);
    assert.equal(helper.spec?.volumes?.[0]?.hostPath?.path, "/var/lib/k8ts-test/storage");
    // The node's agent would run it: here it just succeeds.
    await api.client.updateStatus(pods, { ...helper, status: { ...helper.status, phase: "Succeeded" } });
    await eventually("the volume deleted", async () => {
      try {
        await api.client.get(pvs, v.metadata.name!);
        return false;
      } catch (e) {
        return isApiError(e) && e.code === 404;
      }
    });
  });
});
