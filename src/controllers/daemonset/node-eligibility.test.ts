import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { DaemonSet, Node, Pod } from "../../api/index.js";
import { daemonPodTolerations, nodeShouldRunDaemonPod, targetNodeName, toleratesTaint, withNodeNameAffinity } from "./node-eligibility.js";

const node = (name: string, labels: Record<string, string> = {}, taints: NonNullable<Node["spec"]>["taints"] = []): Node => ({ metadata: { name, labels }, spec: { taints } });
const ds = (spec: Partial<NonNullable<Pod["spec"]>> = {}): DaemonSet => ({ metadata: { name: "d" }, spec: { selector: {}, template: { spec: { containers: [], ...spec } } } });

describe("nodeShouldRunDaemonPod", () => {
  it("matches nodeSelector and every required affinity operator, OR-ing terms", () => {
    const affinity = (expr: { key: string; operator: string; values?: string[] }) => ds({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [expr] }] } } } });
    const n = node("n1", { zone: "a", cores: "8" });
    const cases: [DaemonSet, boolean][] = [
      [ds({ nodeSelector: { zone: "a" } }), true],
      [ds({ nodeSelector: { zone: "b" } }), false],
      [affinity({ key: "zone", operator: "In", values: ["a", "b"] }), true],
      [affinity({ key: "zone", operator: "NotIn", values: ["a"] }), false],
      [affinity({ key: "gpu", operator: "NotIn", values: ["x"] }), true],
      [affinity({ key: "zone", operator: "Exists" }), true],
      [affinity({ key: "zone", operator: "DoesNotExist" }), false],
      [affinity({ key: "cores", operator: "Gt", values: ["4"] }), true],
      [affinity({ key: "cores", operator: "Lt", values: ["4"] }), false],
      [ds({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{}, { matchFields: [{ key: "metadata.name", operator: "In", values: ["n1"] }] }] } } } }), true],
      [ds({ nodeName: "n2" }), false],
    ];
    for (const [d, want] of cases) assert.equal(nodeShouldRunDaemonPod(n, d).shouldRun, want, JSON.stringify(d.spec?.template.spec));
  });

  it("does not start on NoSchedule taints but keeps running; leaves on NoExecute", () => {
    assert.deepEqual(nodeShouldRunDaemonPod(node("n", {}, [{ key: "k", effect: "NoSchedule" }]), ds()), { shouldRun: false, shouldContinueRunning: true });
    assert.deepEqual(nodeShouldRunDaemonPod(node("n", {}, [{ key: "k", effect: "NoExecute" }]), ds()), { shouldRun: false, shouldContinueRunning: false });
    assert.deepEqual(nodeShouldRunDaemonPod(node("n", {}, [{ key: "k", effect: "PreferNoSchedule" }]), ds()), { shouldRun: true, shouldContinueRunning: true });
    assert.deepEqual(nodeShouldRunDaemonPod(node("n", {}, [{ key: "k", value: "v", effect: "NoExecute" }]), ds({ tolerations: [{ key: "k", operator: "Equal", value: "v" }] })).shouldRun, true);
  });

  it("tolerates the node-condition taints by default", () => {
    for (const [key, effect] of [["not-ready", "NoExecute"], ["unreachable", "NoExecute"], ["disk-pressure", "NoSchedule"], ["memory-pressure", "NoSchedule"], ["pid-pressure", "NoSchedule"], ["unschedulable", "NoSchedule"]]) {
      assert.equal(nodeShouldRunDaemonPod(node("n", {}, [{ key: `node.kubernetes.io/${key}`, effect: effect as string }]), ds()).shouldRun, true, key);
    }
    const netTaint = node("n", {}, [{ key: "node.kubernetes.io/network-unavailable", effect: "NoSchedule" }]);
    assert.equal(nodeShouldRunDaemonPod(netTaint, ds()).shouldRun, false);
    assert.equal(nodeShouldRunDaemonPod(netTaint, ds({ hostNetwork: true })).shouldRun, true);
  });

  it("adds each default toleration once", () => {
    const t = daemonPodTolerations({ containers: [], tolerations: [{ key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute" }] });
    assert.equal(t.filter((x) => x.key === "node.kubernetes.io/not-ready").length, 1);
    assert.equal(t.length, 6);
  });
});

describe("toleratesTaint", () => {
  it("follows key, operator, value and effect as upstream", () => {
    assert.equal(toleratesTaint({ operator: "Exists" }, { key: "a", effect: "NoSchedule" }), true);
    assert.equal(toleratesTaint({ key: "a", operator: "Exists", effect: "NoExecute" }, { key: "a", effect: "NoSchedule" }), false);
    assert.equal(toleratesTaint({ key: "a", value: "x" }, { key: "a", value: "x", effect: "NoSchedule" }), true);
    assert.equal(toleratesTaint({ key: "a", value: "x" }, { key: "a", value: "y", effect: "NoSchedule" }), false);
  });
});

describe("node name affinity", () => {
  it("replaces required terms, keeps preferred ones, and is read back as the target node", () => {
    const aff = withNodeNameAffinity({ nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: "zone", operator: "Exists" }] }] }, preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1, preference: {} }] } }, "n7");
    assert.deepEqual(aff.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution, { nodeSelectorTerms: [{ matchFields: [{ key: "metadata.name", operator: "In", values: ["n7"] }] }] });
    assert.equal(aff.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution?.length, 1);
    assert.equal(targetNodeName({ metadata: {}, spec: { containers: [], affinity: aff } }), "n7");
    assert.equal(targetNodeName({ metadata: {}, spec: { containers: [], nodeName: "n1", affinity: aff } }), "n1");
  });
});
