// kubectl 1.35 drain/cordon/uncordon against the real `k8ts server` with fake nodes:
// draining a node evicts its pods within a PodDisruptionBudget and the Deployment's pods
// come up elsewhere; a budget that allows no disruption stops the drain with the eviction
// API's 429, which kubectl reports and retries until its timeout.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Client, httpTransport, loadKubeconfig, type HttpTransport } from "../../src/client/index.js";
import { startFakeNodes, type FakeNodes } from "../harness/index.js";
import { kubectlJson, kubectlOk, kubectlRun, needsKubectl, startServer, type KubeObject } from "./_fixtures.js";

interface PodJson extends KubeObject {
  spec: { nodeName?: string };
  status?: { phase?: string; conditions?: { type: string; status: string }[] };
}

function deployment(name: string, replicas: number): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name} }
spec:
  replicas: ${replicas}
  selector: { matchLabels: { app: ${name} } }
  template:
    metadata: { labels: { app: ${name} } }
    spec:
      terminationGracePeriodSeconds: 1
      containers: [{ name: c, image: busybox }]
`;
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

describe("kubectl drain with PodDisruptionBudgets", needsKubectl, () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  let transport: HttpTransport;
  let nodes: FakeNodes;

  before(async () => {
    server = await startServer();
    transport = httpTransport(await loadKubeconfig(server.kubeconfig));
    nodes = await startFakeNodes({ client: new Client({ transport }), names: ["drain-a", "drain-b", "drain-c"] });
  });
  after(async () => {
    await nodes?.close();
    transport?.close();
    await server?.close();
  });

  async function readyPods(app: string): Promise<PodJson[]> {
    const list = await kubectlJson<{ items: PodJson[] }>(server, ["get", "pods", "-l", `app=${app}`]);
    return list.items.filter((p) => !p.metadata.deletionTimestamp && p.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True"));
  }

  it("evicts a node's pods within the budget; they come up on other nodes; uncordon lets pods back", async () => {
    await kubectlOk(server, ["apply", "-f", "-"], { stdin: deployment("web", 3) });
    await kubectlOk(server, ["create", "poddisruptionbudget", "web", "--selector=app=web", "--min-available=2"]);
    const pods = await eventually("three web pods ready", async () => ((await readyPods("web")).length === 3 ? readyPods("web") : undefined));
    const victim = pods[0]!.spec.nodeName!;
    await eventually("the budget allows a disruption", async () => {
      const pdb = await kubectlJson<KubeObject & { status?: { disruptionsAllowed?: number } }>(server, ["get", "pdb", "web"]);
      return (pdb.status?.disruptionsAllowed ?? 0) >= 1;
    });

    const r = await kubectlRun(server, ["drain", victim, "--ignore-daemonsets", "--timeout=120s"]);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.match(r.stdout + r.stderr, new RegExp(`node/${victim} (cordoned|already cordoned)`));
    assert.match(r.stdout, new RegExp(`node/${victim} drained`));
    const node = await kubectlJson<KubeObject & { spec?: { unschedulable?: boolean } }>(server, ["get", "node", victim]);
    assert.equal(node.spec?.unschedulable, true);
    const after = await eventually("three web pods ready again, none on the drained node", async () => {
      const ready = await readyPods("web");
      return ready.length === 3 && ready.every((p) => p.spec.nodeName !== victim) ? ready : undefined;
    }, 60_000);
    assert.equal(after.length, 3);

    await kubectlOk(server, ["uncordon", victim]);
    const uncordoned = await kubectlJson<KubeObject & { spec?: { unschedulable?: boolean } }>(server, ["get", "node", victim]);
    assert.notEqual(uncordoned.spec?.unschedulable, true);
  });

  it("a budget that allows no disruption stops the drain: kubectl reports the 429 and gives up at its timeout", async () => {
    await kubectlOk(server, ["apply", "-f", "-"], { stdin: deployment("db", 1) });
    await kubectlOk(server, ["create", "poddisruptionbudget", "db", "--selector=app=db", "--max-unavailable=0"]);
    const [pod] = await eventually("the db pod ready", async () => ((await readyPods("db")).length === 1 ? readyPods("db") : undefined));
    const r = await kubectlRun(server, ["drain", pod!.spec.nodeName!, "--ignore-daemonsets", "--timeout=8s", "--pod-selector=app=db"]);
    assert.notEqual(r.code, 0);
    assert.match(r.stdout + r.stderr, /Cannot evict pod as it would violate the pod's disruption budget/);
    const still = await readyPods("db");
    assert.equal(still.length, 1);
    assert.equal(still[0]!.metadata.name, pod!.metadata.name, "the pod was not evicted");
    await kubectlOk(server, ["uncordon", pod!.spec.nodeName!]);
  });
});
