// Reads a kubelet's /metrics/resource (Prometheus text with ms timestamps) into the
// figures metrics-server keeps: cumulative CPU seconds, working set bytes, start time.

export interface ResourcePoint {
  /** Cumulative core-seconds. */
  cpu: number;
  /** When the sample was taken (ms since the epoch). */
  ts: number;
  memory: number;
  /** Container start (s since the epoch); restarts reset the counter. */
  startTime?: number;
}

export interface NodeScrape {
  node?: ResourcePoint;
  /** "namespace/pod" → container name → point. */
  pods: Map<string, Map<string, ResourcePoint>>;
}

const lineRe = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+(-?\d+))?\s*$/;
const labelRe = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

function parseLabels(text: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!text) return out;
  for (const m of text.matchAll(labelRe)) out[m[1]!] = m[2]!.replace(/\\n/g, "\n").replace(/\\"/g, '"').replace(/\\\\/g, "\\");
  return out;
}

export function parseResourceMetrics(text: string, scrapedAt: number): NodeScrape {
  const result: NodeScrape = { pods: new Map() };
  const nodePart: Partial<ResourcePoint> = {};
  const point = (ns: string, pod: string, container: string): Partial<ResourcePoint> => {
    const key = `${ns}/${pod}`;
    let m = result.pods.get(key);
    if (!m) result.pods.set(key, (m = new Map()));
    let p = m.get(container);
    if (!p) m.set(container, (p = { cpu: Number.NaN, ts: 0, memory: Number.NaN }));
    return p;
  };
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const m = lineRe.exec(line);
    if (!m) continue;
    const name = m[1]!;
    const value = Number(m[3]);
    const ts = m[4] ? Number(m[4]) : scrapedAt;
    switch (name) {
      case "node_cpu_usage_seconds_total":
        nodePart.cpu = value;
        nodePart.ts = ts;
        break;
      case "node_memory_working_set_bytes":
        nodePart.memory = value;
        break;
      case "container_cpu_usage_seconds_total":
      case "container_memory_working_set_bytes":
      case "container_start_time_seconds": {
        const l = parseLabels(m[2]);
        if (!l.namespace || !l.pod || !l.container) break;
        const p = point(l.namespace, l.pod, l.container);
        if (name === "container_cpu_usage_seconds_total") {
          p.cpu = value;
          p.ts = ts;
        } else if (name === "container_memory_working_set_bytes") p.memory = value;
        else p.startTime = value;
        break;
      }
    }
  }
  if (nodePart.cpu !== undefined && nodePart.memory !== undefined) result.node = nodePart as ResourcePoint;
  // Containers with both figures only (metrics-server drops partial ones).
  for (const [key, containers] of result.pods) {
    for (const [c, p] of containers) if (Number.isNaN(p.cpu) || Number.isNaN(p.memory)) containers.delete(c);
    if (containers.size === 0) result.pods.delete(key);
  }
  return result;
}
