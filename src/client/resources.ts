import type { KubeObject } from "../api/index.js";

/**
 * Names one REST resource for the Client: where it lives (`/api/v1/...` for the core
 * group, `/apis/{group}/{version}/...` otherwise) and whether it sits in a namespace.
 * `T` is the object type the Client returns for it; it exists only at type level.
 */
export interface Resource<T extends KubeObject = KubeObject> {
  readonly group: string;
  readonly version: string;
  /** Lower-case plural, as in URLs: "pods". */
  readonly resource: string;
  readonly kind: string;
  readonly namespaced: boolean;
  /** Phantom: carries `T`; never set. */
  readonly __object?: T;
}

/** Declares a resource; `resource<Pod>("", "v1", "pods", "Pod", true)`. */
export function resource<T extends KubeObject = KubeObject>(group: string, version: string, plural: string, kind: string, namespaced: boolean): Resource<T> {
  return { group, version, resource: plural, kind, namespaced };
}

/** The built-in resources the control plane and tests use. */
export const resources = {
  namespaces: resource("", "v1", "namespaces", "Namespace", false),
  nodes: resource("", "v1", "nodes", "Node", false),
  pods: resource("", "v1", "pods", "Pod", true),
  services: resource("", "v1", "services", "Service", true),
  endpoints: resource("", "v1", "endpoints", "Endpoints", true),
  configmaps: resource("", "v1", "configmaps", "ConfigMap", true),
  secrets: resource("", "v1", "secrets", "Secret", true),
  serviceaccounts: resource("", "v1", "serviceaccounts", "ServiceAccount", true),
  events: resource("", "v1", "events", "Event", true),
  replicationcontrollers: resource("", "v1", "replicationcontrollers", "ReplicationController", true),
  podtemplates: resource("", "v1", "podtemplates", "PodTemplate", true),
  resourcequotas: resource("", "v1", "resourcequotas", "ResourceQuota", true),
  limitranges: resource("", "v1", "limitranges", "LimitRange", true),
  deployments: resource("apps", "v1", "deployments", "Deployment", true),
  replicasets: resource("apps", "v1", "replicasets", "ReplicaSet", true),
  statefulsets: resource("apps", "v1", "statefulsets", "StatefulSet", true),
  daemonsets: resource("apps", "v1", "daemonsets", "DaemonSet", true),
  controllerrevisions: resource("apps", "v1", "controllerrevisions", "ControllerRevision", true),
  jobs: resource("batch", "v1", "jobs", "Job", true),
  cronjobs: resource("batch", "v1", "cronjobs", "CronJob", true),
  leases: resource("coordination.k8s.io", "v1", "leases", "Lease", true),
  endpointslices: resource("discovery.k8s.io", "v1", "endpointslices", "EndpointSlice", true),
  eventsV1: resource("events.k8s.io", "v1", "events", "Event", true),
  priorityclasses: resource("scheduling.k8s.io", "v1", "priorityclasses", "PriorityClass", false),
} as const;

/** "apps/v1" or "v1". */
export function apiVersionOfResource(res: Resource): string {
  return res.group ? `${res.group}/${res.version}` : res.version;
}

/**
 * The URL path of a resource, a named object, or its subresource, as upstream:
 * `/api/v1/namespaces/default/pods/web/status`, `/apis/apps/v1/deployments`.
 */
export function resourcePath(res: Resource, options: { namespace?: string; name?: string; subresource?: string } = {}): string {
  let path = res.group ? `/apis/${res.group}/${res.version}` : `/api/${res.version}`;
  if (res.namespaced && options.namespace) path += `/namespaces/${encodeURIComponent(options.namespace)}`;
  path += `/${res.resource}`;
  if (options.name !== undefined) {
    path += `/${encodeURIComponent(options.name)}`;
    if (options.subresource) path += `/${options.subresource}`;
  }
  return path;
}
