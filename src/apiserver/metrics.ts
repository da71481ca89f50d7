// The API server's Prometheus metrics, upstream's names and labels
// (staging/src/k8s.io/apiserver/pkg/endpoints/metrics/metrics.go, storage/etcd3/metrics):
// apiserver_request_total, apiserver_request_duration_seconds,
// apiserver_current_inflight_requests, apiserver_storage_objects,
// etcd_request_duration_seconds (for the store, whatever the backend).
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import { isApiError } from "../machinery/index.js";
import type { KindRegistry, RestRequest, RestResponse } from "../api/index.js";
import type { Store } from "../storage/index.js";
import { queryBool } from "./query.js";
import { parseResourcePath } from "./request-info.js";

/** Every API server metric of this process. */
export const apiserverRegistry = new Registry();

const requestTotal = new Counter({
  name: "apiserver_request_total",
  help: "[STABLE] Counter of apiserver requests broken out for each verb, dry run value, group, version, resource, scope, component, and HTTP response code.",
  labelNames: ["verb", "dry_run", "group", "version", "resource", "subresource", "scope", "component", "code"],
  registers: [apiserverRegistry],
});
const requestDuration = new Histogram({
  name: "apiserver_request_duration_seconds",
  help: "[STABLE] Response latency distribution in seconds for each verb, dry run value, group, version, resource, subresource, scope and component.",
  labelNames: ["verb", "dry_run", "group", "version", "resource", "subresource", "scope", "component"],
  buckets: [0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1, 1.25, 1.5, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 45, 60],
  registers: [apiserverRegistry],
});
const inflight = new Gauge({
  name: "apiserver_current_inflight_requests",
  help: "[STABLE] Maximal number of currently used inflight request limit of this apiserver per request kind in last second.",
  labelNames: ["request_kind"],
  registers: [apiserverRegistry],
});
const etcdDuration = new Histogram({
  name: "etcd_request_duration_seconds",
  help: "[ALPHA] Etcd request latency in seconds for each operation and object type.",
  labelNames: ["operation", "type"],
  buckets: [0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1, 1.25, 1.5, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 45, 60],
  registers: [apiserverRegistry],
});
// Defined with the others (not when tracking starts): Registry.merge copies the metrics a registry has at that moment.
const storageObjects = new Gauge({ name: "apiserver_storage_objects", help: "[STABLE] Number of stored objects at the time of last check split by kind.", labelNames: ["resource"], registers: [apiserverRegistry] });
inflight.set({ request_kind: "readOnly" }, 0);
inflight.set({ request_kind: "mutating" }, 0);

interface RequestLabels {
  verb: string;
  dry_run: string;
  group: string;
  version: string;
  resource: string;
  subresource: string;
  scope: string;
  component: string;
}

/** Upstream's verb names in metrics: LIST/WATCH split from GET, APPLY from PATCH, CONNECT for connect subresources. */
function labelsOf(req: RestRequest): { labels: RequestLabels; longRunning: boolean; mutating: boolean } {
  const info = parseResourcePath(req.path);
  const method = req.method;
  let verb: string = method;
  let longRunning = false;
  if (info) {
    if (method === "GET" && !info.name) verb = queryBool(req.query, "watch") ? "WATCH" : "LIST";
    if (method === "PATCH" && req.contentType?.startsWith("application/apply-patch")) verb = "APPLY";
    if (["log", "exec", "attach", "portforward", "proxy"].includes(info.subresource)) {
      verb = "CONNECT";
      longRunning = true;
    }
    if (verb === "WATCH") longRunning = true;
  }
  const scope = !info ? "" : info.name ? "resource" : info.namespace ? "namespace" : "cluster";
  return {
    labels: {
      verb,
      dry_run: req.query.dryRun ?? "",
      group: info?.group ?? "",
      version: info?.version ?? "",
      resource: info?.resource ?? "",
      subresource: info?.subresource ?? "",
      scope,
      component: "apiserver",
    },
    longRunning,
    mutating: method !== "GET",
  };
}

/** Counts and times one request through `handle` (both the HTTPS edge and in-process clients). */
export async function observeRequest(req: RestRequest, handle: (req: RestRequest) => Promise<RestResponse>): Promise<RestResponse> {
  const { labels, longRunning, mutating } = labelsOf(req);
  const kind = mutating ? "mutating" : "readOnly";
  const start = performance.now();
  if (!longRunning) inflight.inc({ request_kind: kind });
  let code = 500;
  try {
    const res = await handle(req);
    code = res.status;
    return res;
  } catch (err) {
    // A refusal thrown as an ApiError is answered with its own code (404, 409…), not 500.
    if (isApiError(err)) code = err.code;
    throw err;
  } finally {
    if (!longRunning) inflight.dec({ request_kind: kind });
    requestTotal.inc({ ...labels, code: String(code) });
    if (!longRunning) requestDuration.observe(labels, (performance.now() - start) / 1000);
  }
}

/** "pods", "deployments.apps": upstream's `type` label, from a store key /registry/<group>/<plural>/… */
function typeOfKey(key: string): string {
  const parts = key.split("/");
  const group = parts[2] ?? "";
  const plural = parts[3] ?? "";
  return group === "core" || group === "" ? plural : `${plural}.${group}`;
}

/** The store with every call timed into etcd_request_duration_seconds, upstream's operation names. */
export function instrumentStore(store: Store): Store {
  const timed = <T>(operation: string, key: string, p: Promise<T>): Promise<T> => {
    const end = etcdDuration.startTimer({ operation, type: typeOfKey(key) });
    return p.finally(() => end());
  };
  return {
    get: (key, options) => timed("get", key, store.get(key, options)),
    range: (prefix, options) => timed("listWithCount", prefix, store.range(prefix, options)),
    count: (prefix) => timed("count", prefix, store.count(prefix)),
    create: (key, value) => timed("create", key, store.create(key, value)),
    update: (key, value, options) => timed("update", key, store.update(key, value, options)),
    delete: (key, options) => timed("delete", key, store.delete(key, options)),
    watch: (prefix, options) => store.watch(prefix, options),
    compact: (revision) => store.compact(revision),
    currentRevision: () => store.currentRevision(),
    compactedRevision: () => store.compactedRevision(),
    close: () => store.close(),
  } satisfies Store;
}

/**
 * apiserver_storage_objects{resource}: the number of stored objects per resource,
 * counted at most once a minute (upstream refreshes it on the same period).
 */
export function trackStorageObjects(store: Store, registry: KindRegistry, options: { intervalMs?: number; signal: AbortSignal }): void {
  const gauge = storageObjects;
  const refresh = async () => {
    const seen = new Set<string>();
    for (const rt of registry.all()) {
      const name = rt.group ? `${rt.plural}.${rt.group}` : rt.plural;
      // Kinds that are never stored (reviews, metrics) are left out.
      if (seen.has(name) || (rt.verbs && !rt.verbs.includes("watch")) || rt.strategy?.respondToCreate) continue;
      seen.add(name);
      try {
        gauge.set({ resource: name }, await store.count(`/registry/${rt.group || "core"}/${rt.plural}/`));
      } catch {
        // The store is closing or unavailable: keep the last figure.
      }
    }
  };
  void refresh();
  const timer = setInterval(() => void refresh(), options.intervalMs ?? 60_000);
  timer.unref();
  options.signal.addEventListener("abort", () => clearInterval(timer), { once: true });
}

/** GET /metrics: `text()` or, by default, the API server's registry. */
export function metricsRoute(text?: () => Promise<{ contentType: string; text: string }>): (req: RestRequest) => Promise<RestResponse | undefined> {
  return async (req) => {
    if (req.path !== "/metrics") return undefined;
    if (req.method !== "GET") return { status: 405, body: undefined, text: "method not allowed" };
    const m = text ? await text() : { contentType: apiserverRegistry.contentType, text: await apiserverRegistry.metrics() };
    return { status: 200, body: undefined, raw: { contentType: m.contentType, data: Buffer.from(m.text) } };
  };
}
