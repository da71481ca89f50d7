// End to end: the Deployment and ReplicaSet controllers inside the real `k8ts server`,
// driven by the official kubectl: `kubectl apply` of a 5-replica Deployment → 5 pods bound
// (by the scheduler) across 3 fake nodes; `kubectl set image` → `kubectl rollout status`
// finishes; `kubectl rollout history` lists the revisions; `kubectl rollout undo` brings
// the previous image back; pause / resume / restart behave as upstream.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { Client, httpTransport, loadKubeconfig, type HttpTransport } from "../../src/client/index.js";
import { kubectl, kubectlBin, startFakeNodes, startK8tsServer, type FakeNodes, type K8tsServerProcess } from "../harness/index.js";

const needsKubectl = { skip: existsSync(kubectlBin) ? false : "run `npm run tools` for kubectl" } as const;

const manifest = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app: web
spec:
  replicas: 5
  selector:
    matchLabels:
      app: web
  strategy:
    rollingUpdate:
      maxSurge: 2
      maxUnavailable: 1
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: web
        image: nginx:1.25
        resources:
          requests:
            cpu: 100m
            memory: 64Mi
`;

interface PodJson {
  metadata: { name: string; labels?: Record<string, string>; deletionTimestamp?: string };
  spec: { nodeName?: string; containers: { image: string }[] };
  status?: { phase?: string };
}

interface ReplicaSetJson {
  metadata: { name: string; annotations?: Record<string, string> };
  spec: { replicas: number; template: { spec: { containers: { image: string }[] } } };
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
  const list = JSON.parse(await kubectlOk(server, ["get", "pods", "-l", "app=web", "-o", "json"])) as { items: PodJson[] };
  return list.items.filter((p) => !p.metadata.deletionTimestamp);
}

async function replicaSets(server: K8tsServerProcess): Promise<ReplicaSetJson[]> {
  const list = JSON.parse(await kubectlOk(server, ["get", "replicasets", "-l", "app=web", "-o", "json"])) as { items: ReplicaSetJson[] };
  return list.items.sort((a, b) => Number(a.metadata.annotations?.["deployment.kubernetes.io/revision"]) - Number(b.metadata.annotations?.["deployment.kubernetes.io/revision"]));
}

/** `kubectl rollout history` rows as [revision, change-cause]. */
async function history(server: K8tsServerProcess): Promise<string[][]> {
  const out = await kubectlOk(server, ["rollout", "history", "deployment/web"]);
  return out
    .split("\n")
    .filter((l) => /^\d+\s/.test(l))
    .map((l) => l.trim().split(/\s{2,}/));
}

describe("deployment controller in k8ts server", needsKubectl, () => {
  let server: K8tsServerProcess;
  let transport: HttpTransport;
  let nodes: FakeNodes;

  before(async () => {
    server = await startK8tsServer();
    transport = httpTransport(await loadKubeconfig(server.kubeconfig));
    nodes = await startFakeNodes({ client: new Client({ transport }), names: ["node-a", "node-b", "node-c"] });
  });
  after(async () => {
    await nodes?.close();
    transport?.close();
    await server?.stop();
    await server?.cleanup();
  });

  it("kubectl apply → 5 pods bound across 3 nodes, and kubectl rollout status finishes", async () => {
    assert.match(await kubectlOk(server, ["apply", "-f", "-"], manifest), /deployment.apps\/web created/);
    const status = await kubectlOk(server, ["rollout", "status", "deployment/web", "--timeout=60s"]);
    assert.match(status, /deployment "web" successfully rolled out/);
    const running = await eventually("5 running pods", async () => {
      const ps = await pods(server);
      return ps.length === 5 && ps.every((p) => p.status?.phase === "Running") ? ps : undefined;
    });
    const used = new Set(running.map((p) => p.spec.nodeName));
    assert.equal(used.size, 3, `spread across the 3 nodes: ${[...used].join(", ")}`);
    const table = await kubectlOk(server, ["get", "deployment", "web"]);
    assert.match(table, /^web\s+5\/5\s+5\s+5\s+/m);
  });

  it("kubectl set image → rolling update seen by kubectl rollout status; history lists both revisions", async () => {
    await kubectlOk(server, ["set", "image", "deployment/web", "web=nginx:1.26"]);
    await kubectlOk(server, ["annotate", "deployment/web", "kubernetes.io/change-cause=to 1.26"]);
    const status = await kubectlOk(server, ["rollout", "status", "deployment/web", "--timeout=60s"]);
    assert.match(status, /deployment "web" successfully rolled out/);
    const ps = await eventually("5 pods on nginx:1.26", async () => {
      const list = await pods(server);
      return list.length === 5 && list.every((p) => p.spec.containers[0].image === "nginx:1.26") ? list : undefined;
    });
    assert.equal(ps.length, 5);
    const rss = await replicaSets(server);
    assert.deepEqual(rss.map((rs) => [rs.metadata.annotations?.["deployment.kubernetes.io/revision"], rs.spec.replicas]), [["1", 0], ["2", 5]]);
    const rows = await eventually("history with the change cause", async () => {
      const h = await history(server);
      return h.length === 2 && h[1][1] === "to 1.26" ? h : undefined;
    });
    assert.deepEqual(rows, [["1", "<none>"], ["2", "to 1.26"]]);
    const detail = await kubectlOk(server, ["rollout", "history", "deployment/web", "--revision=2"]);
    assert.match(detail, /Image:\s+nginx:1\.26/);
    const describe = await kubectlOk(server, ["describe", "deployment", "web"]);
    assert.match(describe, /NewReplicaSet:\s+web-[a-z0-9]+ \(5\/5 replicas created\)/);
    // The last step's size depends on how many new pods were available by then (1 or 2 here, both within the budget).
    assert.match(describe, /ScalingReplicaSet\s+.*Scaled down replica set web-[a-z0-9]+ to 0 from [12]\n/);
  });

  it("kubectl rollout undo restores the previous image as revision 3", async () => {
    assert.match(await kubectlOk(server, ["rollout", "undo", "deployment/web"]), /deployment.apps\/web rolled back/);
    await kubectlOk(server, ["rollout", "status", "deployment/web", "--timeout=60s"]);
    await eventually("5 pods on nginx:1.25", async () => {
      const list = await pods(server);
      return list.length === 5 && list.every((p) => p.spec.containers[0].image === "nginx:1.25");
    });
    const rows = await eventually("revisions 2 and 3", async () => {
      const h = await history(server);
      return h.map((r) => r[0]).join(",") === "2,3" ? h : undefined;
    });
    assert.equal(rows.length, 2);
    assert.equal((await replicaSets(server)).length, 2, "the old ReplicaSet is reused");
    // --to-revision=2 goes back to nginx:1.26.
    await kubectlOk(server, ["rollout", "undo", "deployment/web", "--to-revision=2"]);
    await kubectlOk(server, ["rollout", "status", "deployment/web", "--timeout=60s"]);
    await eventually("5 pods on nginx:1.26 again", async () => {
      const list = await pods(server);
      return list.length === 5 && list.every((p) => p.spec.containers[0].image === "nginx:1.26");
    });
  });

  it("kubectl rollout pause holds a rollout until resume; restart rolls every pod", async () => {
    assert.match(await kubectlOk(server, ["rollout", "pause", "deployment/web"]), /deployment.apps\/web paused/);
    await kubectlOk(server, ["set", "image", "deployment/web", "web=nginx:1.27"]);
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal((await replicaSets(server)).length, 2, "no new ReplicaSet while paused");
    const cond = JSON.parse(await kubectlOk(server, ["get", "deployment", "web", "-o", "jsonpath={.status.conditions[?(@.type==\"Progressing\")]}"])) as { reason: string };
    assert.equal(cond.reason, "DeploymentPaused");
    assert.match(await kubectlOk(server, ["rollout", "resume", "deployment/web"]), /deployment.apps\/web resumed/);
    await kubectlOk(server, ["rollout", "status", "deployment/web", "--timeout=60s"]);
    await eventually("5 pods on nginx:1.27", async () => {
      const list = await pods(server);
      return list.length === 5 && list.every((p) => p.spec.containers[0].image === "nginx:1.27");
    });

    const before = new Set((await pods(server)).map((p) => p.metadata.name));
    assert.match(await kubectlOk(server, ["rollout", "restart", "deployment/web"]), /deployment.apps\/web restarted/);
    await kubectlOk(server, ["rollout", "status", "deployment/web", "--timeout=60s"]);
    await eventually("every pod replaced", async () => {
      const list = await pods(server);
      return list.length === 5 && list.every((p) => !before.has(p.metadata.name));
    });
  });
});
