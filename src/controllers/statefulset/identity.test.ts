import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { StatefulSet } from "../../api/index.js";
import { claimsFor, identityMatches, newStatefulSetPod, parentAndOrdinal } from "./identity.js";
import { equalRevision, newRevision, templateOf } from "./history.js";

const set: StatefulSet = {
  metadata: { name: "web", namespace: "ns", uid: "u1" },
  spec: {
    serviceName: "nginx",
    selector: { matchLabels: { app: "web" } },
    template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "c", image: "i" }], volumes: [{ name: "www", emptyDir: {} }, { name: "cfg", emptyDir: {} }] } },
    volumeClaimTemplates: [{ metadata: { name: "www" }, spec: { accessModes: ["ReadWriteOnce"] } }],
    persistentVolumeClaimRetentionPolicy: { whenDeleted: "Delete", whenScaled: "Retain" },
  },
};

describe("statefulset identity", () => {
  it("reads parent and ordinal from the name", () => {
    assert.deepEqual(parentAndOrdinal({ metadata: { name: "my-web-12" } }), { parent: "my-web", ordinal: 12 });
    assert.deepEqual(parentAndOrdinal({ metadata: { name: "web" } }), { parent: "", ordinal: -1 });
  });

  it("builds the pod of an ordinal: name, labels, hostname, subdomain, claim volumes first", () => {
    const pod = newStatefulSetPod(set, set.spec!.template, 2, "web-abc");
    assert.equal(pod.metadata.name, "web-2");
    assert.deepEqual(pod.metadata.labels, { app: "web", "statefulset.kubernetes.io/pod-name": "web-2", "apps.kubernetes.io/pod-index": "2", "controller-revision-hash": "web-abc" });
    assert.equal(pod.spec?.hostname, "web-2");
    assert.equal(pod.spec?.subdomain, "nginx");
    assert.deepEqual(pod.spec?.volumes, [{ name: "www", persistentVolumeClaim: { claimName: "www-web-2" } }, { name: "cfg", emptyDir: {} }]);
    assert.equal(identityMatches(set, pod), true);
    assert.equal(identityMatches(set, { ...pod, metadata: { ...pod.metadata, labels: { app: "web" } } }), false);
  });

  it("names claims <template>-<set>-<ordinal> with selector labels, owned by the set when whenDeleted is Delete", () => {
    const [claim] = claimsFor(set, 0);
    assert.deepEqual((claim as { metadata: unknown }).metadata, {
      name: "www-web-0",
      namespace: "ns",
      labels: { app: "web" },
      ownerReferences: [{ apiVersion: "apps/v1", kind: "StatefulSet", name: "web", uid: "u1", controller: true, blockOwnerDeletion: true }],
    });
  });
});

describe("statefulset revisions", () => {
  it("names a revision <set>-<hash>, changes the hash with the template or collision count, and gives the template back", () => {
    const a = newRevision(set, 1, 0);
    assert.match(a.metadata.name ?? "", /^web-[bcdfghjklmnpqrstvwxz2456789]+$/);
    assert.equal(a.metadata.labels?.["controller-revision-hash"], (a.metadata.name ?? "").slice(4));
    assert.notEqual(newRevision(set, 1, 1).metadata.name, a.metadata.name);
    const changed: StatefulSet = { ...set, spec: { ...set.spec!, template: { ...set.spec!.template, spec: { containers: [{ name: "c", image: "j" }] } } } };
    assert.notEqual(newRevision(changed, 2, 0).metadata.name, a.metadata.name);
    assert.equal(equalRevision(a, newRevision(set, 5, 0)), true);
    assert.deepEqual(templateOf(a, {}), set.spec!.template);
  });
});
