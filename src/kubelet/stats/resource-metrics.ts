// GET /metrics/resource: the kubelet's resource metrics endpoint in the Prometheus text
// format, upstream's names and help (pkg/kubelet/metrics/collectors/resource_metrics.go),
// each sample with its own timestamp in ms as upstream. metrics-server scrapes this.
import type { Summary } from "./summary-types.js";

interface Family {
  name: string;
  help: string;
  type: "counter" | "gauge";
  samples: string[];
}

const esc = (v: string) => v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
const labels = (l: Record<string, string>) => {
  const parts = Object.entries(l).map(([k, v]) => `${k}="${esc(v)}"`);
  return parts.length ? `{${parts.join(",")}}` : "";
};
const ms = (time: string | undefined) => (time ? Date.parse(time) : undefined);
const sample = (name: string, l: Record<string, string>, value: number, time?: string) => {
  const t = ms(time);
  return `${name}${labels(l)} ${formatValue(value)}${t !== undefined && !Number.isNaN(t) ? ` ${t}` : ""}`;
};

function formatValue(v: number): string {
  if (Number.isInteger(v)) return String(v);
  return String(Number(v.toPrecision(15)));
}

/** The Summary (or an error reading it) as /metrics/resource text. */
export function resourceMetricsText(summary: Summary | undefined): string {
  const fam = (name: string, type: Family["type"], help: string): Family => ({ name, type, help: `[STABLE] ${help}`, samples: [] });
  const containerCpu = fam("container_cpu_usage_seconds_total", "counter", "Cumulative cpu time consumed by the container in core-seconds");
  const containerMem = fam("container_memory_working_set_bytes", "gauge", "Current working set of the container in bytes");
  const containerStart = fam("container_start_time_seconds", "gauge", "Start time of the container since unix epoch in seconds");
  const nodeCpu = fam("node_cpu_usage_seconds_total", "counter", "Cumulative cpu time consumed by the node in core-seconds");
  const nodeMem = fam("node_memory_working_set_bytes", "gauge", "Current working set of the node in bytes");
  const podCpu = fam("pod_cpu_usage_seconds_total", "counter", "Cumulative cpu time consumed by the pod in core-seconds");
  const podMem = fam("pod_memory_working_set_bytes", "gauge", "Current working set of the pod in bytes");
  const scrapeError = fam("resource_scrape_error", "gauge", "1 if there was an error while getting container metrics, 0 otherwise");
  if (summary) {
    const n = summary.node;
    if (n.cpu?.usageCoreNanoSeconds !== undefined) nodeCpu.samples.push(sample(nodeCpu.name, {}, n.cpu.usageCoreNanoSeconds / 1e9, n.cpu.time));
    if (n.memory?.workingSetBytes !== undefined) nodeMem.samples.push(sample(nodeMem.name, {}, n.memory.workingSetBytes, n.memory.time));
    for (const p of summary.pods) {
      const pl = { namespace: p.podRef.namespace, pod: p.podRef.name };
      if (p.cpu?.usageCoreNanoSeconds !== undefined) podCpu.samples.push(sample(podCpu.name, pl, p.cpu.usageCoreNanoSeconds / 1e9, p.cpu.time));
      if (p.memory?.workingSetBytes !== undefined) podMem.samples.push(sample(podMem.name, pl, p.memory.workingSetBytes, p.memory.time));
      for (const c of p.containers) {
        const cl = { container: c.name, namespace: p.podRef.namespace, pod: p.podRef.name };
        if (c.cpu?.usageCoreNanoSeconds !== undefined) containerCpu.samples.push(sample(containerCpu.name, cl, c.cpu.usageCoreNanoSeconds / 1e9, c.cpu.time));
        if (c.memory?.workingSetBytes !== undefined) containerMem.samples.push(sample(containerMem.name, cl, c.memory.workingSetBytes, c.memory.time));
        const started = Date.parse(c.startTime);
        if (!Number.isNaN(started) && started > 0) containerStart.samples.push(sample(containerStart.name, cl, started / 1000));
      }
    }
  }
  scrapeError.samples.push(sample(scrapeError.name, {}, summary ? 0 : 1));
  // Families in name order, as the Prometheus client's registry gathers them.
  const families = [containerCpu, containerMem, containerStart, nodeCpu, nodeMem, podCpu, podMem, scrapeError];
  return families.map((f) => [`# HELP ${f.name} ${f.help}`, `# TYPE ${f.name} ${f.type}`, ...f.samples].join("\n")).join("\n") + "\n";
}
