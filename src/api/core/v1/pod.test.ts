import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { fieldErrorMessage, isApiError } from "../../../machinery/index.js";
import type { KubeObject } from "../../object.js";
import type { WriteContext } from "../../resource-type.js";
import { defaultPod, imageTag } from "./pod-defaults.js";
import { podQOSClass } from "./pod-qos.js";
import { podCells } from "./pod-table.js";
import type { Pod } from "./pod-types.js";
import { podsResource } from "./pod.js";

const strategy = podsResource.strategy!;
const create = { operation: "create" as const, subresource: "" };
const update = { operation: "update" as const, subresource: "" };

function pod(spec: Partial<NonNullable<Pod["spec"]>> = {}, name = "web"): Pod {
  return { apiVersion: "v1", kind: "Pod", metadata: { name, namespace: "default" }, spec: { containers: [{ name: "app", image: "nginx:1.27" }], ...spec } };
}

function defaulted(p: Pod): Pod {
  strategy.defaults!(p);
  return p;
}

function messages(p: Pod, old?: Pod, ctx: WriteContext = create): string[] {
  return strategy.validate!(p, old, ctx).map(fieldErrorMessage);
}

describe("pod defaults", () => {
  it("fills the spec defaults kubectl shows", () => {
    const p = defaulted(pod());
    assert.equal(p.spec?.restartPolicy, "Always");
    assert.equal(p.spec?.dnsPolicy, "ClusterFirst");
    assert.equal(p.spec?.terminationGracePeriodSeconds, 30);
    assert.equal(p.spec?.schedulerName, "default-scheduler");
    assert.deepEqual(p.spec?.securityContext, {});
    assert.equal(p.spec?.enableServiceLinks, true);
    const c = p.spec?.containers[0];
    assert.equal(c?.terminationMessagePath, "/dev/termination-log");
    assert.equal(c?.terminationMessagePolicy, "File");
  });

  const pullPolicies: [string, string][] = [
    ["nginx", "Always"],
    ["nginx:latest", "Always"],
    ["nginx:1.27", "IfNotPresent"],
    ["localhost:5000/app", "Always"],
    ["localhost:5000/app:v1", "IfNotPresent"],
    ["nginx@sha256:abcd", "IfNotPresent"],
  ];
  for (const [image, want] of pullPolicies) {
    it(`defaults imagePullPolicy of ${image} to ${want}`, () => {
      const p = defaulted(pod({ containers: [{ name: "a", image }] }));
      assert.equal(p.spec?.containers[0].imagePullPolicy, want);
    });
  }

  it("keeps an explicit imagePullPolicy", () => {
    const p = defaulted(pod({ containers: [{ name: "a", image: "nginx", imagePullPolicy: "Never" }] }));
    assert.equal(p.spec?.containers[0].imagePullPolicy, "Never");
  });

  it("defaults port protocol, probes and their HTTP actions", () => {
    const p = defaulted(
      pod({ containers: [{ name: "a", image: "x", ports: [{ containerPort: 80 }], livenessProbe: { httpGet: { port: 80 } }, readinessProbe: { tcpSocket: { port: 80 } } }] }),
    );
    const c = p.spec!.containers[0];
    assert.equal(c.ports?.[0].protocol, "TCP");
    assert.deepEqual(c.livenessProbe, { httpGet: { port: 80, path: "/", scheme: "HTTP" }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 });
    assert.equal(c.readinessProbe?.periodSeconds, 10);
  });

  it("copies hostPort from containerPort with the host's network", () => {
    const p = defaulted(pod({ hostNetwork: true, containers: [{ name: "a", image: "x", ports: [{ containerPort: 8080 }] }] }));
    assert.equal(p.spec?.containers[0].ports?.[0].hostPort, 8080);
  });

  it("defaults requests to limits", () => {
    const p = defaulted(pod({ containers: [{ name: "a", image: "x", resources: { limits: { cpu: "1", memory: "1Gi" }, requests: { cpu: "500m" } } }] }));
    assert.deepEqual(p.spec?.containers[0].resources?.requests, { cpu: "500m", memory: "1Gi" });
  });

  it("turns a volume without a source into an emptyDir and defaults file modes", () => {
    const p = defaulted(pod({ volumes: [{ name: "scratch" }, { name: "cfg", configMap: { name: "c" } }, { name: "s", secret: { secretName: "s" } }] }));
    assert.deepEqual(p.spec?.volumes?.[0], { name: "scratch", emptyDir: {} });
    assert.equal(p.spec?.volumes?.[1].configMap?.defaultMode, 420);
    assert.equal(p.spec?.volumes?.[2].secret?.defaultMode, 420);
  });

  it("reads image tags past a registry port", () => {
    assert.equal(imageTag("registry:5000/a/b"), "");
    assert.equal(imageTag("registry:5000/a/b:v2"), "v2");
  });
});

describe("pod create", () => {
  it("starts Pending with a QoS class, leaving service account, priority and tolerations to admission", () => {
    const p = defaulted(pod());
    strategy.prepareForCreate!(p);
    assert.deepEqual(p.status, { phase: "Pending", qosClass: "BestEffort" });
    assert.equal(p.spec?.serviceAccountName, undefined);
    assert.equal(p.spec?.priority, undefined);
    assert.equal(p.spec?.tolerations, undefined);
  });

  it("classifies QoS", () => {
    assert.equal(podQOSClass({ containers: [{ name: "a" }] }), "BestEffort");
    assert.equal(podQOSClass({ containers: [{ name: "a", resources: { requests: { cpu: "1" } } }] }), "Burstable");
    const g = { limits: { cpu: "1", memory: "1Gi" }, requests: { cpu: "1", memory: "1Gi" } };
    assert.equal(podQOSClass({ containers: [{ name: "a", resources: g }] }), "Guaranteed");
  });
});

describe("pod validation", () => {
  it("accepts a defaulted pod", () => assert.deepEqual(messages(defaulted(pod())), []));

  const cases: [string, Pod, string[]][] = [
    ["an invalid name", pod({}, "Web_1"), ["metadata.name: Invalid value: \"Web_1\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"]],
    ["no containers", pod({ containers: [] }), ["spec.containers: Required value"]],
    ["a container without image", pod({ containers: [{ name: "a" }] }), ["spec.containers[0].image: Required value"]],
    ["duplicate container names", pod({ containers: [{ name: "a", image: "x" }, { name: "a", image: "y" }] }), ["spec.containers[1].name: Duplicate value: \"a\""]],
    ["a bad restartPolicy", pod({ restartPolicy: "Sometimes" }), ["spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"OnFailure\", \"Never\""]],
    ["a port out of range", pod({ containers: [{ name: "a", image: "x", ports: [{ containerPort: 70000, protocol: "TCP" }] }] }), ["spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive"]],
    ["a mount of an unknown volume", pod({ containers: [{ name: "a", image: "x", volumeMounts: [{ name: "data", mountPath: "/d" }] }] }), ["spec.containers[0].volumeMounts[0].name: Not found: \"data\""]],
    ["a negative grace period", pod({ terminationGracePeriodSeconds: -1 }), ["spec.terminationGracePeriodSeconds: Invalid value: -1: must be greater than or equal to 0"]],
  ];
  for (const [what, p, want] of cases) {
    it(`refuses ${what}`, () => assert.deepEqual(messages(p), want));
  }

  it("allows an image change on update and refuses other spec changes", () => {
    const old = defaulted(pod());
    const newImage = structuredClone(old);
    newImage.spec!.containers[0].image = "nginx:1.28";
    assert.deepEqual(messages(newImage, old, update), []);
    const newPolicy = structuredClone(old);
    newPolicy.spec!.restartPolicy = "Never";
    const msgs = messages(newPolicy, old, update);
    assert.equal(msgs.length, 1);
    assert.match(msgs[0], /^spec: Forbidden: pod updates may not change fields other than `spec.containers\[\*\].image`/);
  });
});

describe("pod binding and deletion", () => {
  const bind = podsResource.subresources!.custom!.binding.create!;
  const body = (node: string): KubeObject => ({ apiVersion: "v1", kind: "Binding", metadata: { name: "web" }, target: { kind: "Node", name: node } });

  it("sets spec.nodeName and the PodScheduled condition", () => {
    const result = bind(defaulted(pod()), body("node-1"));
    assert.equal(result.action, "update");
    const bound = result.action === "update" ? (result.object as Pod) : undefined;
    assert.equal(bound?.spec?.nodeName, "node-1");
    assert.equal(bound?.status?.conditions?.[0].type, "PodScheduled");
  });

  it("refuses a pod already bound with upstream's conflict", () => {
    assert.throws(
      () => bind(pod({ nodeName: "node-1" }), body("node-2")),
      (err: unknown) => isApiError(err, "Conflict") && err.message === 'Operation cannot be fulfilled on pods/binding "web": pod web is already assigned to node "node-1"',
    );
  });

  it("uses the spec's grace period, 0 for unscheduled or finished pods", () => {
    const gp = strategy.gracePeriod!;
    assert.equal(gp(defaulted(pod({ nodeName: "n" })), undefined), 30);
    assert.equal(gp(defaulted(pod({ nodeName: "n" })), 5), 5);
    assert.equal(gp(defaulted(pod()), 5), 0);
    const done = defaulted(pod({ nodeName: "n" }));
    done.status = { phase: "Succeeded" };
    assert.equal(gp(done, undefined), 0);
  });

  it("evicts by deleting with the request's grace period", () => {
    const evict = podsResource.subresources!.custom!.eviction.create!;
    const result = evict(pod({ nodeName: "n" }), { apiVersion: "policy/v1", kind: "Eviction", metadata: { name: "web" }, deleteOptions: { gracePeriodSeconds: 3 } });
    assert.equal(result.action, "delete");
    assert.equal(result.action === "delete" ? result.gracePeriodSeconds : -1, 3);
  });

  it("selects by spec.nodeName and status.phase", () => {
    const p = pod({ nodeName: "n1" });
    p.status = { phase: "Running" };
    assert.equal(strategy.fieldSelectors!["spec.nodeName"](p), "n1");
    assert.equal(strategy.fieldSelectors!["status.phase"](p), "Running");
    assert.equal(strategy.fieldSelectors!["spec.hostNetwork"](p), "false");
  });
});

describe("pod table", () => {
  const now = new Date("2024-01-01T01:00:00Z");
  const base = (): Pod => {
    const p = pod({ containers: [{ name: "a", image: "x" }, { name: "b", image: "y" }] });
    p.metadata.creationTimestamp = "2024-01-01T00:00:00Z";
    return p;
  };

  it("shows a pending pod", () => {
    const p = base();
    p.status = { phase: "Pending" };
    assert.deepEqual(podCells(p, now), ["web", "0/2", "Pending", "0", "60m", "<none>", "<none>", "<none>", "<none>"]);
  });

  it("shows a running pod with restarts and when the last was", () => {
    const p = base();
    p.spec!.nodeName = "node-1";
    p.status = {
      phase: "Running",
      podIPs: [{ ip: "10.0.0.5" }],
      containerStatuses: [
        { name: "a", image: "x", imageID: "", ready: true, restartCount: 2, state: { running: {} }, lastState: { terminated: { exitCode: 1, finishedAt: "2024-01-01T00:55:00Z" } } },
        { name: "b", image: "y", imageID: "", ready: true, restartCount: 0, state: { running: {} } },
      ],
    };
    assert.deepEqual(podCells(p, now).slice(0, 7), ["web", "2/2", "Running", "2 (5m ago)", "60m", "10.0.0.5", "node-1"]);
  });

  it("shows CrashLoopBackOff from a waiting container", () => {
    const p = base();
    p.status = {
      phase: "Running",
      containerStatuses: [
        { name: "a", image: "x", imageID: "", ready: false, restartCount: 4, state: { waiting: { reason: "CrashLoopBackOff" } } },
        { name: "b", image: "y", imageID: "", ready: true, restartCount: 0, state: { running: {} } },
      ],
    };
    assert.equal(podCells(p, now)[2], "CrashLoopBackOff");
  });

  it("shows init progress", () => {
    const p = base();
    p.spec!.initContainers = [{ name: "i1", image: "z" }, { name: "i2", image: "z" }];
    p.status = {
      phase: "Pending",
      initContainerStatuses: [
        { name: "i1", image: "z", imageID: "", ready: false, restartCount: 0, state: { terminated: { exitCode: 0 } } },
        { name: "i2", image: "z", imageID: "", ready: false, restartCount: 0, state: { running: {} } },
      ],
    };
    assert.equal(podCells(p, now)[2], "Init:1/2");
    p.status.initContainerStatuses![1].state = { waiting: { reason: "ImagePullBackOff" } };
    assert.equal(podCells(p, now)[2], "Init:ImagePullBackOff");
  });

  it("shows Terminating once deletion started", () => {
    const p = base();
    p.metadata.deletionTimestamp = "2024-01-01T00:59:00Z";
    p.status = { phase: "Running" };
    assert.equal(podCells(p, now)[2], "Terminating");
  });

  it("has upstream's columns, the wide ones at priority 1", () => {
    assert.deepEqual(
      podsResource.strategy!.table!.columns.map((c) => `${c.name}:${c.priority}`),
      ["Name:0", "Ready:0", "Status:0", "Restarts:0", "Age:0", "IP:1", "Node:1", "Nominated Node:1", "Readiness Gates:1"],
    );
  });
});
