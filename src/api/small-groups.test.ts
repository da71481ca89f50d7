import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { fieldErrorMessage } from "../machinery/index.js";
import type { KubeObject } from "./object.js";
import type { ResourceType, WriteContext } from "./resource-type.js";
import { selfSubjectReviewsResource } from "./authentication/v1/index.js";
import { horizontalPodAutoscalersResource } from "./autoscaling/v1/index.js";
import { leasesResource } from "./coordination/v1/index.js";
import { endpointSlicesResource } from "./discovery/v1/index.js";
import { eventsV1EventsResource } from "./events/v1/index.js";
import { podDisruptionBudgetsResource } from "./policy/v1/index.js";

const create: WriteContext = { operation: "create", subresource: "" };
const now = new Date("2024-01-01T01:00:00Z");
const meta = { name: "x", namespace: "default", creationTimestamp: "2024-01-01T00:00:00Z" };

function admit(rt: ResourceType, obj: KubeObject): string[] {
  rt.strategy?.defaults?.(obj);
  return (rt.strategy?.validate?.(obj, undefined, create) ?? []).map(fieldErrorMessage);
}
const cells = (rt: ResourceType, obj: KubeObject): unknown[] => rt.strategy!.table!.cells(obj, now);

describe("leases", () => {
  it("prints NAME HOLDER AGE and refuses a non-positive duration", () => {
    const lease = { metadata: meta, spec: { holderIdentity: "node-1", leaseDurationSeconds: 0 } };
    assert.deepEqual(admit(leasesResource, lease), ["spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0"]);
    assert.deepEqual(cells(leasesResource, lease), ["x", "node-1", "60m"]);
  });
});

describe("endpointslices", () => {
  it("defaults port protocol and name and prints ports and endpoints as upstream", () => {
    const slice = {
      metadata: meta,
      addressType: "IPv4",
      endpoints: [{ addresses: ["10.0.0.1"] }, { addresses: ["10.0.0.2"] }, { addresses: ["10.0.0.3"] }, { addresses: ["10.0.0.4"] }],
      ports: [{ port: 80 }],
    };
    assert.deepEqual(admit(endpointSlicesResource, slice), []);
    assert.deepEqual(slice.ports, [{ port: 80, name: "", protocol: "TCP" }]);
    assert.deepEqual(cells(endpointSlicesResource, slice), ["x", "IPv4", "80", "10.0.0.1,10.0.0.2,10.0.0.3 + 1 more...", "60m"]);
  });

  it("requires a known addressType", () => {
    assert.deepEqual(admit(endpointSlicesResource, { metadata: meta, addressType: "IPv5", endpoints: [] }), ['addressType: Unsupported value: "IPv5": supported values: "IPv4", "IPv6", "FQDN"']);
  });
});

describe("events.k8s.io events", () => {
  it("requires the reporting fields and prints like kubectl get events", () => {
    const ev = { metadata: meta, eventTime: "2024-01-01T00:59:00.000000Z", type: "Normal", reason: "Scheduled", action: "Binding", reportingController: "default-scheduler", reportingInstance: "s-1", regarding: { kind: "Pod", name: "web-1" }, note: "Successfully assigned" };
    assert.deepEqual(admit(eventsV1EventsResource, ev), []);
    assert.deepEqual(cells(eventsV1EventsResource, ev).slice(0, 7), ["60s", "Normal", "Scheduled", "pod/web-1", "", "default-scheduler, s-1", "Successfully assigned"]);
    assert.deepEqual(admit(eventsV1EventsResource, { metadata: meta, eventTime: "2024-01-01T00:59:00Z", type: "Normal", reason: "r", action: "a", reportingInstance: "i" }), ["reportingController: Required value"]);
  });
});

describe("horizontalpodautoscalers", () => {
  it("defaults minReplicas to 1 and prints the CPU target", () => {
    const hpa = { metadata: meta, spec: { maxReplicas: 5, scaleTargetRef: { kind: "Deployment", name: "web" }, targetCPUUtilizationPercentage: 80 }, status: { currentReplicas: 2, desiredReplicas: 2 } };
    assert.deepEqual(admit(horizontalPodAutoscalersResource, hpa), []);
    assert.deepEqual(cells(horizontalPodAutoscalersResource, hpa), ["x", "Deployment/web", "cpu: <unknown>/80%", 1, 5, 2, "60m"]);
  });
});

describe("poddisruptionbudgets", () => {
  it("refuses minAvailable with maxUnavailable and prints N/A for the unset one", () => {
    const both = { metadata: meta, spec: { minAvailable: 1, maxUnavailable: "50%" } };
    assert.deepEqual(admit(podDisruptionBudgetsResource, both), ['spec: Invalid value: {"minAvailable":1,"maxUnavailable":"50%"}: minAvailable and maxUnavailable cannot be both set']);
    const pdb = { metadata: meta, spec: { minAvailable: "50%" }, status: { disruptionsAllowed: 1, currentHealthy: 2, desiredHealthy: 1, expectedPods: 2 } };
    assert.deepEqual(cells(podDisruptionBudgetsResource, pdb), ["x", "50%", "N/A", 1, "60m"]);
  });
});

describe("selfsubjectreviews", () => {
  it("answers with the requesting user", async () => {
    const user = { username: "admin", groups: ["system:masters", "system:authenticated"] };
    const env = { user, now: new Date(), get: async () => undefined };
    const review = await selfSubjectReviewsResource.strategy!.respondToCreate!({ apiVersion: "authentication.k8s.io/v1", kind: "SelfSubjectReview", metadata: {} }, user, env);
    assert.deepEqual(review.status, { userInfo: { username: "admin", groups: ["system:masters", "system:authenticated"] } });
  });
});
