// End to end: the scheduler inside the real `k8ts server`. Three fake nodes (stand-in
// kubelets from the harness); `kubectl apply` of five pods → all bound, spread across the
// nodes; an impossible pod → `kubectl describe pod` shows FailedScheduling with the reason.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { Client, httpTransport, loadKubeconfig, type HttpTransport } from "../../src/client/index.js";
import { startFakeNodes, type FakeNodes } from "../harness/index.js";
import { kubectlJson, kubectlOk, needsKubectl, startServer, type KubeObject } from "./_fixtures.js";

function podsManifest(count: number): string {
  return Array.from(
    { length: count },
    (_, i) => `apiVersion: v1
kind: Pod
metadata:
  name: web-${i}
  labels:
    app: web
spec:
  containers:
  - name: web
    image: nginx:1.25
    resources:
      requests:
        cpu: 500m
        memory: 256Mi
`,
  ).join("---\n");
}

const impossible = `apiVersion: v1
kind: Pod
metadata:
  name: too-big
spec:
  containers:
  - name: big
    image: nginx:1.25
    resources:
      requests:
        cpu: "64"
`;

async function eventually<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) assert.fail(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("scheduler in k8ts server", needsKubectl, () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  let transport: HttpTransport;
  let nodes: FakeNodes;

  before(async () => {
    server = await startServer();
    transport = httpTransport(await loadKubeconfig(server.kubeconfig));
    const client = new Client({ transport });
    nodes = await startFakeNodes({ client, names: ["node-a", "node-b", "node-c"], cpu: "4", memory: "8Gi" });
  });
  after(async () => {
    await nodes?.close();
    transport?.close();
    await server?.close();
  });

  it("binds five applied pods across the three nodes, and they run", async () => {
    await kubectlOk(server, ["apply", "-f", "-"], { stdin: podsManifest(5) });
    const pods = await eventually("all five pods Running", async () => {
      const list = await kubectlJson<KubeObject>(server, ["get", "pods", "-l", "app=web"]);
      const items = list.items ?? [];
      return items.length === 5 && items.every((p) => p.spec.nodeName && p.status.phase === "Running") ? items : undefined;
    });
    const used = new Set(pods.map((p) => p.spec.nodeName as string));
    assert.deepEqual([...used].sort(), ["node-a", "node-b", "node-c"]);
    const describe = await kubectlOk(server, ["describe", "pod", "web-0"]);
    assert.match(describe, /Normal\s+Scheduled\s+.*default-scheduler\s+Successfully assigned default\/web-0 to node-[abc]/);
  });

  it("explains an impossible pod in kubectl describe", async () => {
    await kubectlOk(server, ["apply", "-f", "-"], { stdin: impossible });
    const want = "0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.";
    const out = await eventually("FailedScheduling in describe", async () => {
      const text = await kubectlOk(server, ["describe", "pod", "too-big"]);
      return text.includes("FailedScheduling") ? text : undefined;
    });
    assert.match(out, /Warning\s+FailedScheduling\s+.*default-scheduler\s+(.*)/);
    assert.ok(out.includes(want), `describe output lacks the scheduler's message:\n${out}`);
    assert.match(out, /PodScheduled\s+False/);
    const pod = await kubectlJson<KubeObject>(server, ["get", "pod", "too-big"]);
    assert.equal(pod.spec.nodeName, undefined);
    assert.equal(pod.status.phase, "Pending");
  });
});
