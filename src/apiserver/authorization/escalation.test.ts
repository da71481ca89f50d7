import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { PolicyRule } from "../../api/index.js";
import { breakdownRule, compactRules, compactString, ruleCovers, uncoveredRules } from "./escalation.js";

describe("escalation checks (upstream's Covers, BreakdownRule, CompactRules)", () => {
  it("breaks a rule into one rule per group, resource, verb and name", () => {
    const parts = breakdownRule({ verbs: ["get", "list"], apiGroups: ["", "apps"], resources: ["pods"], resourceNames: ["a"] });
    assert.equal(parts.length, 4);
    assert.deepEqual(parts[0], { apiGroups: [""], resources: ["pods"], verbs: ["get"], resourceNames: ["a"] });
    assert.deepEqual(breakdownRule({ verbs: ["get"], nonResourceURLs: ["/a", "/b"] }), [{ nonResourceURLs: ["/a"], verbs: ["get"] }, { nonResourceURLs: ["/b"], verbs: ["get"] }]);
  });

  const covers: { name: string; owner: PolicyRule; requested: PolicyRule; want: boolean }[] = [
    { name: "same rule", owner: { verbs: ["get"], apiGroups: [""], resources: ["pods"] }, requested: { verbs: ["get"], apiGroups: [""], resources: ["pods"] }, want: true },
    { name: "wildcards cover everything", owner: { verbs: ["*"], apiGroups: ["*"], resources: ["*"] }, requested: { verbs: ["delete"], apiGroups: ["apps"], resources: ["deployments/scale"] }, want: true },
    { name: "*/sub covers a subresource", owner: { verbs: ["get"], apiGroups: ["*"], resources: ["*/scale"] }, requested: { verbs: ["get"], apiGroups: ["apps"], resources: ["deployments/scale"] }, want: true },
    { name: "a resource does not cover its subresources", owner: { verbs: ["get"], apiGroups: [""], resources: ["pods"] }, requested: { verbs: ["get"], apiGroups: [""], resources: ["pods/log"] }, want: false },
    { name: "named rules do not cover unnamed ones", owner: { verbs: ["get"], apiGroups: [""], resources: ["pods"], resourceNames: ["a"] }, requested: { verbs: ["get"], apiGroups: [""], resources: ["pods"] }, want: false },
    { name: "unnamed rules cover named ones", owner: { verbs: ["get"], apiGroups: [""], resources: ["pods"] }, requested: { verbs: ["get"], apiGroups: [""], resources: ["pods"], resourceNames: ["a"] }, want: true },
    { name: "URL prefix covers a longer URL", owner: { verbs: ["get"], nonResourceURLs: ["/apis/*"] }, requested: { verbs: ["get"], nonResourceURLs: ["/apis/apps"] }, want: true },
    { name: "another verb is not covered", owner: { verbs: ["get"], apiGroups: [""], resources: ["pods"] }, requested: { verbs: ["create"], apiGroups: [""], resources: ["pods"] }, want: false },
  ];
  for (const c of covers) it(`ruleCovers: ${c.name}`, () => assert.equal(ruleCovers(c.owner, c.requested), c.want));

  it("lists what is not held, compacted as upstream prints it", () => {
    const owner: PolicyRule[] = [{ verbs: ["get", "list", "watch"], apiGroups: [""], resources: ["pods"] }];
    const missing = uncoveredRules(owner, [{ verbs: ["get", "create", "delete"], apiGroups: [""], resources: ["pods", "secrets"] }]);
    assert.deepEqual(compactRules(missing).map(compactString).sort(), ['{APIGroups:[""], Resources:["pods"], Verbs:["create" "delete"]}', '{APIGroups:[""], Resources:["secrets"], Verbs:["get" "create" "delete"]}']);
    assert.deepEqual(uncoveredRules(owner, [{ verbs: ["list"], apiGroups: [""], resources: ["pods"] }]), []);
  });
});
