// End to end: a node that dies inside the real `k8ts server` (scheduler, replicaset,
// node lifecycle and taint-eviction controllers). Three fake nodes (stand-in kubelets
// from the harness) run a ReplicaSet's pods; one stops renewing its Lease → within the
// grace period (--node-monitor-grace-period 5s here) and a few seconds it is NotReady in
// `kubectl get nodes`, carries the unreachable taints, its pods are evicted once their
// tolerationSeconds run out, and the ReplicaSet's replacements run on the other nodes.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { Client, httpTransport, loadKubeconfig, type HttpTransport } from "../../src/client/index.js";
import { kubectl, kubectlBin, startFakeNodes, startK8tsServer, type FakeNodes, type K8tsServerProcess } from "../harness/index.js";

const needsKubectl = { skip: existsSync(kubectlBin) ? false : "run `npm run tools` for kubectl" } as const;
const graceSeconds = 5;

const replicaSet = `apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: web
spec:
  replicas: 6
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      tolerations:
      - key: node.kubernetes.io/unreachable
        operator: Exists
        effect: NoExecute
        tolerationSeconds: 2
      - key: node.kubernetes.io/not-ready
        operator: Exists
        effect: NoExecute
        tolerationSeconds: 2
      containers:
      - name: web
        image: nginx:1.25
        resources:
          requests:
            cpu: 100m
`;

interface PodJson {
  metadata: { name: string; deletionTimestamp?: string };
  spec: { nodeName?: string };
  status: { phase?: string; conditions?: Array<{ type: string; status: string; reason?: string }> };
}

async function eventually<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) assert.fail(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function kubectlOk(server: K8tsServerProcess, args: string[], stdin?: string): Promise<string> {
  const r = await kubectl(server, args, { stdin });
  assert.equal(r.code, 0, `kubectl ${args.join(" ")} failed:\n${r.stderr}${r.stdout}`);
  return r.stdout;
}

async function pods(server: K8tsServerProcess): Promise<PodJson[]> {
  return (JSON.parse(await kubectlOk(server, ["get", "pods", "-l", "app=web", "-o", "json"])) as { items: PodJson[] }).items;
}

describe("a node that stops renewing its Lease", needsKubectl, () => {
  let server: K8tsServerProcess;
  let transport: HttpTransport;
  let nodes: FakeNodes;

  before(async () => {
    server = await startK8tsServer({ extraArgs: ["--node-monitor-grace-period", `${graceSeconds}s`] });
    transport = httpTransport(await loadKubeconfig(server.kubeconfig));
    nodes = await startFakeNodes({ client: new Client({ transport }), names: ["node-a", "node-b", "node-c"], leaseRenewMs: 1000 });
  });
  after(async () => {
    await nodes?.close();
    transport?.close();
    await server?.stop();
    await server?.cleanup();
  });

  it("goes NotReady and unreachable-tainted, its pods are evicted and replaced on the other nodes", async () => {
    await kubectlOk(server, ["apply", "-f", "-"], replicaSet);
    const running = await eventually("six pods Running on nodes", async () => {
      const items = await pods(server);
      return items.length === 6 && items.every((p) => p.spec.nodeName && p.status.phase === "Running") ? items : undefined;
    });
    // The node with the most pods dies.
    const perNode = new Map<string, string[]>();
    for (const p of running) perNode.set(p.spec.nodeName as string, [...(perNode.get(p.spec.nodeName as string) ?? []), p.metadata.name]);
    const [victim, victimPods] = [...perNode].sort((a, b) => b[1].length - a[1].length)[0];
    const stoppedAt = Date.now();
    nodes.stop(victim);

    const table = await eventually(`${victim} NotReady in kubectl get nodes`, async () => {
      const out = await kubectlOk(server, ["get", "nodes"]);
      return new RegExp(`^${victim}\\s+NotReady`, "m").test(out) ? out : undefined;
    });
    const elapsed = (Date.now() - stoppedAt) / 1000;
    assert.ok(elapsed >= graceSeconds - 1, `NotReady after ${elapsed}s, before the grace period`);
    assert.ok(elapsed <= graceSeconds + 6, `NotReady only after ${elapsed}s`);
    for (const other of [...perNode.keys(), "node-a", "node-b", "node-c"].filter((n) => n !== victim)) assert.match(table, new RegExp(`^${other}\\s+Ready`, "m"));

    const node = JSON.parse(await kubectlOk(server, ["get", "node", victim, "-o", "json"])) as { spec: { taints?: Array<{ key: string; effect: string; timeAdded?: string }> }; status: { conditions: Array<{ type: string; status: string; reason: string }> } };
    assert.equal(node.status.conditions.find((c) => c.type === "Ready")?.reason, "NodeStatusUnknown");
    await eventually("unreachable taints", async () => {
      const n = JSON.parse(await kubectlOk(server, ["get", "node", victim, "-o", "json"])) as typeof node;
      const taints = (n.spec.taints ?? []).map((t) => `${t.key}:${t.effect}`).sort();
      return taints.join() === "node.kubernetes.io/unreachable:NoExecute,node.kubernetes.io/unreachable:NoSchedule";
    });

    await eventually("the victim's pods evicted (terminating, DisruptionTarget)", async () => {
      const items = await pods(server);
      return victimPods.every((name) => {
        const p = items.find((x) => x.metadata.name === name);
        return !p || (p.metadata.deletionTimestamp && p.status.conditions?.some((c) => c.type === "DisruptionTarget" && c.reason === "DeletionByTaintManager"));
      });
    });
    const events = await kubectlOk(server, ["get", "events", "--field-selector", "reason=TaintManagerEviction"]);
    assert.match(events, new RegExp(`Marking for deletion Pod default/${victimPods[0]}`));

    await eventually("six live pods Running on the other nodes", async () => {
      const live = (await pods(server)).filter((p) => !p.metadata.deletionTimestamp);
      return live.length === 6 && live.every((p) => p.status.phase === "Running" && p.spec.nodeName !== victim);
    });
  });
});
