// The service proxy's Prometheus metrics, upstream's names (pkg/proxy/metrics/metrics.go).
import { Counter, Histogram, Registry } from "prom-client";

/** Every service-proxy metric of this process; the agent serves it on the kubelet port's /metrics. */
export const proxyRegistry = new Registry();

const exp = (start: number, factor: number, count: number) => Array.from({ length: count }, (_, i) => start * factor ** i);

export const proxyMetrics = {
  syncDuration: new Histogram({
    name: "kubeproxy_sync_proxy_rules_duration_seconds",
    help: "[ALPHA] SyncProxyRules latency in seconds",
    buckets: exp(0.001, 2, 15),
    registers: [proxyRegistry],
  }),
  lastSync: new Counter({ name: "kubeproxy_sync_proxy_rules_total", help: "[ALPHA] Number of SyncProxyRules runs", registers: [proxyRegistry] }),
};
