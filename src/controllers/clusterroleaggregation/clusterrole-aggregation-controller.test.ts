import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { ClusterRole } from "../../api/index.js";
import { aggregatedRules } from "./clusterrole-aggregation-controller.js";

const role = (name: string, labels: Record<string, string>, rules: ClusterRole["rules"], aggregate?: string): ClusterRole => ({
  apiVersion: "rbac.authorization.k8s.io/v1",
  kind: "ClusterRole",
  metadata: { name, labels },
  rules,
  ...(aggregate ? { aggregationRule: { clusterRoleSelectors: [{ matchLabels: { [aggregate]: "true" } }] } } : {}),
});

describe("aggregatedRules (upstream's ClusterRoleAggregation)", () => {
  const pods = { verbs: ["get"], apiGroups: [""], resources: ["pods"] };
  const crons = { verbs: ["list"], apiGroups: ["batch"], resources: ["cronjobs"] };
  it("unites the rules of every selected role in name order, each rule once, never its own", () => {
    const view = role("view", { "agg-edit": "true" }, [{ verbs: ["stale"], apiGroups: [""], resources: ["x"] }], "agg-view");
    const all = [view, role("b-part", { "agg-view": "true" }, [crons, pods]), role("a-part", { "agg-view": "true" }, [pods]), role("other", {}, [{ verbs: ["*"], apiGroups: ["*"], resources: ["*"] }])];
    assert.deepEqual(aggregatedRules(view, all), [pods, crons]);
  });
  it("follows chains through roles that are themselves aggregated", () => {
    const view = role("view", { "agg-edit": "true" }, [pods], "agg-view");
    const edit = role("edit", {}, [], "agg-edit");
    assert.deepEqual(aggregatedRules(edit, [view, edit]), [pods]);
  });
  it("selects nothing with no matching role", () => {
    assert.deepEqual(aggregatedRules(role("admin", {}, [pods], "agg-admin"), [role("x", {}, [crons])]), []);
  });
});
