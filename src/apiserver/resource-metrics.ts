// metrics.k8s.io/v1beta1 served from memory (upstream: the metrics-server aggregated API,
// pkg/api/node.go and pod.go): get and list of NodeMetrics and PodMetrics with label and
// field selectors; upstream's NotFound text for a node or pod without metrics.
import type { KubeObject, ResourceMetricsSource, RestRequest, RestResponse } from "../api/index.js";
import { nodeMetricsResource, podMetricsResource } from "../api/index.js";
import { ApiError } from "../machinery/index.js";
import { selectionFromQuery } from "./selection.js";

const prefix = "/apis/metrics.k8s.io/v1beta1/";

/** An extra route: answers metrics.k8s.io/v1beta1 nodes and pods paths, leaves the rest. */
export function resourceMetricsRoute(source: ResourceMetricsSource): (req: RestRequest) => RestResponse | undefined {
  return (req) => {
    if (!req.path.startsWith(prefix)) return undefined;
    const parts = req.path.slice(prefix.length).split("/").filter(Boolean).map(decodeURIComponent);
    let namespace: string | undefined;
    let plural: string | undefined;
    let name: string | undefined;
    if (parts[0] === "namespaces" && parts.length >= 3 && parts.length <= 4) [, namespace, plural, name] = parts;
    else if (parts.length >= 1 && parts.length <= 2) [plural, name] = parts;
    if (plural !== "nodes" && plural !== "pods") return undefined;
    if (plural === "nodes" && namespace !== undefined) return undefined;
    if (plural === "pods" && namespace === undefined && name !== undefined) return undefined;
    const rt = plural === "nodes" ? nodeMetricsResource : podMetricsResource;
    if (req.method !== "GET") throw ApiError.methodNotAllowed(req.method, { group: rt.group, resource: rt.plural });
    if (req.query.watch === "true" || req.query.watch === "1") throw ApiError.methodNotAllowed("watch", { group: rt.group, resource: rt.plural });
    const items: KubeObject[] = plural === "nodes" ? source.nodeMetrics() : source.podMetrics(namespace);
    if (name !== undefined) {
      const found = items.find((o) => o.metadata.name === name);
      if (!found) throw ApiError.notFound({ group: rt.group, resource: plural === "nodes" ? "nodemetrics" : "podmetrics" }, name);
      return { status: 200, body: found };
    }
    const selection = selectionFromQuery(rt, req.query);
    const chosen = selection.everything ? items : items.filter((o) => selection.matches(o));
    // Plain code-unit order (as Go's string compare); localeCompare costs ~10x at thousands of pods.
    const key = (o: KubeObject) => `${o.metadata.namespace ?? ""}/${o.metadata.name ?? ""}`;
    chosen.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
    return {
      status: 200,
      body: { kind: `${rt.kind}List`, apiVersion: "metrics.k8s.io/v1beta1", metadata: {}, items: chosen },
    };
  };
}
