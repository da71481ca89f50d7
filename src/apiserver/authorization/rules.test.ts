import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { AuthorizationAttributes, PolicyRule } from "../../api/index.js";
import { ruleAllows } from "./rules.js";
import { requestAttributes } from "./attributes.js";

const user = { username: "u", groups: [] };
const res = (verb: string, resource: string, extra: Partial<AuthorizationAttributes> = {}): AuthorizationAttributes => ({ user, verb, resourceRequest: true, path: "", apiGroup: "", apiVersion: "v1", resource, subresource: "", namespace: "default", name: "", ...extra });
const url = (verb: string, path: string): AuthorizationAttributes => ({ user, verb, resourceRequest: false, path, apiGroup: "", apiVersion: "", resource: "", subresource: "", namespace: "", name: "" });

describe("ruleAllows (upstream's RuleAllows)", () => {
  const cases: { name: string; rule: PolicyRule; attrs: AuthorizationAttributes; want: boolean }[] = [
    { name: "exact verb, group and resource", rule: { verbs: ["get"], apiGroups: [""], resources: ["pods"] }, attrs: res("get", "pods"), want: true },
    { name: "another verb", rule: { verbs: ["get"], apiGroups: [""], resources: ["pods"] }, attrs: res("list", "pods"), want: false },
    { name: "verb wildcard", rule: { verbs: ["*"], apiGroups: [""], resources: ["pods"] }, attrs: res("deletecollection", "pods"), want: true },
    { name: "another group", rule: { verbs: ["get"], apiGroups: ["apps"], resources: ["pods"] }, attrs: res("get", "pods"), want: false },
    { name: "group wildcard", rule: { verbs: ["get"], apiGroups: ["*"], resources: ["deployments"] }, attrs: res("get", "deployments", { apiGroup: "apps" }), want: true },
    { name: "resource wildcard covers subresources", rule: { verbs: ["get"], apiGroups: [""], resources: ["*"] }, attrs: res("get", "pods", { subresource: "log", name: "a" }), want: true },
    { name: "the resource alone does not cover its subresource", rule: { verbs: ["get"], apiGroups: [""], resources: ["pods"] }, attrs: res("get", "pods", { subresource: "log", name: "a" }), want: false },
    { name: "resource/subresource", rule: { verbs: ["create"], apiGroups: [""], resources: ["pods/exec"] }, attrs: res("create", "pods", { subresource: "exec", name: "a" }), want: true },
    { name: "*/subresource", rule: { verbs: ["get"], apiGroups: ["*"], resources: ["*/scale"] }, attrs: res("get", "deployments", { apiGroup: "apps", subresource: "scale", name: "d" }), want: true },
    { name: "*/subresource does not cover another subresource", rule: { verbs: ["get"], apiGroups: ["*"], resources: ["*/scale"] }, attrs: res("get", "deployments", { apiGroup: "apps", subresource: "status", name: "d" }), want: false },
    { name: "*/subresource does not cover the main resource", rule: { verbs: ["get"], apiGroups: ["*"], resources: ["*/scale"] }, attrs: res("get", "deployments", { apiGroup: "apps", name: "d" }), want: false },
    { name: "resourceNames match the named object", rule: { verbs: ["get"], apiGroups: [""], resources: ["configmaps"], resourceNames: ["a"] }, attrs: res("get", "configmaps", { name: "a" }), want: true },
    { name: "resourceNames refuse other names", rule: { verbs: ["get"], apiGroups: [""], resources: ["configmaps"], resourceNames: ["a"] }, attrs: res("get", "configmaps", { name: "b" }), want: false },
    { name: "resourceNames never match a list", rule: { verbs: ["list"], apiGroups: [""], resources: ["configmaps"], resourceNames: ["a"] }, attrs: res("list", "configmaps"), want: false },
    { name: "a resource rule never matches a path", rule: { verbs: ["get"], apiGroups: ["*"], resources: ["*"] }, attrs: url("get", "/healthz"), want: false },
    { name: "exact URL", rule: { verbs: ["get"], nonResourceURLs: ["/healthz"] }, attrs: url("get", "/healthz"), want: true },
    { name: "URL prefix with *", rule: { verbs: ["get"], nonResourceURLs: ["/apis/*"] }, attrs: url("get", "/apis/apps/v1"), want: true },
    { name: "URL prefix does not match its parent", rule: { verbs: ["get"], nonResourceURLs: ["/apis/*"] }, attrs: url("get", "/apis"), want: false },
    { name: "URL wildcard", rule: { verbs: ["*"], nonResourceURLs: ["*"] }, attrs: url("post", "/anything"), want: true },
    { name: "URL verb must match", rule: { verbs: ["get"], nonResourceURLs: ["/metrics"] }, attrs: url("post", "/metrics"), want: false },
    { name: "a URL rule never matches a resource", rule: { verbs: ["*"], nonResourceURLs: ["*"] }, attrs: res("get", "pods"), want: false },
  ];
  for (const c of cases) it(c.name, () => assert.equal(ruleAllows(c.attrs, c.rule), c.want));
});

describe("requestAttributes (upstream's RequestInfoFactory)", () => {
  const attrs = (method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE", path: string, query: Record<string, string> = {}) => {
    const a = requestAttributes({ method, path, query }, user);
    return [a.resourceRequest, a.verb, a.apiGroup, a.resource, a.subresource, a.namespace, a.name].join("|");
  };
  it("reads verbs from the method, name and query", () => {
    assert.equal(attrs("GET", "/api/v1/namespaces/default/pods"), "true|list||pods||default|");
    assert.equal(attrs("GET", "/api/v1/namespaces/default/pods", { watch: "true" }), "true|watch||pods||default|");
    assert.equal(attrs("GET", "/api/v1/namespaces/default/pods/a"), "true|get||pods||default|a");
    assert.equal(attrs("GET", "/api/v1/namespaces/default/pods", { fieldSelector: "metadata.name=a", watch: "1" }), "true|watch||pods||default|a");
    assert.equal(attrs("POST", "/apis/apps/v1/namespaces/ns/deployments"), "true|create|apps|deployments||ns|");
    assert.equal(attrs("PUT", "/apis/apps/v1/namespaces/ns/deployments/d/scale"), "true|update|apps|deployments|scale|ns|d");
    assert.equal(attrs("PATCH", "/api/v1/nodes/n1/status"), "true|patch||nodes|status||n1");
    assert.equal(attrs("DELETE", "/api/v1/namespaces/default/pods"), "true|deletecollection||pods||default|");
    assert.equal(attrs("DELETE", "/api/v1/namespaces/default/pods/a"), "true|delete||pods||default|a");
  });
  it("reads namespace objects and their subresources", () => {
    assert.equal(attrs("GET", "/api/v1/namespaces"), "true|list||namespaces|||");
    assert.equal(attrs("GET", "/api/v1/namespaces/kube-system"), "true|get||namespaces||kube-system|kube-system");
    assert.equal(attrs("PUT", "/api/v1/namespaces/x/finalize"), "true|update||namespaces|finalize|x|x");
  });
  it("treats everything else as a path with the method as verb", () => {
    assert.equal(attrs("GET", "/healthz"), "false|get|||||");
    assert.equal(attrs("GET", "/api"), "false|get|||||");
    assert.equal(attrs("GET", "/apis/apps"), "false|get|||||");
    assert.equal(attrs("GET", "/api/v1"), "false|get|||||");
    assert.equal(attrs("GET", "/apis/apps/v1"), "false|get|||||");
    assert.equal(attrs("POST", "/metrics"), "false|post|||||");
  });
});
