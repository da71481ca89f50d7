/**
 * Upstream's bootstrap RBAC policy (plugin/pkg/auth/authorizer/rbac/bootstrappolicy:
 * policy.go, controller_policy.go, namespace_policy.go), for the resources k8ts serves
 * and the components it runs: the user-facing roles (cluster-admin, admin, edit, view and
 * their aggregate-to-* parts), the system: roles each component uses, a
 * system:controller: role per controller, and their bindings. Every object carries the
 * `kubernetes.io/bootstrapping: rbac-defaults` label and the
 * `rbac.authorization.kubernetes.io/autoupdate: "true"` annotation.
 */
import type { ClusterRole, ClusterRoleBinding, PolicyRule, Role, RoleBinding, Subject } from "../../api/index.js";

const rbacGroup = "rbac.authorization.k8s.io";
export const autoupdateAnnotation = "rbac.authorization.kubernetes.io/autoupdate";
const bootstrapLabel = { "kubernetes.io/bootstrapping": "rbac-defaults" };

/** A resource rule: verbs on resources of groups, optionally only the named objects. */
function rule(verbs: string[], groups: string[], resources: string[], resourceNames?: string[]): PolicyRule {
  const r: PolicyRule = { verbs, apiGroups: groups, resources };
  if (resourceNames) r.resourceNames = resourceNames;
  return r;
}

function urls(verbs: string[], nonResourceURLs: string[]): PolicyRule {
  return { verbs, nonResourceURLs };
}

const read = ["get", "list", "watch"];
const readWrite = ["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"];
const write = ["create", "update", "patch", "delete", "deletecollection"];
const legacy = "";
const eventsRule = rule(["create", "update", "patch"], [legacy, "events.k8s.io"], ["events"]);

function clusterRole(name: string, rules: PolicyRule[], extra: { labels?: Record<string, string>; aggregateFrom?: string } = {}): ClusterRole {
  const role: ClusterRole = {
    apiVersion: `${rbacGroup}/v1`,
    kind: "ClusterRole",
    metadata: { name, labels: { ...bootstrapLabel, ...extra.labels }, annotations: { [autoupdateAnnotation]: "true" } },
    rules,
  };
  if (extra.aggregateFrom) role.aggregationRule = { clusterRoleSelectors: [{ matchLabels: { [`rbac.authorization.k8s.io/aggregate-to-${extra.aggregateFrom}`]: "true" } }] };
  return role;
}

const user = (name: string): Subject => ({ kind: "User", apiGroup: rbacGroup, name });
const group = (name: string): Subject => ({ kind: "Group", apiGroup: rbacGroup, name });
const serviceAccount = (namespace: string, name: string): Subject => ({ kind: "ServiceAccount", name, namespace });

function clusterBinding(role: string, subjects: Subject[], name = role): ClusterRoleBinding {
  return {
    apiVersion: `${rbacGroup}/v1`,
    kind: "ClusterRoleBinding",
    metadata: { name, labels: { ...bootstrapLabel }, annotations: { [autoupdateAnnotation]: "true" } },
    roleRef: { apiGroup: rbacGroup, kind: "ClusterRole", name: role },
    subjects,
  };
}

/** The rules of system:node: what the Node authorizer grants every node, besides its graph. */
export const nodeRules: PolicyRule[] = [
  rule(["create"], ["authentication.k8s.io"], ["tokenreviews"]),
  rule(["create"], ["authorization.k8s.io"], ["subjectaccessreviews", "localsubjectaccessreviews"]),
  rule(read, [legacy], ["services"]),
  rule(["create", "get", "list", "watch"], [legacy], ["nodes"]),
  rule(["update", "patch"], [legacy], ["nodes/status"]),
  rule(["update", "patch"], [legacy], ["nodes"]),
  rule(["create", "update", "patch"], [legacy], ["events"]),
  rule(read, [legacy], ["pods"]),
  rule(["create", "delete"], [legacy], ["pods"]),
  rule(["update", "patch"], [legacy], ["pods/status"]),
  rule(["create"], [legacy], ["pods/eviction"]),
  rule(read, [legacy], ["secrets", "configmaps"]),
  rule(["get"], [legacy], ["persistentvolumeclaims", "persistentvolumes"]),
  rule(["get"], [legacy], ["endpoints"]),
  rule(["create", "get", "list", "watch"], ["certificates.k8s.io"], ["certificatesigningrequests"]),
  rule(["get", "create", "update", "patch", "delete"], ["coordination.k8s.io"], ["leases"]),
  rule(["get"], ["storage.k8s.io"], ["volumeattachments"]),
  rule(["create"], [legacy], ["serviceaccounts/token"]),
  rule(["get", "update", "patch"], [legacy], ["persistentvolumeclaims/status"]),
  rule(read, ["storage.k8s.io"], ["csidrivers"]),
  rule(["get", "create", "update", "patch", "delete"], ["storage.k8s.io"], ["csinodes"]),
  rule(read, ["node.k8s.io"], ["runtimeclasses"]),
];

function clusterRoles(): ClusterRole[] {
  return [
    clusterRole("cluster-admin", [rule(["*"], ["*"], ["*"]), urls(["*"], ["*"])]),
    clusterRole("system:discovery", [urls(["get"], ["/healthz", "/livez", "/readyz", "/version", "/version/", "/openapi", "/openapi/*", "/api", "/api/*", "/apis", "/apis/*"])]),
    clusterRole("system:monitoring", [urls(["get"], ["/metrics", "/metrics/slis", "/livez", "/readyz", "/healthz", "/livez/*", "/readyz/*", "/healthz/*"])]),
    clusterRole("system:basic-user", [rule(["create"], ["authorization.k8s.io"], ["selfsubjectaccessreviews", "selfsubjectrulesreviews"]), rule(["create"], ["authentication.k8s.io"], ["selfsubjectreviews"])]),
    clusterRole("system:public-info-viewer", [urls(["get"], ["/livez", "/readyz", "/healthz", "/version", "/version/"])]),
    clusterRole("admin", [], { aggregateFrom: "admin" }),
    clusterRole("edit", [], { aggregateFrom: "edit", labels: { "rbac.authorization.k8s.io/aggregate-to-admin": "true" } }),
    clusterRole("view", [], { aggregateFrom: "view", labels: { "rbac.authorization.k8s.io/aggregate-to-edit": "true" } }),
    clusterRole(
      "system:aggregate-to-admin",
      [rule(["create"], ["authorization.k8s.io"], ["localsubjectaccessreviews"]), rule(readWrite, [rbacGroup], ["roles", "rolebindings"])],
      { labels: { "rbac.authorization.k8s.io/aggregate-to-admin": "true" } },
    ),
    clusterRole(
      "system:aggregate-to-edit",
      [
        rule(read, [legacy], ["pods/attach", "pods/proxy", "pods/exec", "pods/portforward", "secrets", "services/proxy"]),
        rule(["impersonate"], [legacy], ["serviceaccounts"]),
        rule(write, [legacy], ["pods", "pods/attach", "pods/proxy", "pods/exec", "pods/portforward"]),
        rule(["create"], [legacy], ["pods/eviction"]),
        rule(write, [legacy], ["replicationcontrollers", "replicationcontrollers/scale", "serviceaccounts", "services", "services/proxy", "persistentvolumeclaims", "configmaps", "secrets", "events"]),
        rule(["create"], [legacy], ["serviceaccounts/token"]),
        rule(write, ["apps"], ["statefulsets", "statefulsets/scale", "daemonsets", "deployments", "deployments/scale", "deployments/rollback", "replicasets", "replicasets/scale"]),
        rule(write, ["autoscaling"], ["horizontalpodautoscalers"]),
        rule(write, ["batch"], ["jobs", "cronjobs"]),
        rule(write, ["extensions"], ["daemonsets", "deployments", "deployments/scale", "deployments/rollback", "ingresses", "replicasets", "replicasets/scale", "replicationcontrollers/scale", "networkpolicies"]),
        rule(write, ["policy"], ["poddisruptionbudgets"]),
        rule(write, ["networking.k8s.io"], ["networkpolicies", "ingresses"]),
        rule(readWrite, ["coordination.k8s.io"], ["leases"]),
      ],
      { labels: { "rbac.authorization.k8s.io/aggregate-to-edit": "true" } },
    ),
    clusterRole(
      "system:aggregate-to-view",
      [
        rule(read, [legacy], ["pods", "replicationcontrollers", "replicationcontrollers/scale", "serviceaccounts", "services", "services/status", "endpoints", "persistentvolumeclaims", "persistentvolumeclaims/status", "configmaps"]),
        rule(read, [legacy], ["limitranges", "resourcequotas", "bindings", "events", "pods/status", "resourcequotas/status", "namespaces/status", "replicationcontrollers/status", "pods/log"]),
        rule(read, [legacy], ["namespaces"]),
        rule(read, ["discovery.k8s.io"], ["endpointslices"]),
        rule(read, ["apps"], ["controllerrevisions", "statefulsets", "statefulsets/scale", "statefulsets/status", "daemonsets", "daemonsets/status", "deployments", "deployments/scale", "deployments/status", "replicasets", "replicasets/scale", "replicasets/status"]),
        rule(read, ["autoscaling"], ["horizontalpodautoscalers", "horizontalpodautoscalers/status"]),
        rule(read, ["batch"], ["jobs", "cronjobs", "cronjobs/status", "jobs/status"]),
        rule(read, ["extensions"], ["daemonsets", "daemonsets/status", "deployments", "deployments/scale", "deployments/status", "ingresses", "ingresses/status", "replicasets", "replicasets/scale", "replicasets/status", "replicationcontrollers/scale", "networkpolicies"]),
        rule(read, ["policy"], ["poddisruptionbudgets", "poddisruptionbudgets/status"]),
        rule(read, ["networking.k8s.io"], ["networkpolicies", "ingresses", "ingresses/status"]),
      ],
      { labels: { "rbac.authorization.k8s.io/aggregate-to-view": "true" } },
    ),
    clusterRole("system:heapster", [rule(read, [legacy], ["events", "pods", "nodes", "namespaces"]), rule(read, ["extensions"], ["deployments"])]),
    clusterRole("system:node", nodeRules),
    clusterRole("system:node-problem-detector", [rule(["get"], [legacy], ["nodes"]), rule(["patch"], [legacy], ["nodes/status"]), eventsRule]),
    clusterRole("system:kubelet-api-admin", [rule(read, [legacy], ["nodes"]), rule(["proxy"], [legacy], ["nodes"]), rule(["*"], [legacy], ["nodes/proxy", "nodes/metrics", "nodes/stats", "nodes/log"])]),
    clusterRole("system:node-bootstrapper", [rule(["create", "get", "list", "watch"], ["certificates.k8s.io"], ["certificatesigningrequests"])]),
    clusterRole("system:auth-delegator", [rule(["create"], ["authentication.k8s.io"], ["tokenreviews"]), rule(["create"], ["authorization.k8s.io"], ["subjectaccessreviews"])]),
    clusterRole("system:kube-aggregator", [rule(read, [legacy], ["services", "endpoints"])]),
    clusterRole("system:kube-controller-manager", [
      eventsRule,
      rule(["create"], ["coordination.k8s.io"], ["leases"]),
      rule(["get", "update"], ["coordination.k8s.io"], ["leases"], ["kube-controller-manager"]),
      rule(["create"], [legacy], ["secrets", "serviceaccounts"]),
      rule(["delete"], [legacy], ["secrets"]),
      rule(["get"], [legacy], ["namespaces", "secrets", "serviceaccounts", "configmaps"]),
      rule(["update"], [legacy], ["secrets", "serviceaccounts"]),
      rule(["create"], ["authentication.k8s.io"], ["tokenreviews"]),
      rule(["create"], ["authorization.k8s.io"], ["subjectaccessreviews"]),
      rule(["list", "watch"], ["*"], ["*"]),
      rule(["create"], [legacy], ["serviceaccounts/token"]),
    ]),
    clusterRole("system:kube-dns", [rule(["list", "watch"], [legacy], ["endpoints", "services"])]),
    clusterRole("system:persistent-volume-provisioner", [
      rule(["get", "list", "watch", "create", "delete"], [legacy], ["persistentvolumes"]),
      rule(["get", "list", "watch", "update"], [legacy], ["persistentvolumeclaims"]),
      rule(read, ["storage.k8s.io"], ["storageclasses"]),
      rule(["watch"], [legacy], ["events"]),
      eventsRule,
    ]),
    clusterRole("system:certificates.k8s.io:certificatesigningrequests:nodeclient", [rule(["create"], ["certificates.k8s.io"], ["certificatesigningrequests/nodeclient"])]),
    clusterRole("system:certificates.k8s.io:certificatesigningrequests:selfnodeclient", [rule(["create"], ["certificates.k8s.io"], ["certificatesigningrequests/selfnodeclient"])]),
    clusterRole("system:volume-scheduler", [
      rule(["get", "list", "watch", "update", "patch"], [legacy], ["persistentvolumes"]),
      rule(read, ["storage.k8s.io"], ["storageclasses"]),
      rule(["get", "list", "watch", "update", "patch"], [legacy], ["persistentvolumeclaims"]),
    ]),
    // k8ts's own: what each node's NetworkPolicy enforcer reads (as a CNI's policy agent, e.g. calico-node).
    clusterRole("k8ts:network-policy-agent", [
      rule(["list", "watch"], [legacy], ["pods", "namespaces"]),
      rule(["list", "watch"], ["networking.k8s.io"], ["networkpolicies"]),
    ]),
    clusterRole("system:node-proxier", [
      rule(["list", "watch"], [legacy], ["services", "endpoints"]),
      rule(read, [legacy], ["nodes"]),
      eventsRule,
      rule(["list", "watch"], ["discovery.k8s.io"], ["endpointslices"]),
    ]),
    clusterRole("system:kube-scheduler", [
      eventsRule,
      rule(["create"], ["coordination.k8s.io"], ["leases"]),
      rule(["get", "update"], ["coordination.k8s.io"], ["leases"], ["kube-scheduler"]),
      rule(read, [legacy], ["nodes"]),
      rule(["get", "list", "watch", "delete"], [legacy], ["pods"]),
      rule(["create"], [legacy], ["pods/binding", "bindings"]),
      rule(["patch", "update"], [legacy], ["pods/status"]),
      rule(read, [legacy], ["replicationcontrollers", "services"]),
      rule(read, ["apps", "extensions"], ["replicasets"]),
      rule(read, ["apps"], ["statefulsets"]),
      rule(read, ["policy"], ["poddisruptionbudgets"]),
      rule(read, [legacy], ["persistentvolumeclaims", "persistentvolumes"]),
      rule(["create"], ["authentication.k8s.io"], ["tokenreviews"]),
      rule(["create"], ["authorization.k8s.io"], ["subjectaccessreviews"]),
      rule(read, ["storage.k8s.io"], ["csinodes"]),
      rule(read, [legacy], ["namespaces"]),
      rule(read, ["storage.k8s.io"], ["csidrivers"]),
      rule(read, ["storage.k8s.io"], ["csistoragecapacities"]),
      // k8ts's scheduler ranks pods by their PriorityClass's current value.
      rule(read, ["scheduling.k8s.io"], ["priorityclasses"]),
      // What upstream grants through system:volume-scheduler: VolumeBinding reads the claims' classes.
      rule(read, ["storage.k8s.io"], ["storageclasses"]),
    ]),
    clusterRole("system:service-account-issuer-discovery", [urls(["get"], ["/.well-known/openid-configuration", "/openid/v1/jwks"])]),
  ];
}

/** The system:controller:NAME roles of the controllers k8ts runs (controller_policy.go), plus k8ts's own servicelb. */
function controllerRoles(): ClusterRole[] {
  const c = (name: string, rules: PolicyRule[]) => clusterRole(`system:controller:${name}`, rules);
  return [
    c("clusterrole-aggregation-controller", [rule(["escalate", "get", "list", "watch", "update", "patch"], [rbacGroup], ["clusterroles"])]),
    c("cronjob-controller", [
      rule(["get", "list", "watch", "update"], ["batch"], ["cronjobs"]),
      rule(["get", "list", "watch", "create", "update", "delete", "patch"], ["batch"], ["jobs"]),
      rule(["update"], ["batch"], ["cronjobs/status"]),
      rule(["update"], ["batch"], ["cronjobs/finalizers"]),
      rule(["list", "watch", "delete"], [legacy], ["pods"]),
      eventsRule,
    ]),
    c("daemon-set-controller", [
      rule(read, ["apps", "extensions"], ["daemonsets"]),
      rule(["update"], ["apps", "extensions"], ["daemonsets/status"]),
      rule(["update"], ["apps", "extensions"], ["daemonsets/finalizers"]),
      rule(["list", "watch"], [legacy], ["nodes"]),
      rule(["list", "watch", "create", "delete", "patch"], [legacy], ["pods"]),
      rule(["create"], [legacy], ["pods/binding"]),
      rule(["get", "list", "watch", "create", "delete", "update", "patch"], ["apps"], ["controllerrevisions"]),
      eventsRule,
    ]),
    c("deployment-controller", [
      rule(["get", "list", "watch", "update"], ["apps", "extensions"], ["deployments"]),
      rule(["update"], ["apps", "extensions"], ["deployments/status"]),
      rule(["update"], ["apps", "extensions"], ["deployments/finalizers"]),
      rule(["get", "list", "watch", "create", "update", "patch", "delete"], ["apps", "extensions"], ["replicasets"]),
      rule(["get", "list", "watch", "update"], [legacy], ["pods"]),
      eventsRule,
    ]),
    c("disruption-controller", [
      rule(read, ["apps", "extensions"], ["deployments"]),
      rule(read, ["apps", "extensions"], ["replicasets"]),
      rule(read, [legacy], ["replicationcontrollers"]),
      rule(read, ["policy"], ["poddisruptionbudgets"]),
      rule(read, ["apps"], ["statefulsets"]),
      rule(["update"], ["policy"], ["poddisruptionbudgets/status"]),
      rule(["get"], ["*"], ["*/scale"]),
      rule(["list", "watch"], [legacy], ["pods"]),
      eventsRule,
    ]),
    c("persistent-volume-binder", [
      rule(["create", "delete", "get", "list", "update", "watch"], [legacy], ["persistentvolumes"]),
      rule(["update"], [legacy], ["persistentvolumes/status"]),
      rule(["get", "list", "update", "watch"], [legacy], ["persistentvolumeclaims"]),
      rule(["update"], [legacy], ["persistentvolumeclaims/status"]),
      rule(["create", "delete", "get", "list", "watch"], [legacy], ["pods"]),
      rule(["get", "list"], [legacy], ["nodes"]),
      rule(["create", "update", "patch", "get", "list", "watch"], ["storage.k8s.io"], ["storageclasses"]),
      eventsRule,
    ]),
    c("endpoint-controller", [
      rule(read, [legacy], ["services", "pods"]),
      rule(["get", "list", "create", "update", "delete"], [legacy], ["endpoints"]),
      rule(["create"], [legacy], ["endpoints/restricted"]),
      eventsRule,
    ]),
    c("endpointslice-controller", [
      rule(read, [legacy], ["services", "pods", "nodes"]),
      rule(["update"], [legacy], ["services/finalizers"]),
      rule(["get", "list", "create", "update", "delete"], ["discovery.k8s.io"], ["endpointslices"]),
      eventsRule,
    ]),
    c("generic-garbage-collector", [rule(["get", "list", "watch", "patch", "update", "delete"], ["*"], ["*"]), eventsRule]),
    c("horizontal-pod-autoscaler", [
      rule(read, ["autoscaling"], ["horizontalpodautoscalers"]),
      rule(["update"], ["autoscaling"], ["horizontalpodautoscalers/status"]),
      rule(["get", "update"], ["*"], ["*/scale"]),
      rule(["list", "watch"], [legacy], ["pods"]),
      rule(["list", "watch"], ["metrics.k8s.io"], ["pods"]),
      rule(read, ["custom.metrics.k8s.io"], ["*"]),
      rule(read, ["external.metrics.k8s.io"], ["*"]),
      eventsRule,
    ]),
    c("job-controller", [
      rule(["get", "list", "watch", "update", "patch"], ["batch"], ["jobs"]),
      rule(["update"], ["batch"], ["jobs/status"]),
      rule(["update"], ["batch"], ["jobs/finalizers"]),
      rule(["list", "watch", "create", "delete", "patch"], [legacy], ["pods"]),
      eventsRule,
    ]),
    c("namespace-controller", [
      rule(["get", "list", "watch", "delete"], [legacy], ["namespaces"]),
      rule(["update"], [legacy], ["namespaces/finalize", "namespaces/status"]),
      rule(["get", "list", "watch", "delete", "deletecollection"], ["*"], ["*"]),
    ]),
    c("node-controller", [
      rule(["get", "list", "watch", "update", "delete", "patch"], [legacy], ["nodes"]),
      rule(["patch", "update"], [legacy], ["nodes/status"]),
      rule(["patch", "update"], [legacy], ["pods/status"]),
      rule(["get", "list", "watch", "delete"], [legacy], ["pods"]),
      eventsRule,
    ]),
    // k8ts's pod GC marks orphaned pods Failed with an update of the status (upstream patches it).
    c("pod-garbage-collector", [rule(["list", "watch", "delete"], [legacy], ["pods"]), rule(read, [legacy], ["nodes"]), rule(["patch", "update"], [legacy], ["pods/status"])]),
    c("replicaset-controller", [
      rule(["get", "list", "watch", "update"], ["apps", "extensions"], ["replicasets"]),
      rule(["update"], ["apps", "extensions"], ["replicasets/status"]),
      rule(["update"], ["apps", "extensions"], ["replicasets/finalizers"]),
      rule(["list", "watch", "patch", "create", "delete"], [legacy], ["pods"]),
      eventsRule,
    ]),
    c("replication-controller", [
      rule(["get", "list", "watch", "update"], [legacy], ["replicationcontrollers"]),
      rule(["update"], [legacy], ["replicationcontrollers/status"]),
      rule(["update"], [legacy], ["replicationcontrollers/finalizers"]),
      rule(["list", "watch", "patch", "create", "delete"], [legacy], ["pods"]),
      eventsRule,
    ]),
    c("resourcequota-controller", [rule(["list", "watch"], ["*"], ["*"]), rule(["update"], [legacy], ["resourcequotas/status"]), eventsRule]),
    c("root-ca-cert-publisher", [rule(["create", "update"], [legacy], ["configmaps"]), eventsRule]),
    c("service-account-controller", [rule(["create"], [legacy], ["serviceaccounts"]), eventsRule]),
    c("service-controller", [rule(read, [legacy], ["services"]), rule(["patch", "update"], [legacy], ["services/status"]), rule(["list", "watch"], [legacy], ["nodes"]), eventsRule]),
    c("statefulset-controller", [
      rule(["list", "watch"], [legacy], ["pods"]),
      rule(read, ["apps"], ["statefulsets"]),
      rule(["update"], ["apps"], ["statefulsets/status"]),
      rule(["update"], ["apps"], ["statefulsets/finalizers"]),
      rule(["get", "create", "delete", "update", "patch"], [legacy], ["pods"]),
      rule(["get", "create", "delete", "update", "patch", "list", "watch"], ["apps"], ["controllerrevisions"]),
      rule(["get", "create"], [legacy], ["persistentvolumeclaims"]),
      rule(["update"], [legacy], ["pods/finalizers"]),
      eventsRule,
      rule(["update", "delete"], [legacy], ["persistentvolumeclaims"]),
      rule(["list", "watch"], [legacy], ["persistentvolumeclaims"]),
    ]),
    c("taint-eviction-controller", [rule(["get", "list", "watch", "delete"], [legacy], ["pods"]), rule(["patch", "update"], [legacy], ["pods/status"]), eventsRule]),
    c("ttl-after-finished-controller", [rule(["get", "list", "watch", "delete"], ["batch"], ["jobs"]), eventsRule]),
  ];
}

/** The bootstrap ClusterRoles: upstream's, then the controllers'. */
export function bootstrapClusterRoles(): ClusterRole[] {
  return [...clusterRoles(), ...controllerRoles()];
}

export function bootstrapClusterRoleBindings(): ClusterRoleBinding[] {
  const controllerBindings = controllerRoles().map((r) => {
    const name = r.metadata.name!;
    return clusterBinding(name, [serviceAccount("kube-system", name.slice("system:controller:".length))]);
  });
  return [
    clusterBinding("cluster-admin", [group("system:masters")]),
    clusterBinding("system:monitoring", [group("system:monitoring")]),
    clusterBinding("system:discovery", [group("system:authenticated")]),
    clusterBinding("system:basic-user", [group("system:authenticated")]),
    clusterBinding("system:public-info-viewer", [group("system:authenticated"), group("system:unauthenticated")]),
    clusterBinding("system:node-proxier", [user("system:kube-proxy")]),
    // k8ts's own: `k8ts agent` runs the service proxy beside the kubelet on the node's one
    // credential, so nodes also get what kube-proxy reads (Services, Endpoints, EndpointSlices, Nodes).
    clusterBinding("system:node-proxier", [group("system:nodes")], "k8ts:node-proxier"),
    clusterBinding("k8ts:network-policy-agent", [user("system:kube-proxy"), group("system:nodes")]),
    clusterBinding("system:kube-controller-manager", [user("system:kube-controller-manager")]),
    clusterBinding("system:kube-dns", [serviceAccount("kube-system", "kube-dns")]),
    clusterBinding("system:kube-scheduler", [user("system:kube-scheduler")]),
    clusterBinding("system:volume-scheduler", [user("system:kube-scheduler")]),
    // The system:node binding has no subjects (nodes are authorized by the Node authorizer).
    clusterBinding("system:node", []),
    clusterBinding("system:service-account-issuer-discovery", [group("system:serviceaccounts")]),
    ...controllerBindings,
  ];
}

/** Namespaced bootstrap roles (namespace_policy.go): leader election locks in kube-system. */
export function bootstrapRoles(): Role[] {
  const role = (namespace: string, name: string, rules: PolicyRule[]): Role => ({
    apiVersion: `${rbacGroup}/v1`,
    kind: "Role",
    metadata: { name, namespace, labels: { ...bootstrapLabel }, annotations: { [autoupdateAnnotation]: "true" } },
    rules,
  });
  return [
    role("kube-system", "extension-apiserver-authentication-reader", [rule(["get", "list", "watch"], [legacy], ["configmaps"], ["extension-apiserver-authentication"])]),
    role("kube-system", "system::leader-locking-kube-controller-manager", [rule(["watch"], [legacy], ["configmaps"]), rule(["get", "update"], [legacy], ["configmaps"], ["kube-controller-manager"])]),
    role("kube-system", "system::leader-locking-kube-scheduler", [rule(["watch"], [legacy], ["configmaps"]), rule(["get", "update"], [legacy], ["configmaps"], ["kube-scheduler"])]),
    role("kube-system", "system:controller:token-cleaner", [rule(["delete", "get", "list", "watch"], [legacy], ["secrets"]), eventsRule]),
  ];
}

export function bootstrapRoleBindings(): RoleBinding[] {
  const binding = (namespace: string, role: string, subjects: Subject[], name = role): RoleBinding => ({
    apiVersion: `${rbacGroup}/v1`,
    kind: "RoleBinding",
    metadata: { name, namespace, labels: { ...bootstrapLabel }, annotations: { [autoupdateAnnotation]: "true" } },
    roleRef: { apiGroup: rbacGroup, kind: "Role", name: role },
    subjects,
  });
  return [
    binding("kube-system", "system::leader-locking-kube-controller-manager", [user("system:kube-controller-manager"), serviceAccount("kube-system", "kube-controller-manager")]),
    binding("kube-system", "system::leader-locking-kube-scheduler", [user("system:kube-scheduler"), serviceAccount("kube-system", "kube-scheduler")]),
    binding("kube-system", "system:controller:token-cleaner", [serviceAccount("kube-system", "token-cleaner")]),
    binding("kube-system", "system::extension-apiserver-authentication-reader", [user("system:kube-controller-manager"), user("system:kube-scheduler")], "system::extension-apiserver-authentication-reader"),
  ].map((b) => (b.metadata.name === "system::extension-apiserver-authentication-reader" ? { ...b, roleRef: { ...b.roleRef, name: "extension-apiserver-authentication-reader" } } : b));
}
