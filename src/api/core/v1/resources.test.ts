import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { fieldErrorMessage } from "../../../machinery/index.js";
import type { KubeObject } from "../../object.js";
import type { ResourceType, WriteContext } from "../../resource-type.js";
import { configMapsResource } from "./configmap.js";
import { endpointsResource } from "./endpoints.js";
import { eventsResource } from "./event.js";
import { namespacesResource } from "./namespace.js";
import { nodesResource } from "./node.js";
import { limitRangesResource, resourceQuotasResource } from "./quota.js";
import { podTemplatesResource, replicationControllersResource } from "./replication-controller.js";
import { secretsResource } from "./secret.js";
import { serviceAccountsResource } from "./service-account.js";

const now = new Date("2024-01-02T00:00:00Z");
const created = "2024-01-01T00:00:00Z";
const create: WriteContext = { operation: "create", subresource: "" };

function obj(kind: string, fields: Record<string, unknown>, name = "x", namespace?: string): KubeObject {
  return { apiVersion: "v1", kind, metadata: { name, namespace, creationTimestamp: created }, ...fields };
}
const defaulted = (r: ResourceType, o: KubeObject): KubeObject => {
  r.strategy?.defaults?.(o);
  return o;
};
const messages = (r: ResourceType, o: KubeObject, old?: KubeObject, ctx = create): string[] => (r.strategy?.validate?.(o, old, ctx) ?? []).map(fieldErrorMessage);
const cells = (r: ResourceType, o: KubeObject): unknown[] => r.strategy!.table!.cells(o, now);

describe("namespaces", () => {
  it("start Active with the kubernetes finalizer and their name label", () => {
    const ns = defaulted(namespacesResource, obj("Namespace", {}, "team-a"));
    namespacesResource.strategy!.prepareForCreate!(ns);
    assert.deepEqual(ns.status, { phase: "Active" });
    assert.deepEqual(ns.spec, { finalizers: ["kubernetes"] });
    assert.equal(ns.metadata.labels?.["kubernetes.io/metadata.name"], "team-a");
  });

  it("use DNS labels as names", () => {
    assert.equal(messages(namespacesResource, obj("Namespace", {}, "a.b"))[0], 'metadata.name: Invalid value: "a.b": must not contain dots');
  });

  it("turn Terminating on delete until the finalizer is gone", () => {
    const ns = obj("Namespace", { spec: { finalizers: ["kubernetes"] }, status: { phase: "Active" } }, "team-a");
    const kept = namespacesResource.strategy!.onDelete!(ns);
    assert.equal((kept?.status as { phase: string }).phase, "Terminating");
    assert.equal(namespacesResource.strategy!.readyToDelete!(ns), false);
    const finalized = namespacesResource.subresources!.custom!.finalize.update!(ns, obj("Namespace", { spec: { finalizers: [] } }, "team-a"));
    assert.equal(namespacesResource.strategy!.readyToDelete!(finalized), true);
  });

  it("print NAME STATUS AGE", () => assert.deepEqual(cells(namespacesResource, obj("Namespace", { status: { phase: "Active" } }, "default")), ["default", "Active", "24h"]));
});

describe("nodes", () => {
  const node = obj("Node", {
    spec: { unschedulable: true },
    status: {
      capacity: { cpu: "4", memory: "8Gi", pods: "110" },
      conditions: [{ type: "Ready", status: "True" }],
      addresses: [{ type: "InternalIP", address: "192.168.1.10" }, { type: "Hostname", address: "n1" }],
      nodeInfo: { kubeletVersion: "v1.35.0", osImage: "Debian GNU/Linux 12", kernelVersion: "6.1.0", containerRuntimeVersion: "containerd://1.7" },
    },
  }, "n1");
  node.metadata.labels = { "node-role.kubernetes.io/control-plane": "", "kubernetes.io/hostname": "n1" };

  it("default allocatable to capacity", () => {
    const n = defaulted(nodesResource, structuredClone(node));
    assert.deepEqual((n.status as { allocatable: unknown }).allocatable, { cpu: "4", memory: "8Gi", pods: "110" });
  });

  it("print status, roles, version and the wide columns", () => {
    assert.deepEqual(cells(nodesResource, node), ["n1", "Ready,SchedulingDisabled", "control-plane", "24h", "v1.35.0", "192.168.1.10", "<none>", "Debian GNU/Linux 12", "6.1.0", "containerd://1.7"]);
  });

  it("select by spec.unschedulable", () => assert.equal(nodesResource.strategy!.fieldSelectors!["spec.unschedulable"](node), "true"));
  it("keep the status the kubelet sends on create", () => assert.equal(nodesResource.strategy!.keepStatusOnCreate, true));
});

describe("configmaps and secrets", () => {
  it("count data keys", () => {
    assert.deepEqual(cells(configMapsResource, obj("ConfigMap", { data: { a: "1", b: "2" }, binaryData: { c: "AA==" } })), ["x", 3, "24h"]);
  });

  it("refuse bad keys", () => {
    assert.deepEqual(messages(configMapsResource, obj("ConfigMap", { data: { "a b": "1" } })), [
      "data[a b]: Invalid value: \"a b\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name', or 'KEY_NAME', or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
    ]);
  });

  it("freeze data once immutable", () => {
    const old = obj("ConfigMap", { immutable: true, data: { a: "1" } });
    assert.deepEqual(messages(configMapsResource, obj("ConfigMap", { immutable: true, data: { a: "2" } }), old), ["data: Forbidden: field is immutable when `immutable` is set"]);
  });

  it("default secret type to Opaque and fold stringData into data", () => {
    const s = defaulted(secretsResource, obj("Secret", { stringData: { password: "hunter2" } }));
    assert.equal(s.type, "Opaque");
    assert.deepEqual(s.data, { password: Buffer.from("hunter2").toString("base64") });
    assert.equal(s.stringData, undefined);
    assert.deepEqual(cells(secretsResource, s), ["x", "Opaque", 1, "24h"]);
  });

  it("require the keys of typed secrets", () => {
    assert.deepEqual(messages(secretsResource, obj("Secret", { type: "kubernetes.io/tls", data: { "tls.crt": "AA==" } })), ["data[tls.key]: Required value"]);
  });

  it("select secrets by type", () => assert.equal(secretsResource.strategy!.fieldSelectors!.type(obj("Secret", { type: "Opaque" })), "Opaque"));

  it("print service accounts with their secret count", () => {
    assert.deepEqual(cells(serviceAccountsResource, obj("ServiceAccount", { secrets: [{ name: "t" }] }, "default")), ["default", 1, "24h"]);
  });
});

describe("endpoints and events", () => {
  it("print at most three endpoints", () => {
    const ep = obj("Endpoints", {
      subsets: [{ addresses: ["10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4"].map((ip) => ({ ip })), ports: [{ port: 80 }] }],
    });
    assert.deepEqual(cells(endpointsResource, ep), ["x", "10.0.0.1:80,10.0.0.2:80,10.0.0.3:80 + 1 more...", "24h"]);
    assert.deepEqual(cells(endpointsResource, obj("Endpoints", {})), ["x", "<none>", "24h"]);
  });

  it("default endpoint port protocols", () => {
    const ep = defaulted(endpointsResource, obj("Endpoints", { subsets: [{ addresses: [{ ip: "10.0.0.1" }], ports: [{ port: 80 }] }] }));
    assert.deepEqual(ep.subsets, [{ addresses: [{ ip: "10.0.0.1" }], ports: [{ port: 80, protocol: "TCP" }] }]);
  });

  it("print events as kubectl does", () => {
    const ev = obj("Event", {
      involvedObject: { kind: "Pod", name: "web-1", namespace: "default", fieldPath: "spec.containers{app}" },
      reason: "Pulled",
      message: "Successfully pulled image ",
      type: "Normal",
      source: { component: "kubelet", host: "n1" },
      firstTimestamp: "2024-01-01T23:00:00Z",
      lastTimestamp: "2024-01-01T23:55:00Z",
      count: 2,
    }, "web-1.abc", "default");
    assert.deepEqual(cells(eventsResource, ev), ["5m", "Normal", "Pulled", "pod/web-1", "spec.containers{app}", "kubelet, n1", "Successfully pulled image", "60m", 2, "web-1.abc"]);
    assert.equal(eventsResource.strategy!.fieldSelectors!["involvedObject.name"](ev), "web-1");
  });

  it("refuse an involved object in another namespace", () => {
    const ev = obj("Event", { involvedObject: { kind: "Pod", name: "p", namespace: "other" } }, "e", "default");
    assert.deepEqual(messages(eventsResource, ev), ['involvedObject.namespace: Invalid value: "other": does not match event.namespace']);
  });
});

describe("replication controllers and pod templates", () => {
  const template = { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "app", image: "nginx" }] } };

  it("default selector, labels, replicas and the template's pod spec", () => {
    const rc = defaulted(replicationControllersResource, obj("ReplicationController", { spec: { template: structuredClone(template) } }));
    const spec = rc.spec as { selector: unknown; replicas: number; template: { spec: { restartPolicy: string; containers: { imagePullPolicy: string }[] } } };
    assert.deepEqual(spec.selector, { app: "web" });
    assert.deepEqual(rc.metadata.labels, { app: "web" });
    assert.equal(spec.replicas, 1);
    assert.equal(spec.template.spec.restartPolicy, "Always");
    assert.equal(spec.template.spec.containers[0].imagePullPolicy, "Always");
    assert.deepEqual(messages(replicationControllersResource, rc), []);
  });

  it("refuse a selector that does not match the template", () => {
    const rc = defaulted(replicationControllersResource, obj("ReplicationController", { spec: { selector: { app: "db" }, template: structuredClone(template) } }));
    assert.deepEqual(messages(replicationControllersResource, rc), ['spec.template.metadata.labels: Invalid value: {"app":"web"}: `selector` does not match template `labels`']);
  });

  it("scale through spec.replicas and status.replicas", () => {
    assert.deepEqual(replicationControllersResource.subresources?.scale, { specReplicasPath: ".spec.replicas", statusReplicasPath: ".status.replicas" });
  });

  it("print pod templates", () => {
    const pt = obj("PodTemplate", { template });
    assert.deepEqual(cells(podTemplatesResource, pt), ["x", "app", "nginx", "app=web"]);
  });
});

describe("resource quotas and limit ranges", () => {
  it("print used/hard, limits apart", () => {
    const q = obj("ResourceQuota", { status: { hard: { pods: "10", "limits.cpu": "2", "requests.cpu": "1" }, used: { pods: "1", "requests.cpu": "500m" } } });
    assert.deepEqual(cells(resourceQuotasResource, q), ["x", "24h", "pods: 1/10, requests.cpu: 500m/1", "limits.cpu: 0/2"]);
  });

  it("refuse malformed quantities", () => {
    assert.equal(messages(resourceQuotasResource, obj("ResourceQuota", { spec: { hard: { cpu: "lots" } } })).length, 1);
  });

  it("default container limits from max and requests from defaults", () => {
    const lr = defaulted(limitRangesResource, obj("LimitRange", { spec: { limits: [{ type: "Container", max: { cpu: "2" }, min: { memory: "64Mi" } }] } }));
    assert.deepEqual((lr.spec as { limits: unknown[] }).limits[0], { type: "Container", max: { cpu: "2" }, min: { memory: "64Mi" }, default: { cpu: "2" }, defaultRequest: { cpu: "2", memory: "64Mi" } });
    assert.deepEqual(cells(limitRangesResource, lr), ["x", created]);
  });
});
