import { strict as assert } from "node:assert";
import { describe, it } from "node:test";
import { formatBytes, formatCpuNanoCores, formatDuration } from "./quantity-format.js";
import { parseResourceMetrics } from "./resource-text.js";

describe("metrics-server quantities", () => {
  it("writes CPU as resource.Quantity's canonical decimal form", () => {
    assert.equal(formatCpuNanoCores(0), "0");
    assert.equal(formatCpuNanoCores(1e9), "1");
    assert.equal(formatCpuNanoCores(1.5e9), "1500m");
    assert.equal(formatCpuNanoCores(250e6), "250m");
    assert.equal(formatCpuNanoCores(123456789), "123456789n");
    assert.equal(formatCpuNanoCores(2000), "2u");
  });

  it("writes memory in the largest exact binary suffix", () => {
    assert.equal(formatBytes(100 * 1024 * 1024), "100Mi");
    assert.equal(formatBytes(1536 * 1024), "1536Ki");
    assert.equal(formatBytes(1000), "1000");
    assert.equal(formatBytes(2 * 1024 ** 3), "2Gi");
  });

  it("writes windows as Go's time.Duration", () => {
    assert.equal(formatDuration(15_000), "15s");
    assert.equal(formatDuration(15_012), "15.012s");
    assert.equal(formatDuration(60_500), "1m0.5s");
    assert.equal(formatDuration(500), "500ms");
  });
});

describe("reading /metrics/resource", () => {
  it("keeps node and container points with their own timestamps and drops partial containers", () => {
    const text = [
      "# HELP node_cpu_usage_seconds_total [STABLE] Cumulative cpu time consumed by the node in core-seconds",
      "# TYPE node_cpu_usage_seconds_total counter",
      "node_cpu_usage_seconds_total 1234.5 1700000000123",
      "node_memory_working_set_bytes 1.073741824e+09 1700000000123",
      'container_cpu_usage_seconds_total{container="web",namespace="default",pod="a"} 12.5 1700000000100',
      'container_memory_working_set_bytes{container="web",namespace="default",pod="a"} 104857600 1700000000100',
      'container_start_time_seconds{container="web",namespace="default",pod="a"} 1.7e+09',
      'container_cpu_usage_seconds_total{container="half",namespace="default",pod="b"} 1 1700000000100',
      'container_cpu_usage_seconds_total{container="q\\"x",namespace="ns",pod="c"} 2 1700000000100',
      'container_memory_working_set_bytes{container="q\\"x",namespace="ns",pod="c"} 5 1700000000100',
      "resource_scrape_error 0",
    ].join("\n");
    const s = parseResourceMetrics(text, 42);
    assert.deepEqual(s.node, { cpu: 1234.5, ts: 1700000000123, memory: 1073741824 });
    assert.deepEqual(s.pods.get("default/a")?.get("web"), { cpu: 12.5, ts: 1700000000100, memory: 104857600, startTime: 1.7e9 });
    assert.equal(s.pods.has("default/b"), false, "a container with only CPU is left out");
    assert.equal(s.pods.get("ns/c")?.get('q"x')?.memory, 5);
  });
});
