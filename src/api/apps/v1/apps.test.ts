import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { fieldErrorMessage } from "../../../machinery/index.js";
import type { KubeObject } from "../../object.js";
import type { WriteContext } from "../../resource-type.js";
import { daemonSetsResource, deploymentsResource, replicaSetsResource, statefulSetsResource } from "./index.js";
import type { DaemonSet, Deployment, StatefulSet } from "./index.js";

const create: WriteContext = { operation: "create", subresource: "" };
const update: WriteContext = { operation: "update", subresource: "" };
const now = new Date("2024-01-01T01:00:00Z");

function deployment(extra: Record<string, unknown> = {}): Deployment {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web", namespace: "default", creationTimestamp: "2024-01-01T00:00:00Z" },
    spec: {
      selector: { matchLabels: { app: "web" } },
      template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "nginx", image: "nginx:1.25" }] } },
      ...extra,
    },
  };
}

function errors(rt: typeof deploymentsResource, obj: KubeObject, old?: KubeObject, ctx = create): string[] {
  rt.strategy?.defaults?.(obj);
  return (rt.strategy?.validate?.(obj, old, ctx) ?? []).map(fieldErrorMessage);
}

describe("deployments", () => {
  it("defaults replicas, strategy, history limit, progress deadline and the pod template", () => {
    const d = deployment();
    deploymentsResource.strategy?.defaults?.(d);
    assert.equal(d.spec?.replicas, 1);
    assert.deepEqual(d.spec?.strategy, { type: "RollingUpdate", rollingUpdate: { maxUnavailable: "25%", maxSurge: "25%" } });
    assert.equal(d.spec?.revisionHistoryLimit, 10);
    assert.equal(d.spec?.progressDeadlineSeconds, 600);
    const pod = d.spec?.template.spec as unknown as Record<string, unknown>;
    assert.equal(pod.restartPolicy, "Always");
    assert.equal(pod.dnsPolicy, "ClusterFirst");
    assert.equal(pod.terminationGracePeriodSeconds, 30);
  });

  it("leaves a Recreate strategy without rolling update parameters", () => {
    const d = deployment({ strategy: { type: "Recreate" } });
    assert.deepEqual(errors(deploymentsResource, d), []);
    assert.deepEqual(d.spec?.strategy, { type: "Recreate" });
  });

  it("accepts a well-formed deployment", () => {
    assert.deepEqual(errors(deploymentsResource, deployment()), []);
  });

  it("refuses a selector that does not match the template labels, in upstream's words", () => {
    const d = deployment({ selector: { matchLabels: { app: "other" } } });
    assert.deepEqual(errors(deploymentsResource, d), ['spec.template.metadata.labels: Invalid value: {"app":"web"}: `selector` does not match template `labels`']);
  });

  it("requires a selector and refuses an empty one", () => {
    const d = deployment();
    delete (d.spec as Partial<NonNullable<Deployment["spec"]>>).selector;
    assert.deepEqual(errors(deploymentsResource, d), ["spec.selector: Required value"]);
    assert.deepEqual(errors(deploymentsResource, deployment({ selector: {} })), ["spec.selector: Invalid value: {}: empty selector is invalid for deployment"]);
  });

  it("refuses negative replicas, a non-Always restartPolicy and an invalid name", () => {
    const d = deployment({ replicas: -1 });
    d.metadata.name = "Web_1";
    (d.spec!.template.spec as unknown as Record<string, unknown>).restartPolicy = "Never";
    const errs = errors(deploymentsResource, d);
    assert.ok(errs.some((e) => e.startsWith('metadata.name: Invalid value: "Web_1": a lowercase RFC 1123 subdomain')), errs.join("\n"));
    assert.ok(errs.includes("spec.replicas: Invalid value: -1: must be greater than or equal to 0"));
    assert.ok(errs.includes('spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"'));
  });

  it("refuses maxUnavailable and maxSurge both zero, and a progress deadline not above minReadySeconds", () => {
    const d = deployment({ strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: "0%" } }, minReadySeconds: 700 });
    assert.deepEqual(errors(deploymentsResource, d), [
      "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0",
      "spec.progressDeadlineSeconds: Invalid value: 600: must be greater than minReadySeconds",
    ]);
  });

  it("keeps the selector immutable on update", () => {
    const old = deployment();
    deploymentsResource.strategy?.defaults?.(old);
    const d = deployment({ selector: { matchLabels: { app: "web", tier: "x" } } });
    d.spec!.template.metadata!.labels!.tier = "x";
    assert.deepEqual(errors(deploymentsResource, d, old, update), ['spec.selector: Invalid value: {"matchLabels":{"app":"web","tier":"x"}}: field is immutable']);
  });

  it("prints NAME READY UP-TO-DATE AVAILABLE AGE, and CONTAINERS IMAGES SELECTOR when wide", () => {
    const d = deployment({ replicas: 3 });
    d.status = { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 };
    const table = deploymentsResource.strategy!.table!;
    assert.deepEqual(table.columns.map((c) => [c.name, c.priority]), [["Name", 0], ["Ready", 0], ["Up-to-date", 0], ["Available", 0], ["Age", 0], ["Containers", 1], ["Images", 1], ["Selector", 1]]);
    assert.deepEqual(table.cells(d, now), ["web", "2/3", 3, 2, "60m", "nginx", "nginx:1.25", "app=web"]);
  });
});

describe("replicasets", () => {
  it("defaults replicas to 1 and prints NAME DESIRED CURRENT READY AGE", () => {
    const rs = { ...deployment(), kind: "ReplicaSet" } as KubeObject;
    assert.deepEqual(errors(replicaSetsResource, rs), []);
    rs.status = { replicas: 1, readyReplicas: 0 };
    assert.deepEqual(replicaSetsResource.strategy!.table!.cells(rs, now).slice(0, 5), ["web", 1, 1, 0, "60m"]);
  });
});

describe("statefulsets", () => {
  it("defaults as upstream and prints NAME READY AGE", () => {
    const sts = { ...deployment({ serviceName: "web" }), kind: "StatefulSet" } as StatefulSet;
    assert.deepEqual(errors(statefulSetsResource, sts), []);
    assert.equal(sts.spec?.podManagementPolicy, "OrderedReady");
    assert.deepEqual(sts.spec?.updateStrategy, { type: "RollingUpdate", rollingUpdate: { partition: 0 } });
    assert.deepEqual(sts.spec?.persistentVolumeClaimRetentionPolicy, { whenDeleted: "Retain", whenScaled: "Retain" });
    assert.equal(sts.spec?.revisionHistoryLimit, 10);
    assert.deepEqual(statefulSetsResource.strategy!.table!.cells(sts, now).slice(0, 3), ["web", "0/1", "60m"]);
  });

  it("forbids changing fields other than the mutable ones", () => {
    const old = { ...deployment({ serviceName: "web" }), kind: "StatefulSet" } as StatefulSet;
    statefulSetsResource.strategy?.defaults?.(old);
    const sts = structuredClone(old);
    sts.spec!.serviceName = "other";
    sts.spec!.replicas = 5;
    assert.deepEqual(errors(statefulSetsResource, sts, old, update), [
      "spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
    ]);
  });
});

describe("daemonsets", () => {
  it("defaults a rolling update of one unavailable and no surge, and prints the node selector", () => {
    const ds = { ...deployment(), kind: "DaemonSet" } as DaemonSet;
    delete (ds.spec as unknown as Record<string, unknown>).replicas;
    ds.spec!.template.spec!.nodeSelector = { "kubernetes.io/os": "linux" };
    assert.deepEqual(errors(daemonSetsResource, ds), []);
    assert.deepEqual(ds.spec?.updateStrategy, { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
    ds.status = { desiredNumberScheduled: 2, currentNumberScheduled: 2, numberReady: 1, numberMisscheduled: 0, updatedNumberScheduled: 2, numberAvailable: 1 };
    assert.deepEqual(daemonSetsResource.strategy!.table!.cells(ds, now).slice(0, 8), ["web", 2, 2, 1, 2, 1, "kubernetes.io/os=linux", "60m"]);
  });
});
