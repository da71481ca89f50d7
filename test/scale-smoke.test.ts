import assert from "node:assert/strict";
import { readFile, rm } from "node:fs/promises";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { runScaleBench } from "../bench/scale-run.js";

// The scale benchmark's small preset as a smoke test: the real `k8ts server` and `k8ts sim`
// (100 nodes), 3,000 pods through Deployments, all Running. Timings are printed, not asserted.
describe("bench:scale small preset", () => {
  it("runs 3,000 pods on 100 simulated nodes to Running and writes its figures", { timeout: 240_000 }, async () => {
    const outDir = await mkdtemp(join(tmpdir(), "k8ts-scale-smoke-"));
    try {
      const r = await runScaleBench({ nodes: 100, pods: 3000, outDir, timeoutMs: 180_000, progress: () => undefined });
      assert.equal(r.allRunning, true, `only ${r.running} of 3000 pods Running`);
      assert.equal(r.running, 3000);
      assert.ok(r.scheduler.meanPodsPerSecond > 0);
      assert.equal(r.podStartupMs.count, 3000);
      assert.ok(r.apiMs.mutation.count > 0 && r.apiMs.get.count > 0, "API latency was sampled during the load");
      assert.ok(r.server.idleRssMiB > 0 && r.server.peakRssMiB >= r.server.idleRssMiB);
      assert.ok(r.storeBytes > 0);
      const json = JSON.parse(await readFile(r.files.json, "utf8")) as { running: number };
      assert.equal(json.running, 3000);
      assert.match(await readFile(r.files.svg, "utf8"), /^<svg /);
      console.log(`scale smoke: ${r.durations.fillSeconds} s to fill, ${r.scheduler.meanPodsPerSecond} pods/s, start-up p99 ${r.podStartupMs.p99} ms`);
    } finally {
      await rm(outDir, { recursive: true, force: true });
    }
  });
});
