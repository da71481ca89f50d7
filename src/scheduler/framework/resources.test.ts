import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Container } from "../../api/index.js";
import { makePod } from "../_testing.js";
import { podRequests } from "./resources.js";

const c = (name: string, cpu: string, restartPolicy?: string): Container => ({ name, image: "x", resources: { requests: { cpu } }, restartPolicy });

describe("podRequests (init containers and overhead as upstream)", () => {
  const cases = [
    { name: "sums the containers", containers: [c("a", "100m"), c("b", "200m")], init: [], want: 300 },
    { name: "a bigger init container wins: max(max(init), sum(containers))", containers: [c("a", "100m"), c("b", "200m")], init: [c("i", "500m")], want: 500 },
    { name: "a smaller init container does not add", containers: [c("a", "300m")], init: [c("i", "200m")], want: 300 },
    { name: "sidecars (restartPolicy Always) run beside the containers", containers: [c("a", "300m")], init: [c("s", "100m", "Always")], want: 400 },
    { name: "an init container after a sidecar runs beside it", containers: [c("a", "300m")], init: [c("s", "100m", "Always"), c("i", "350m")], want: 450 },
  ];
  for (const t of cases) {
    it(t.name, () => {
      assert.equal(podRequests(makePod("p", { containers: t.containers, initContainers: t.init })).milliCPU, t.want);
    });
  }

  it("adds spec.overhead", () => {
    const r = podRequests(makePod("p", { cpu: "250m", memory: "64Mi", overhead: { cpu: "50m", memory: "16Mi" } }));
    assert.deepEqual([r.milliCPU, r.memory], [300, 80 * 1024 * 1024]);
  });

  it("counts 100m and 200Mi for containers without requests when scoring", () => {
    const r = podRequests(makePod("p", { containers: [{ name: "a", image: "x" }, { name: "b", image: "x", resources: { requests: { cpu: "1" } } }] }), { nonZero: true });
    assert.deepEqual([r.milliCPU, r.memory], [1100, 400 * 1024 * 1024]);
  });
});
