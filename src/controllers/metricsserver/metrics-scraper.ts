// k8ts server's built-in metrics-server (kubernetes-sigs/metrics-server pkg/scraper and
// pkg/storage): every 15 s it reads each node's /metrics/resource, keeps the last two
// points of every node and container, and answers metrics.k8s.io from the rate between
// them (the "latest window"); nothing older stays in memory.
import { request, type RequestOptions } from "node:https";
import { createSecureContext, type SecureContext } from "node:tls";
import type { Node, NodeMetrics, Pod, PodMetrics, ResourceMetricsSource } from "../../api/index.js";
import { Informer, realClock, resource, type Client, type Clock, type InformerFactory } from "../../client/index.js";
import { formatBytes, formatCpuNanoCores, formatDuration } from "./quantity-format.js";
import { parseResourceMetrics, type NodeScrape, type ResourcePoint } from "./resource-text.js";

const nodes = resource<Node>("", "v1", "nodes", "Node", false);
const pods = resource<Pod>("", "v1", "pods", "Pod", true);

/** Reads one node's /metrics/resource text; the default goes over HTTPS to the kubelet. */
export type NodeFetcher = (node: Node, signal: AbortSignal) => Promise<string>;

export interface MetricsScraperOptions {
  /** Shared informers (tests); or `client`, for slim informers of its own started by `start`. */
  informers?: InformerFactory;
  client?: Client;
  /** The client certificate kubelets accept (apiserver-kubelet-client) and the CA of their serving certificates. */
  tls?: { cert: string; key: string; ca?: string };
  /** Replaces the HTTPS fetch (tests, `k8ts sim`). */
  fetchNode?: NodeFetcher;
  /** --metric-resolution (default 15 s). */
  intervalMs?: number;
  /** Per-node deadline (default 10 s). */
  timeoutMs?: number;
  /** Nodes scraped at once (default 64). */
  concurrency?: number;
  clock?: Clock;
  onError?: (key: string, err: unknown) => void;
}

interface NodeWindow {
  prev?: NodeScrape;
  cur?: NodeScrape;
}

const rfc3339 = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

/** Where the kubelet listens: InternalIP (else another address) and the daemonEndpoints port. */
export function kubeletEndpoint(node: Node): { host: string; port: number } {
  const addrs = node.status?.addresses ?? [];
  const pick = ["InternalIP", "Hostname", "ExternalIP"].map((t) => addrs.find((a) => a.type === t)).find(Boolean);
  return { host: pick?.address ?? node.metadata.name ?? "", port: node.status?.daemonEndpoints?.kubeletEndpoint?.Port || 10250 };
}

/** https.request hands its options to tls.connect, which takes a ready `secureContext` (absent from https.RequestOptions' type). */
function withSecureContext(options: RequestOptions, secureContext: SecureContext): RequestOptions {
  return Object.assign(options, { secureContext });
}

export function httpsNodeFetcher(tls: { cert: string; key: string; ca?: string }, timeoutMs: number): NodeFetcher {
  // One TLS context for every scrape: passing cert/key/ca per request makes Node build a
  // new context (parsing the key) per connection — 6% of the server's CPU at 1,000 nodes.
  const secureContext = createSecureContext({ cert: tls.cert, key: tls.key, ca: tls.ca });
  return (node, signal) =>
    new Promise((resolve, reject) => {
      const { host, port } = kubeletEndpoint(node);
      const req = request(
        // Kubelet serving certificates name the node, not its address; metrics-server's --kubelet-insecure-tls
        // is the common setting, and the client certificate is what authenticates here.
        withSecureContext({ host, port, path: "/metrics/resource", method: "GET", rejectUnauthorized: false, signal, timeout: timeoutMs }, secureContext),
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => (res.statusCode === 200 ? resolve(Buffer.concat(chunks).toString("utf8")) : reject(new Error(`request failed, status: ${res.statusCode}`))));
          res.on("error", reject);
        },
      );
      req.on("timeout", () => req.destroy(new Error("request timed out")));
      req.on("error", reject);
      req.end();
    });
}

/** Rate between two points of the same counter, in cores; undefined when not comparable. */
function rate(prev: ResourcePoint | undefined, cur: ResourcePoint): number | undefined {
  if (!prev || cur.ts <= prev.ts || cur.cpu < prev.cpu) return undefined;
  if (prev.startTime !== undefined && cur.startTime !== undefined && prev.startTime !== cur.startTime) return undefined;
  return (cur.cpu - prev.cpu) / ((cur.ts - prev.ts) / 1000);
}

export class MetricsScraper implements ResourceMetricsSource {
  private readonly nodes: Informer<Node>;
  private readonly pods: Informer<Pod>;
  private readonly windows = new Map<string, NodeWindow>();
  private readonly clock: Clock;
  private readonly fetchNode: NodeFetcher;

  /** Informers this scraper owns (built from `client`), started with it. */
  private readonly own: Informer<Node | Pod>[] = [];
  /** PodMetrics built once per scrape round, by namespace. */
  private podCache: Map<string, PodMetrics[]> | undefined;

  constructor(private readonly options: MetricsScraperOptions) {
    if (options.informers) {
      this.nodes = options.informers.informer(nodes);
      this.pods = options.informers.informer(pods);
    } else if (options.client) {
      // Only what the pipeline reads is cached: at 150,000 pods a second full pod cache would cost hundreds of MiB.
      this.nodes = new Informer<Node>({ client: options.client, resource: nodes, transform: slimNode, onError: (err) => options.onError?.("informer nodes", err) });
      this.pods = new Informer<Pod>({ client: options.client, resource: pods, transform: slimPod, onError: (err) => options.onError?.("informer pods", err) });
      this.own.push(this.nodes as Informer<Node | Pod>, this.pods as Informer<Node | Pod>);
    } else throw new Error("MetricsScraper needs informers or a client");
    this.pods.addHandler({ add: () => (this.podCache = undefined), delete: () => (this.podCache = undefined), update: (a, b) => void (JSON.stringify(a.metadata.labels ?? {}) !== JSON.stringify(b.metadata.labels ?? {}) && (this.podCache = undefined)) });
    this.clock = options.clock ?? realClock;
    this.fetchNode = options.fetchNode ?? httpsNodeFetcher(options.tls ?? { cert: "", key: "" }, options.timeoutMs ?? 10_000);
  }

  async start(signal: AbortSignal): Promise<void> {
    for (const inf of this.own) void inf.start(signal).catch((err: unknown) => this.options.onError?.("informer", err));
    if (!(await this.nodes.waitForSync(signal)) || !(await this.pods.waitForSync(signal))) return;
    while (!signal.aborted) {
      await this.scrapeOnce(signal);
      await this.clock.sleep(this.options.intervalMs ?? 15_000, signal).catch(() => undefined);
    }
  }

  /** Scrapes every node once (at most `concurrency` at a time) and forgets nodes that are gone. */
  async scrapeOnce(signal: AbortSignal): Promise<void> {
    const list = this.nodes.list();
    const names = new Set(list.map((n) => n.metadata.name ?? ""));
    for (const name of this.windows.keys()) if (!names.has(name)) this.windows.delete(name);
    let next = 0;
    const worker = async () => {
      while (next < list.length && !signal.aborted) {
        const node = list[next++]!;
        const name = node.metadata.name ?? "";
        try {
          const text = await this.fetchNode(node, AbortSignal.any([signal, AbortSignal.timeout(this.options.timeoutMs ?? 10_000)]));
          const scrape = parseResourceMetrics(text, this.clock.now());
          const w = this.windows.get(name) ?? {};
          this.windows.set(name, { prev: w.cur, cur: scrape });
        } catch (err) {
          if (!signal.aborted) this.options.onError?.(`node ${name}`, err);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.options.concurrency ?? 64, list.length) }, worker));
    this.podCache = undefined;
  }

  nodeMetrics(): NodeMetrics[] {
    const out: NodeMetrics[] = [];
    for (const node of this.nodes.list()) {
      const name = node.metadata.name ?? "";
      const w = this.windows.get(name);
      const cur = w?.cur?.node;
      if (!cur) continue;
      const cores = rate(w.prev?.node, cur);
      if (cores === undefined) continue;
      out.push({
        apiVersion: "metrics.k8s.io/v1beta1",
        kind: "NodeMetrics",
        metadata: { name, creationTimestamp: rfc3339(this.clock.now()), labels: { ...node.metadata.labels } },
        timestamp: rfc3339(cur.ts),
        window: formatDuration(cur.ts - w.prev!.node!.ts),
        usage: { cpu: formatCpuNanoCores(cores * 1e9), memory: formatBytes(cur.memory) },
      });
    }
    return out;
  }

  /** Answered from the round's cache (rebuilt after each scrape and when pods come, go or change labels); copies, so callers may change them. */
  podMetrics(namespace?: string): PodMetrics[] {
    const cache = (this.podCache ??= this.buildPodMetrics());
    const pick = namespace !== undefined ? (cache.get(namespace) ?? []) : [...cache.values()].flat();
    return pick.map((m) => ({ ...m, metadata: { ...m.metadata, labels: { ...m.metadata.labels } }, containers: m.containers.map((c) => ({ name: c.name, usage: { ...c.usage } })) }));
  }

  private buildPodMetrics(): Map<string, PodMetrics[]> {
    const byNamespace = new Map<string, PodMetrics[]>();
    for (const m of this.computePodMetrics()) {
      const ns = m.metadata.namespace ?? "";
      let list = byNamespace.get(ns);
      if (!list) byNamespace.set(ns, (list = []));
      list.push(m);
    }
    return byNamespace;
  }

  private computePodMetrics(): PodMetrics[] {
    const out: PodMetrics[] = [];
    for (const pod of this.pods.list()) {
      const w = pod.spec?.nodeName ? this.windows.get(pod.spec.nodeName) : undefined;
      if (!w?.cur) continue;
      const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
      const cur = w.cur.pods.get(key);
      if (!cur) continue;
      const prev = w.prev?.pods.get(key);
      const containers: PodMetrics["containers"] = [];
      let ts = 0;
      let windowMs = 0;
      let complete = true;
      for (const [cname, point] of cur) {
        const cores = rate(prev?.get(cname), point);
        if (cores === undefined) {
          complete = false;
          break;
        }
        if (point.ts > ts) {
          ts = point.ts;
          windowMs = point.ts - prev!.get(cname)!.ts;
        }
        containers.push({ name: cname, usage: { cpu: formatCpuNanoCores(cores * 1e9), memory: formatBytes(point.memory) } });
      }
      // As metrics-server: a pod is reported only when every container has a window.
      if (!complete || containers.length === 0) continue;
      containers.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      out.push({
        apiVersion: "metrics.k8s.io/v1beta1",
        kind: "PodMetrics",
        metadata: { name: pod.metadata.name, namespace: pod.metadata.namespace, creationTimestamp: rfc3339(this.clock.now()), labels: { ...pod.metadata.labels } },
        timestamp: rfc3339(ts),
        window: formatDuration(windowMs),
        containers,
      });
    }
    return out;
  }
}

function slimNode(n: Node): Node {
  return {
    apiVersion: n.apiVersion,
    kind: n.kind,
    metadata: { name: n.metadata.name, labels: n.metadata.labels, resourceVersion: n.metadata.resourceVersion, uid: n.metadata.uid },
    status: { addresses: n.status?.addresses, daemonEndpoints: n.status?.daemonEndpoints },
  } as Node;
}

function slimPod(p: Pod): Pod {
  return {
    apiVersion: p.apiVersion,
    kind: p.kind,
    metadata: { name: p.metadata.name, namespace: p.metadata.namespace, labels: p.metadata.labels, resourceVersion: p.metadata.resourceVersion, uid: p.metadata.uid },
    spec: { nodeName: p.spec?.nodeName, containers: [] },
  } as Pod;
}
