import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Affinity, PodAffinityTerm } from "../../../api/index.js";
import { SchedulerCache } from "../../cache/cache.js";
import { filterSummary, makeNode, makePod, makeSnapshot, scoreEach } from "../../_testing.js";
import { interPodAffinity } from "./inter-pod-affinity.js";

const term = (app: string, topologyKey: string): PodAffinityTerm => ({ labelSelector: { matchLabels: { app } }, topologyKey });
const hostname = "kubernetes.io/hostname";

describe("InterPodAffinity", () => {
  const nodes = [
    makeNode("n1", { labels: { zone: "z1" } }),
    makeNode("n2", { labels: { zone: "z1" } }),
    makeNode("n3", { labels: { zone: "z2" } }),
    makeNode("n4"), // no zone label
  ];
  const existing = [
    makePod("db", { nodeName: "n1", labels: { app: "db" } }),
    makePod("cache", { nodeName: "n3", labels: { app: "cache" }, affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term("web", hostname)] } } }),
  ];
  const snapshot = makeSnapshot(nodes, existing);
  const affinityMiss = "UnschedulableAndUnresolvable: node(s) didn't match pod affinity rules";
  const antiMiss = "Unschedulable: node(s) didn't match pod anti-affinity rules";
  const existingMiss = "Unschedulable: node(s) didn't satisfy existing pods anti-affinity rules";
  const cases: { name: string; labels?: Record<string, string>; affinity?: Affinity; namespace?: string; want: Record<string, string> }[] = [
    {
      name: "required affinity: nodes in the same zone as a matching pod",
      affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term("db", "zone")] } },
      want: { n1: "ok", n2: "ok", n3: affinityMiss, n4: affinityMiss },
    },
    {
      name: "required anti-affinity: not on the node of a matching pod",
      affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term("db", hostname)] } },
      want: { n1: antiMiss, n2: "ok", n3: "ok", n4: "ok" },
    },
    {
      name: "anti-affinity by zone keeps the whole zone out",
      affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term("db", "zone")] } },
      want: { n1: antiMiss, n2: antiMiss, n3: "ok", n4: "ok" },
    },
    { name: "existing pods' anti-affinity keeps a matching pod away", labels: { app: "web" }, want: { n1: "ok", n2: "ok", n3: existingMiss, n4: "ok" } },
    {
      name: "the first pod of a self-affine group may go anywhere with the topology label",
      labels: { group: "g1" },
      affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { group: "g1" } }, topologyKey: "zone" }] } },
      want: { n1: "ok", n2: "ok", n3: "ok", n4: affinityMiss },
    },
    {
      name: "terms select pods in the pod's own namespace by default",
      namespace: "other",
      affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term("db", "zone")] } },
      want: { n1: affinityMiss, n2: affinityMiss, n3: affinityMiss, n4: affinityMiss },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(filterSummary(interPodAffinity, makePod("p", { labels: c.labels, affinity: c.affinity, namespace: c.namespace }), snapshot), c.want);
    });
  }

  it("namespaceSelector picks namespaces by their labels", () => {
    const cache = new SchedulerCache((ns) => (ns === "default" ? { team: "data" } : undefined));
    for (const n of nodes) cache.addNode(n);
    for (const p of existing) cache.addPod(p);
    const affinity: Affinity = { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ ...term("db", "zone"), namespaceSelector: { matchLabels: { team: "data" } } }] } };
    assert.deepEqual(filterSummary(interPodAffinity, makePod("p", { namespace: "other", affinity }), cache), { n1: "ok", n2: "ok", n3: affinityMiss, n4: affinityMiss });
  });

  it("scores preferred affinity by topology, scaled between the lowest and highest", () => {
    const affinity: Affinity = {
      podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, podAffinityTerm: term("db", "zone") }] },
      podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 5, podAffinityTerm: term("cache", hostname) }] },
    };
    // z1 nodes +10, n3 −5, n4 0 → (s − min) / (max − min)
    assert.deepEqual(scoreEach(interPodAffinity, makePod("p", { affinity }), snapshot), { n1: 100, n2: 100, n3: 0, n4: 33 });
  });
});
