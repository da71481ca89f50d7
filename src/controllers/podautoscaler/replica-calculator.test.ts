// Table-driven as upstream's replica_calculator_test.go: pods with phases, readiness and
// start times, metrics per pod, requests per container; a fixed clock.
import { strict as assert } from "node:assert";
import { describe, it } from "node:test";
import type { Pod } from "../../api/index.js";
import { milliOf, rawResourceReplicas, resourceReplicas, type PodMetrics } from "./replica-calculator.js";

const now = Date.parse("2026-11-26T12:00:00Z");
const iso = (ms: number) => new Date(ms).toISOString();

interface PodCase {
  phase?: "Running" | "Pending" | "Failed";
  ready?: boolean;
  /** ms before now the pod started (default 10 minutes). */
  startedAgo?: number;
  /** ms before now readiness last changed (default 9 minutes). */
  readyChangedAgo?: number;
  deleting?: boolean;
  request?: string;
}

function podsOf(cases: PodCase[]): Pod[] {
  return cases.map((c, i) => ({
    metadata: { name: `p${i}`, namespace: "default", ...(c.deleting ? { deletionTimestamp: iso(now) } : {}) },
    spec: { containers: [{ name: "c", image: "x", resources: c.request === undefined ? {} : { requests: { cpu: c.request, memory: c.request } } }] },
    status: {
      phase: c.phase ?? "Running",
      startTime: iso(now - (c.startedAgo ?? 10 * 60_000)),
      conditions: [{ type: "Ready", status: (c.ready ?? true) ? "True" : "False", lastTransitionTime: iso(now - (c.readyChangedAgo ?? 9 * 60_000)) }],
    },
  })) as Pod[];
}

function metricsOf(values: (number | undefined)[], window = 30_000): PodMetrics {
  const m: PodMetrics = new Map();
  values.forEach((v, i) => {
    if (v !== undefined) m.set(`p${i}`, { value: v, timestamp: now - 1000, windowMs: window });
  });
  return m;
}

interface Case {
  name: string;
  current: number;
  target: number;
  pods: PodCase[];
  /** millicores per pod (undefined: no metrics for that pod) */
  usage: (number | undefined)[];
  want: number | RegExp;
  wantUtilization?: number;
  wantRaw?: number;
}

const R = (request = "1", extra: Partial<PodCase> = {}): PodCase => ({ request, ...extra });

const cases: Case[] = [
  { name: "scales up when usage is over the target", current: 3, target: 30, pods: [R(), R(), R()], usage: [300, 500, 700], want: 5, wantUtilization: 50, wantRaw: 500 },
  { name: "scales down when usage is under the target", current: 5, target: 50, pods: [R(), R(), R(), R(), R()], usage: [100, 300, 500, 250, 250], want: 3, wantUtilization: 28, wantRaw: 280 },
  { name: "keeps the count within the tolerance of 0.1", current: 3, target: 100, pods: [R(), R(), R()], usage: [1010, 1030, 1020], want: 3, wantUtilization: 102 },
  { name: "just above the tolerance scales", current: 3, target: 100, pods: [R(), R(), R()], usage: [1100, 1120, 1150], want: 4, wantUtilization: 112 },
  { name: "one CPU used against a 50% target of a 1-core request doubles the pods", current: 1, target: 50, pods: [R()], usage: [1000], want: 2, wantUtilization: 100, wantRaw: 1000 },
  { name: "uses requests as the denominator (milli-cores)", current: 2, target: 50, pods: [R("200m"), R("200m")], usage: [200, 200], want: 4, wantUtilization: 100 },
  {
    name: "on a scale up, unready pods count as using nothing",
    current: 3,
    target: 50,
    pods: [R("1", { ready: false, startedAgo: 60_000, readyChangedAgo: 60_000 }), R(), R()],
    usage: [100, 900, 900],
    want: 4,
    wantUtilization: 90,
  },
  {
    name: "a CPU sample of a pod that became ready less than a window ago is ignored",
    current: 3,
    target: 50,
    pods: [R("1", { startedAgo: 60_000, readyChangedAgo: 10_000 }), R(), R()],
    usage: [1000, 900, 900],
    want: 4,
    wantUtilization: 90,
  },
  {
    name: "an ignored sample that would flip the direction keeps the count",
    current: 3,
    target: 50,
    pods: [R("1", { startedAgo: 60_000, readyChangedAgo: 10_000 }), R(), R()],
    usage: [1000, 600, 600],
    want: 3,
    wantUtilization: 60,
  },
  { name: "pending pods are unready: they count as 0 on a scale up", current: 3, target: 50, pods: [R("1", { phase: "Pending" }), R(), R()], usage: [undefined, 1000, 1000], want: 4 },
  { name: "pending pods at 0 can bring the ratio back within tolerance", current: 3, target: 50, pods: [R("1", { phase: "Pending" }), R(), R()], usage: [undefined, 800, 800], want: 3 },
  { name: "failed and deleted pods are ignored", current: 4, target: 50, pods: [R("1", { phase: "Failed" }), R("1", { deleting: true }), R(), R()], usage: [2000, 2000, 500, 500], want: 4, wantUtilization: 50 },
  { name: "on a scale down, pods without metrics count as using their whole request", current: 3, target: 50, pods: [R(), R(), R()], usage: [100, 100, undefined], want: 3, wantUtilization: 10 },
  {
    name: "on a scale down, missing pods use 100% which can still allow a smaller scale down",
    current: 4,
    target: 50,
    pods: [R(), R(), R(), R()],
    usage: [50, 50, 50, undefined],
    want: 3,
    wantUtilization: 5,
  },
  { name: "on a scale up, missing pods count as using nothing", current: 3, target: 50, pods: [R(), R(), R()], usage: [1000, 1000, undefined], want: 4, wantUtilization: 100 },
  { name: "a missing pod that flips the direction cancels the change", current: 2, target: 50, pods: [R(), R()], usage: [600, undefined], want: 2, wantUtilization: 60 },
  { name: "no pods is an error", current: 1, target: 50, pods: [], usage: [], want: /no pods returned by selector while calculating replica count/ },
  { name: "only unready pods is an error", current: 2, target: 50, pods: [R("1", { phase: "Pending" }), R("1", { phase: "Pending" })], usage: [500, 500], want: /did not receive metrics for targeted pods \(pods might be unready\)/ },
  { name: "a container without a request is an error", current: 1, target: 50, pods: [{}], usage: [500], want: /missing request for cpu in container c of Pod p0/ },
];

describe("replica calculator: resource utilization (GetResourceReplicas)", () => {
  for (const c of cases) {
    it(c.name, () => {
      const run = () => resourceReplicas({ currentReplicas: c.current, targetUtilization: c.target, resource: "cpu", pods: podsOf(c.pods), metrics: metricsOf(c.usage) }, { now });
      if (c.want instanceof RegExp) {
        assert.throws(run, c.want);
        return;
      }
      const r = run();
      assert.equal(r.replicas, c.want);
      if (c.wantUtilization !== undefined) assert.equal(r.utilization, c.wantUtilization);
      if (c.wantRaw !== undefined) assert.equal(r.rawAverage, c.wantRaw);
    });
  }

  it("memory samples are never held back by readiness timing", () => {
    const pods = podsOf([R("100Mi", { startedAgo: 10_000, readyChangedAgo: 1000 }), R("100Mi")]);
    const Mi = 1024 * 1024 * 1000;
    const r = resourceReplicas({ currentReplicas: 2, targetUtilization: 50, resource: "memory", pods, metrics: metricsOf([100 * Mi, 100 * Mi]) }, { now });
    assert.equal(r.replicas, 4);
  });

  it("a per-direction tolerance from behavior widens the dead band", () => {
    const r = resourceReplicas({ currentReplicas: 3, targetUtilization: 100, resource: "cpu", pods: podsOf([R(), R(), R()]), metrics: metricsOf([1150, 1150, 1150]) }, { now, tolerances: { scaleUp: 0.2, scaleDown: 0.1 } });
    assert.equal(r.replicas, 3);
  });
});

describe("replica calculator: average value (GetRawResourceReplicas)", () => {
  const table: { name: string; current: number; target: number; usage: (number | undefined)[]; want: number }[] = [
    { name: "scales up to bring the average to the target", current: 2, target: 500, usage: [1000, 1000], want: 4 },
    { name: "scales down", current: 4, target: 500, usage: [100, 100, 100, 100], want: 1 },
    { name: "within tolerance keeps the count", current: 2, target: 500, usage: [520, 530], want: 2 },
    { name: "missing pods count as the target on a scale down", current: 3, target: 500, usage: [100, 100, undefined], want: 2 },
  ];
  for (const c of table) {
    it(c.name, () => {
      const pods = podsOf(c.usage.map(() => R()));
      assert.equal(rawResourceReplicas({ currentReplicas: c.current, targetAverageMilli: c.target, resource: "cpu", pods, metrics: metricsOf(c.usage) }, { now }).replicas, c.want);
    });
  }
});

describe("quantities in milli-units", () => {
  it("reads decimal and binary suffixes as MilliValue", () => {
    assert.equal(milliOf("250m"), 250);
    assert.equal(milliOf("1"), 1000);
    assert.equal(milliOf("1.5"), 1500);
    assert.equal(milliOf("123456789n"), 124);
    assert.equal(milliOf("100Mi"), 104857600000);
    assert.equal(milliOf("1k"), 1_000_000);
  });
});
