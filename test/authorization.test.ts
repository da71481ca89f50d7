// Authorization through the real API server (memory store, in-process handler, users set
// per request as the HTTPS edge would): RBAC with the bootstrap policy, escalation
// prevention, impersonation, the review APIs, the Node authorizer and NodeRestriction.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import type { RestRequest, RestResponse, UserInfo } from "../src/api/index.js";
import { reconcileBootstrapPolicy } from "../src/apiserver/authorization/index.js";
import { startTestApiServer, type TestApiServer } from "./harness/index.js";

const admin: UserInfo = { username: "kubernetes-admin", groups: ["system:masters", "system:authenticated"] };
const bob: UserInfo = { username: "bob", groups: ["system:authenticated"] };
const node = (name: string): UserInfo => ({ username: `system:node:${name}`, groups: ["system:nodes", "system:authenticated"] });
const viewer: UserInfo = { username: "system:serviceaccount:team:viewer", groups: ["system:serviceaccounts", "system:serviceaccounts:team", "system:authenticated"] };

type Call = Omit<RestRequest, "query"> & { query?: Record<string, string> };

describe("authorization", () => {
  let server: TestApiServer;
  const call = (req: Call): Promise<RestResponse> => server.handler({ query: {}, ...req });
  const message = (res: RestResponse) => (res.body as { message?: string }).message ?? "";
  const rbac = "/apis/rbac.authorization.k8s.io/v1";

  before(async () => {
    server = await startTestApiServer({ store: "memory" });
    for (const ns of ["team", "other"]) assert.equal((await call({ method: "POST", path: "/api/v1/namespaces", body: { metadata: { name: ns } }, user: admin })).status, 201);
  });
  after(() => server.close());

  it("reconciles the bootstrap policy: roles, aggregation selectors and bindings", async () => {
    const clusterAdmin = await call({ method: "GET", path: `${rbac}/clusterrolebindings/cluster-admin`, user: admin });
    assert.deepEqual((clusterAdmin.body as { subjects: unknown }).subjects, [{ kind: "Group", apiGroup: "rbac.authorization.k8s.io", name: "system:masters" }]);
    const view = (await call({ method: "GET", path: `${rbac}/clusterroles/view`, user: admin })).body as { metadata: { annotations: Record<string, string> }; aggregationRule: unknown };
    assert.equal(view.metadata.annotations["rbac.authorization.kubernetes.io/autoupdate"], "true");
    assert.deepEqual(view.aggregationRule, { clusterRoleSelectors: [{ matchLabels: { "rbac.authorization.k8s.io/aggregate-to-view": "true" } }] });
    const publicInfo = (await call({ method: "GET", path: `${rbac}/clusterrolebindings/system:public-info-viewer`, user: admin })).body as { subjects: { name: string }[] };
    assert.deepEqual(publicInfo.subjects.map((s) => s.name), ["system:authenticated", "system:unauthenticated"]);
  });

  it("re-reconciles the bootstrap policy: missing rules and subjects come back unless autoupdate is false", async () => {
    const path = `${rbac}/clusterroles/system:basic-user`;
    const basic = (await call({ method: "GET", path, user: admin })).body as { rules: unknown[] } & Record<string, unknown>;
    assert.equal((await call({ method: "PUT", path, body: { ...basic, rules: [] }, user: admin })).status, 200);
    const bindingPath = `${rbac}/clusterrolebindings/system:discovery`;
    const discovery = (await call({ method: "GET", path: bindingPath, user: admin })).body as Record<string, unknown>;
    assert.equal((await call({ method: "PUT", path: bindingPath, body: { ...discovery, subjects: [] }, user: admin })).status, 200);
    const monitoring = `${rbac}/clusterroles/system:monitoring`;
    const mon = (await call({ method: "GET", path: monitoring, user: admin })).body as { metadata: { annotations: Record<string, string> } } & Record<string, unknown>;
    const kept = { ...mon, metadata: { ...mon.metadata, annotations: { ...mon.metadata.annotations, "rbac.authorization.kubernetes.io/autoupdate": "false" } }, rules: [{ verbs: ["get"], nonResourceURLs: ["/metrics"] }] };
    assert.equal((await call({ method: "PUT", path: monitoring, body: kept, user: admin })).status, 200);

    await reconcileBootstrapPolicy(server.handler);

    assert.deepEqual(((await call({ method: "GET", path, user: admin })).body as { rules: unknown[] }).rules, basic.rules);
    assert.deepEqual(((await call({ method: "GET", path: bindingPath, user: admin })).body as { subjects: unknown[] }).subjects, [{ kind: "Group", apiGroup: "rbac.authorization.k8s.io", name: "system:authenticated" }]);
    assert.deepEqual(((await call({ method: "GET", path: monitoring, user: admin })).body as { rules: unknown[] }).rules, [{ verbs: ["get"], nonResourceURLs: ["/metrics"] }]);
  });

  it("refuses with upstream's message, and lets the unauthenticated see only health and version", async () => {
    const res = await call({ method: "GET", path: "/api/v1/namespaces/default/pods", user: bob });
    assert.equal(res.status, 403);
    assert.equal(message(res), 'pods is forbidden: User "bob" cannot list resource "pods" in API group "" in the namespace "default"');
    const anon: UserInfo = { username: "system:anonymous", groups: ["system:unauthenticated"] };
    assert.equal((await call({ method: "GET", path: "/healthz", user: anon })).status, 200);
    assert.equal((await call({ method: "GET", path: "/version", user: anon })).status, 200);
    const api = await call({ method: "GET", path: "/api", user: anon });
    assert.equal(api.status, 403);
    assert.equal(message(api), 'forbidden: User "system:anonymous" cannot get path "/api"');
    assert.equal((await call({ method: "GET", path: "/api", user: bob })).status, 200);
    const node = await call({ method: "GET", path: "/api/v1/nodes/n1", user: bob });
    assert.equal(message(node), 'nodes "n1" is forbidden: User "bob" cannot get resource "nodes" in API group "" at the cluster scope');
  });

  it("grants a service account bound to view reads in its namespace only, and no writes", async () => {
    const binding = { metadata: { name: "viewer" }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "view" }, subjects: [{ kind: "ServiceAccount", name: "viewer", namespace: "team" }] };
    assert.equal((await call({ method: "POST", path: `${rbac}/namespaces/team/rolebindings`, body: binding, user: admin })).status, 201);
    // view is filled by the aggregation controller in k8ts server; here the test fills it as the controller would.
    const agg = (await call({ method: "GET", path: `${rbac}/clusterroles/system:aggregate-to-view`, user: admin })).body as { rules: unknown[] };
    const view = (await call({ method: "GET", path: `${rbac}/clusterroles/view`, user: admin })).body as Record<string, unknown>;
    assert.equal((await call({ method: "PUT", path: `${rbac}/clusterroles/view`, body: { ...view, rules: agg.rules }, user: admin })).status, 200);

    assert.equal((await call({ method: "GET", path: "/api/v1/namespaces/team/pods", user: viewer })).status, 200);
    assert.equal((await call({ method: "GET", path: "/api/v1/namespaces/other/pods", user: viewer })).status, 403);
    const create = await call({ method: "POST", path: "/api/v1/namespaces/team/pods", body: { metadata: { name: "p" }, spec: { containers: [{ name: "c", image: "busybox" }] } }, user: viewer });
    assert.equal(create.status, 403);
    assert.equal(message(create), 'pods is forbidden: User "system:serviceaccount:team:viewer" cannot create resource "pods" in API group "" in the namespace "team"');
    assert.equal((await call({ method: "GET", path: "/api/v1/namespaces/team/secrets", user: viewer })).status, 403);

    const review = await call({ method: "POST", path: "/apis/authorization.k8s.io/v1/subjectaccessreviews", body: { spec: { user: viewer.username, groups: viewer.groups, resourceAttributes: { namespace: "team", verb: "list", resource: "pods" } } }, user: admin });
    assert.equal(review.status, 201);
    assert.deepEqual((review.body as { status: unknown }).status, { allowed: true, reason: 'RBAC: allowed by RoleBinding "viewer/team" of ClusterRole "view" to ServiceAccount "viewer/team"' });
    const self = await call({ method: "POST", path: "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", body: { spec: { resourceAttributes: { namespace: "team", verb: "create", resource: "pods" } } }, user: viewer });
    assert.deepEqual((self.body as { status: unknown }).status, { allowed: false });
    const rules = await call({ method: "POST", path: "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews", body: { spec: { namespace: "team" } }, user: viewer });
    const status = (rules.body as { status: { resourceRules: { resources?: string[]; verbs: string[] }[]; incomplete: boolean } }).status;
    assert.equal(status.incomplete, false);
    assert.ok(status.resourceRules.some((r) => r.resources?.includes("pods") && r.verbs.includes("list")));
  });

  it("answers SubjectAccessReview and LocalSubjectAccessReview as the impersonated request fares (conformance: SubjectReview API operations)", async () => {
    const user = "system:serviceaccount:other:e2e";
    const groups = ["system:authenticated", "system:serviceaccounts", "system:serviceaccounts:other"];
    const attrs = { verb: "list", resource: "configmaps", namespace: "other", version: "v1" };
    const sar = await call({ method: "POST", path: "/apis/authorization.k8s.io/v1/subjectaccessreviews", body: { spec: { resourceAttributes: attrs, user, groups, uid: "u-1" } }, user: admin });
    assert.equal(sar.status, 201);
    const expected = (sar.body as { status: { allowed: boolean } }).status.allowed;
    const actual = await call({ method: "GET", path: "/api/v1/namespaces/other/configmaps", user: admin, impersonate: { user, groups, uid: "u-1" } });
    assert.equal(actual.status === 200, expected);
    assert.equal(actual.status, 403);
    const lsar = await call({ method: "POST", path: "/apis/authorization.k8s.io/v1/namespaces/other/localsubjectaccessreviews", body: { metadata: { namespace: "other" }, spec: { resourceAttributes: attrs, user: "e2e", groups, uid: "u-1" } }, user: admin });
    assert.equal(lsar.status, 201);
    assert.equal((lsar.body as { status: { allowed: boolean } }).status.allowed, expected);
    const mismatch = await call({ method: "POST", path: "/apis/authorization.k8s.io/v1/namespaces/other/localsubjectaccessreviews", body: { spec: { resourceAttributes: { ...attrs, namespace: "team" }, user: "e2e" } }, user: admin });
    assert.equal(mismatch.status, 400);
    assert.equal(message(mismatch), "spec.resourceAttributes.namespace must match namespace: other");
    // Once bound, both agree on yes.
    const binding = { metadata: { name: "e2e-view" }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "edit" }, subjects: [{ kind: "ServiceAccount", name: "e2e", namespace: "other" }] };
    const editAgg = (await call({ method: "GET", path: `${rbac}/clusterroles/system:aggregate-to-edit`, user: admin })).body as { rules: unknown[] };
    const edit = (await call({ method: "GET", path: `${rbac}/clusterroles/edit`, user: admin })).body as Record<string, unknown>;
    assert.equal((await call({ method: "PUT", path: `${rbac}/clusterroles/edit`, body: { ...edit, rules: editAgg.rules }, user: admin })).status, 200);
    assert.equal((await call({ method: "POST", path: `${rbac}/namespaces/other/rolebindings`, body: binding, user: admin })).status, 201);
    const again = await call({ method: "POST", path: "/apis/authorization.k8s.io/v1/subjectaccessreviews", body: { spec: { resourceAttributes: { ...attrs, verb: "create" }, user, groups } }, user: admin });
    assert.equal((again.body as { status: { allowed: boolean } }).status.allowed, true);
    assert.equal((await call({ method: "POST", path: "/api/v1/namespaces/other/configmaps", body: { metadata: { name: "c" } }, user: admin, impersonate: { user, groups, uid: "u-1" } })).status, 201);
  });

  it("validates reviews as upstream", async () => {
    const res = await call({ method: "POST", path: "/apis/authorization.k8s.io/v1/subjectaccessreviews", body: { spec: { resourceAttributes: { verb: "get", resource: "pods" } } }, user: admin });
    assert.equal(res.status, 422);
    assert.match(message(res), /spec.user: Invalid value: "": at least one of user or group must be specified/);
    const both = await call({ method: "POST", path: "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", body: { spec: {} }, user: bob });
    assert.match(message(both), /exactly one of nonResourceAttributes or resourceAttributes must be specified/);
  });

  it("prevents escalation: roles only with rules held, bindings only with the role's rules or bind", async () => {
    // bob may manage roles and bindings in team (like admin's aggregate-to-admin part) and read pods.
    const manager = { metadata: { name: "manager" }, rules: [{ apiGroups: ["rbac.authorization.k8s.io"], resources: ["roles", "rolebindings"], verbs: ["create", "get", "list", "update", "delete"] }, { apiGroups: [""], resources: ["pods"], verbs: ["get", "list"] }] };
    assert.equal((await call({ method: "POST", path: `${rbac}/namespaces/team/roles`, body: manager, user: admin })).status, 201);
    const bind = { metadata: { name: "bob-manager" }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "manager" }, subjects: [{ kind: "User", apiGroup: "rbac.authorization.k8s.io", name: "bob" }] };
    assert.equal((await call({ method: "POST", path: `${rbac}/namespaces/team/rolebindings`, body: bind, user: admin })).status, 201);

    const ok = { metadata: { name: "reader" }, rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["list"] }] };
    assert.equal((await call({ method: "POST", path: `${rbac}/namespaces/team/roles`, body: ok, user: bob })).status, 201);
    const tooMuch = { metadata: { name: "writer" }, rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["create", "list"] }] };
    const refused = await call({ method: "POST", path: `${rbac}/namespaces/team/roles`, body: tooMuch, user: bob });
    assert.equal(refused.status, 403);
    assert.equal(message(refused), 'roles.rbac.authorization.k8s.io "writer" is forbidden: user "bob" (groups=["system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:[""], Resources:["pods"], Verbs:["create"]}');
    assert.equal((await call({ method: "GET", path: `${rbac}/namespaces/team/roles/writer`, user: admin })).status, 404);

    const bindEdit = { metadata: { name: "bob-edit" }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "cluster-admin" }, subjects: [{ kind: "User", apiGroup: "rbac.authorization.k8s.io", name: "bob" }] };
    const refusedBinding = await call({ method: "POST", path: `${rbac}/namespaces/team/rolebindings`, body: bindEdit, user: bob });
    assert.equal(refusedBinding.status, 403);
    assert.match(message(refusedBinding), /^rolebindings.rbac.authorization.k8s.io "bob-edit" is forbidden: user "bob" .* not currently held:\n/);
    // With `bind` on that ClusterRole, the binding is allowed.
    const binder = { metadata: { name: "binder" }, rules: [{ apiGroups: ["rbac.authorization.k8s.io"], resources: ["clusterroles"], verbs: ["bind"], resourceNames: ["cluster-admin"] }] };
    assert.equal((await call({ method: "POST", path: `${rbac}/clusterroles`, body: binder, user: admin })).status, 201);
    const binderBinding = { metadata: { name: "bob-binder" }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "binder" }, subjects: [{ kind: "User", apiGroup: "rbac.authorization.k8s.io", name: "bob" }] };
    assert.equal((await call({ method: "POST", path: `${rbac}/clusterrolebindings`, body: binderBinding, user: admin })).status, 201);
    assert.equal((await call({ method: "POST", path: `${rbac}/namespaces/team/rolebindings`, body: bindEdit, user: bob })).status, 201);
    assert.equal((await call({ method: "GET", path: "/api/v1/namespaces/team/secrets", user: bob })).status, 200);
    // An aggregationRule can gather anything, so it needs full authority; with escalate on clusterroles it is allowed.
    const aggregated = { metadata: { name: "bobs-aggregate" }, aggregationRule: { clusterRoleSelectors: [{ matchLabels: { x: "y" } }] } };
    const escalator = { metadata: { name: "role-writer" }, rules: [{ apiGroups: ["rbac.authorization.k8s.io"], resources: ["clusterroles"], verbs: ["create"] }] };
    assert.equal((await call({ method: "POST", path: `${rbac}/clusterroles`, body: escalator, user: admin })).status, 201);
    const writerBinding = { metadata: { name: "bob-role-writer" }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "role-writer" }, subjects: [{ kind: "User", name: "bob" }] };
    assert.equal((await call({ method: "POST", path: `${rbac}/clusterrolebindings`, body: writerBinding, user: admin })).status, 201);
    const noAuthority = await call({ method: "POST", path: `${rbac}/clusterroles`, body: aggregated, user: bob });
    assert.equal(noAuthority.status, 403);
    assert.equal(message(noAuthority), 'clusterroles.rbac.authorization.k8s.io "bobs-aggregate" is forbidden: must have cluster-admin privileges to use the aggregationRule');
    const withEscalate = { metadata: { name: "role-escalator" }, rules: [{ apiGroups: ["rbac.authorization.k8s.io"], resources: ["clusterroles"], verbs: ["escalate"] }] };
    assert.equal((await call({ method: "POST", path: `${rbac}/clusterroles`, body: withEscalate, user: admin })).status, 201);
    const escalateBinding = { metadata: { name: "bob-escalator" }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "role-escalator" }, subjects: [{ kind: "User", name: "bob" }] };
    assert.equal((await call({ method: "POST", path: `${rbac}/clusterrolebindings`, body: escalateBinding, user: admin })).status, 201);
    assert.equal((await call({ method: "POST", path: `${rbac}/clusterroles`, body: aggregated, user: bob })).status, 201);
  });

  it("validates RBAC objects with upstream's messages", async () => {
    const role = await call({ method: "POST", path: `${rbac}/namespaces/team/roles`, body: { metadata: { name: "bad" }, rules: [{ verbs: ["get"], resources: ["pods"] }, { verbs: ["get"], nonResourceURLs: ["/x"] }] }, user: admin });
    assert.equal(role.status, 422);
    assert.match(message(role), /rules\[0\].apiGroups: Required value: resource rules must supply at least one api group/);
    assert.match(message(role), /rules\[1\].nonResourceURLs: Invalid value: .*namespaced rules cannot apply to non-resource URLs/);
    const binding = await call({ method: "POST", path: `${rbac}/clusterrolebindings`, body: { metadata: { name: "bad" }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "x" }, subjects: [{ kind: "ServiceAccount", name: "sa" }] }, user: admin });
    assert.equal(binding.status, 422);
    assert.match(message(binding), /roleRef.kind: Unsupported value: "Role": supported values: "ClusterRole"/);
    assert.match(message(binding), /subjects\[0\].namespace: Required value/);
  });

  it("impersonates only with the impersonate verb, and acts as the impersonated user", async () => {
    const denied = await call({ method: "GET", path: "/api/v1/namespaces/team/pods", user: bob, impersonate: { user: "jane" } });
    assert.equal(denied.status, 403);
    assert.equal(message(denied), 'users "jane" is forbidden: User "bob" cannot impersonate resource "users" in API group "" at the cluster scope');
    // An admin impersonating the service account gets exactly its rights.
    assert.equal((await call({ method: "GET", path: "/api/v1/namespaces/team/pods", user: admin, impersonate: { user: viewer.username } })).status, 200);
    const asSa = await call({ method: "POST", path: "/api/v1/namespaces/team/configmaps", body: { metadata: { name: "x" } }, user: admin, impersonate: { user: viewer.username } });
    assert.equal(asSa.status, 403);
    assert.match(message(asSa), /User "system:serviceaccount:team:viewer" cannot create resource "configmaps"/);
    const whoami = await call({ method: "POST", path: "/apis/authentication.k8s.io/v1/selfsubjectreviews", body: {}, user: admin, impersonate: { user: "jane", groups: ["devs"] } });
    assert.deepEqual((whoami.body as { status: { userInfo: unknown } }).status.userInfo, { username: "jane", groups: ["devs", "system:authenticated"] });
    const withExtra = await call({ method: "POST", path: "/apis/authentication.k8s.io/v1/selfsubjectreviews", body: {}, user: admin, impersonate: { user: "jane", uid: "42", extra: { scopes: ["view", "edit"] } } });
    assert.deepEqual((withExtra.body as { status: { userInfo: unknown } }).status.userInfo, { username: "jane", uid: "42", groups: ["system:authenticated"], extra: { scopes: ["view", "edit"] } });
    // Impersonating extras needs the userextras verb for that key: a role for users only is not enough.
    const usersOnly = { metadata: { name: "impersonate-users" }, rules: [{ apiGroups: [""], resources: ["users"], verbs: ["impersonate"] }] };
    assert.equal((await call({ method: "POST", path: `${rbac}/clusterroles`, body: usersOnly, user: admin })).status, 201);
    const carolBinding = { metadata: { name: "carol-impersonates" }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "impersonate-users" }, subjects: [{ kind: "User", name: "carol" }] };
    assert.equal((await call({ method: "POST", path: `${rbac}/clusterrolebindings`, body: carolBinding, user: admin })).status, 201);
    const carol: UserInfo = { username: "carol", groups: ["system:authenticated"] };
    assert.equal((await call({ method: "POST", path: "/apis/authentication.k8s.io/v1/selfsubjectreviews", body: {}, user: carol, impersonate: { user: "jane" } })).status, 201);
    const extraRefused = await call({ method: "POST", path: "/apis/authentication.k8s.io/v1/selfsubjectreviews", body: {}, user: carol, impersonate: { user: "jane", extra: { scopes: ["view"] } } });
    assert.equal(message(extraRefused), 'userextras.authentication.k8s.io "view" is forbidden: User "carol" cannot impersonate resource "userextras/scopes" in API group "authentication.k8s.io" at the cluster scope');
    const sa = await call({ method: "POST", path: "/apis/authentication.k8s.io/v1/selfsubjectreviews", body: {}, user: admin, impersonate: { user: viewer.username } });
    assert.deepEqual((sa.body as { status: { userInfo: { groups: string[] } } }).status.userInfo.groups, ["system:serviceaccounts", "system:serviceaccounts:team", "system:authenticated"]);
  });

  it("lets a node read only what its pods use and write only its own pods, Node and Lease", async () => {
    for (const n of ["n1", "n2"]) {
      assert.equal((await call({ method: "POST", path: "/api/v1/nodes", body: { metadata: { name: n } }, user: node(n) })).status, 201);
    }
    const other = await call({ method: "POST", path: "/api/v1/nodes", body: { metadata: { name: "n3" } }, user: node("n1") });
    assert.equal(other.status, 403);
    assert.equal(message(other), 'nodes "n3" is forbidden: node "n1" is not allowed to modify node "n3"');
    // Its own Node: the kubelet's labels yes; node-restriction or other kubernetes.io labels and taints no.
    const patchNode = (body: unknown) => call({ method: "PATCH", path: "/api/v1/nodes/n1", contentType: "application/merge-patch+json", body, user: node("n1") });
    assert.equal((await patchNode({ metadata: { labels: { "kubernetes.io/arch": "arm64", "topology.kubernetes.io/zone": "z1", "example.com/x": "y" } } })).status, 200);
    const restricted = await patchNode({ metadata: { labels: { "node-restriction.kubernetes.io/pool": "secure", "node-role.kubernetes.io/control-plane": "" } } });
    assert.equal(restricted.status, 403);
    assert.equal(message(restricted), 'nodes "n1" is forbidden: node "n1" is not allowed to modify labels: node-restriction.kubernetes.io/pool, node-role.kubernetes.io/control-plane');
    const taint = await patchNode({ spec: { taints: [{ key: "k", effect: "NoSchedule" }] } });
    assert.equal(message(taint), 'nodes "n1" is forbidden: node "n1" is not allowed to modify taints');
    const labelled = await call({ method: "POST", path: "/api/v1/nodes", body: { metadata: { name: "n9", labels: { "node-restriction.kubernetes.io/a": "b" } } }, user: node("n9") });
    assert.equal(message(labelled), 'nodes "n9" is forbidden: node "n9" is not allowed to set the following labels: node-restriction.kubernetes.io/a');
    for (const s of ["s1", "s2"]) assert.equal((await call({ method: "POST", path: "/api/v1/namespaces/team/secrets", body: { metadata: { name: s } }, user: admin })).status, 201);
    const pod = { metadata: { name: "web" }, spec: { nodeName: "n1", containers: [{ name: "c", image: "busybox", env: [{ name: "X", valueFrom: { secretKeyRef: { name: "s1", key: "k" } } }] }] } };
    assert.equal((await call({ method: "POST", path: "/api/v1/namespaces/team/pods", body: pod, user: admin })).status, 201);

    assert.equal((await call({ method: "GET", path: "/api/v1/namespaces/team/secrets/s1", user: node("n1") })).status, 200);
    const unrelated = await call({ method: "GET", path: "/api/v1/namespaces/team/secrets/s2", user: node("n1") });
    assert.equal(unrelated.status, 403);
    assert.equal(message(unrelated), `secrets "s2" is forbidden: User "system:node:n1" cannot get resource "secrets" in API group "" in the namespace "team": no relationship found between node 'n1' and this object`);
    assert.equal((await call({ method: "GET", path: "/api/v1/namespaces/team/secrets/s1", user: node("n2") })).status, 403);
    assert.equal((await call({ method: "GET", path: "/api/v1/namespaces/team/secrets", user: node("n1") })).status, 403);

    // Another node's pod: its status, its deletion, its eviction are refused, and nothing changes.
    const current = (await call({ method: "GET", path: "/api/v1/namespaces/team/pods/web", user: admin })).body as { metadata: { resourceVersion: string }; status?: unknown };
    const statusWrite = await call({ method: "PATCH", path: "/api/v1/namespaces/team/pods/web/status", contentType: "application/merge-patch+json", body: { status: { phase: "Failed" } }, user: node("n2") });
    assert.equal(statusWrite.status, 403);
    assert.equal(message(statusWrite), 'pods "web" is forbidden: node "n2" can only update pod status for pods with spec.nodeName set to itself');
    const del = await call({ method: "DELETE", path: "/api/v1/namespaces/team/pods/web", user: node("n2") });
    assert.equal(del.status, 403);
    assert.equal(message(del), 'pods "web" is forbidden: node "n2" can only delete pods with spec.nodeName set to itself');
    const after = (await call({ method: "GET", path: "/api/v1/namespaces/team/pods/web", user: admin })).body as { metadata: { resourceVersion: string } };
    assert.equal(after.metadata.resourceVersion, current.metadata.resourceVersion);
    // Its own node's agent may.
    assert.equal((await call({ method: "PATCH", path: "/api/v1/namespaces/team/pods/web/status", contentType: "application/merge-patch+json", body: { status: { phase: "Running" } }, user: node("n1") })).status, 200);
    // A node creates only mirror pods bound to itself.
    const plain = await call({ method: "POST", path: "/api/v1/namespaces/team/pods", body: { metadata: { name: "x" }, spec: { nodeName: "n1", containers: [{ name: "c", image: "busybox" }] } }, user: node("n1") });
    assert.equal(plain.status, 403);
    assert.match(message(plain), /can only create mirror pods/);

    // Leases: only its own, only in kube-node-lease.
    const lease = (name: string) => ({ metadata: { name }, spec: { holderIdentity: name, leaseDurationSeconds: 40 } });
    assert.equal((await call({ method: "POST", path: "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases", body: lease("n1"), user: node("n1") })).status, 201);
    const otherLease = await call({ method: "POST", path: "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases", body: lease("n2"), user: node("n1") });
    assert.equal(otherLease.status, 403);
    const getOther = await call({ method: "GET", path: "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/n2", user: node("n1") });
    assert.equal(message(getOther), 'leases.coordination.k8s.io "n2" is forbidden: User "system:node:n1" cannot get resource "leases" in API group "coordination.k8s.io" in the namespace "kube-node-lease": can only access node lease with the same name as the requesting node');
  });
});
