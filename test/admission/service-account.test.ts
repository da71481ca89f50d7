// The ServiceAccount admission plugin: default ServiceAccount, the kube-api-access projected
// volume exactly as upstream (test/e2e/auth/service_accounts.go reads it), opt-outs, refusal.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Pod } from "../../src/api/index.js";
import { serviceAccountAdmission } from "../../src/apiserver/index.js";
import { resources, type Client } from "../../src/client/index.js";
import { startTestApiServer, type TestApiServer } from "../harness/index.js";
import { createNamespace, expectForbidden, pod } from "./_helpers.js";

const ns = "sa";
const mountPath = "/var/run/secrets/kubernetes.io/serviceaccount";

describe("ServiceAccount admission", () => {
  let server: TestApiServer;
  let client: Client;
  before(async () => {
    server = await startTestApiServer({ store: "memory", admission: [serviceAccountAdmission({ attempts: 2, retryIntervalMs: 10 })] });
    client = server.client;
    await createNamespace(client, ns);
  });
  after(() => server.close());

  it("names the default ServiceAccount and mounts the kube-api-access projected volume in every container", async () => {
    const p = pod("web", ns, { initContainers: [{ name: "init", image: "busybox" }], containers: [{ name: "a", image: "busybox" }, { name: "b", image: "busybox" }] });
    const created = (await client.create(resources.pods, p)) as Pod;
    const spec = created.spec!;
    assert.equal(spec.serviceAccountName, "default");
    assert.equal(spec.serviceAccount, "default");
    assert.equal(spec.volumes?.length, 1);
    const volume = spec.volumes![0];
    assert.match(volume.name, /^kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    assert.deepEqual(volume.projected, {
      defaultMode: 420,
      sources: [
        { serviceAccountToken: { path: "token", expirationSeconds: 3607 } },
        { configMap: { name: "kube-root-ca.crt", items: [{ key: "ca.crt", path: "ca.crt" }] } },
        { downwardAPI: { items: [{ path: "namespace", fieldRef: { apiVersion: "v1", fieldPath: "metadata.namespace" } }] } },
      ],
    });
    for (const c of [...spec.initContainers!, ...spec.containers]) {
      assert.deepEqual(c.volumeMounts, [{ name: volume.name, readOnly: true, mountPath }], c.name);
    }
  });

  it("leaves a container that already mounts something at the token path alone", async () => {
    const p = pod("own", ns, {
      volumes: [{ name: "mine", emptyDir: {} }],
      containers: [{ name: "a", image: "busybox", volumeMounts: [{ name: "mine", mountPath }] }, { name: "b", image: "busybox" }],
    });
    const created = (await client.create(resources.pods, p)) as Pod;
    assert.deepEqual(created.spec!.containers[0].volumeMounts, [{ name: "mine", mountPath }]);
    assert.equal(created.spec!.containers[1].volumeMounts?.[0].mountPath, mountPath);
    assert.equal(created.spec!.volumes?.length, 2);
  });

  it("mounts nothing when the pod or its ServiceAccount opts out, the pod's choice winning", async () => {
    await client.create(resources.serviceaccounts, { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "quiet", namespace: ns }, automountServiceAccountToken: false, imagePullSecrets: [{ name: "regcred" }] });
    const optedOutPod = (await client.create(resources.pods, pod("p1", ns, { automountServiceAccountToken: false }))) as Pod;
    assert.equal(optedOutPod.spec!.volumes, undefined);
    assert.equal(optedOutPod.spec!.containers[0].volumeMounts, undefined);
    const quietSA = (await client.create(resources.pods, pod("p2", ns, { serviceAccountName: "quiet" }))) as Pod;
    assert.equal(quietSA.spec!.volumes, undefined);
    assert.deepEqual(quietSA.spec!.imagePullSecrets, [{ name: "regcred" }]);
    const podWins = (await client.create(resources.pods, pod("p3", ns, { serviceAccountName: "quiet", automountServiceAccountToken: true }))) as Pod;
    assert.equal(podWins.spec!.volumes?.length, 1);
  });

  it("refuses a pod whose ServiceAccount does not exist, with upstream's message", async () => {
    await expectForbidden(
      () => client.create(resources.pods, pod("orphan", ns, { serviceAccountName: "ghost" })),
      'pods "orphan" is forbidden: error looking up service account sa/ghost: serviceaccount "ghost" not found',
    );
    await createNamespace(client, "no-default", undefined, false);
    await expectForbidden(() => client.create(resources.pods, pod("early", "no-default")), 'pods "early" is forbidden: error looking up service account no-default/default: serviceaccount "default" not found');
  });

  it("does not touch pods on update", async () => {
    const created = (await client.create(resources.pods, pod("upd", ns))) as Pod;
    const updated = (await client.update(resources.pods, { ...created, metadata: { ...created.metadata, labels: { a: "b" } } })) as Pod;
    assert.deepEqual(updated.spec!.volumes, created.spec!.volumes);
  });
});
