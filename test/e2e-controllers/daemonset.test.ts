// End to end: the DaemonSet and StatefulSet controllers inside the real `k8ts server`
// (with its scheduler), driven by the official kubectl, fake nodes as kubelets: a
// DaemonSet follows nodes joining and leaving (`kubectl get ds` counts) and rolls out with
// `kubectl rollout status`; a StatefulSet of 3 comes up in order, web-0 → web-1 → web-2.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import type { Pod } from "../../src/api/index.js";
import { Client, Informer, httpTransport, loadKubeconfig, resource, type HttpTransport } from "../../src/client/index.js";
import { kubectl, kubectlBin, startFakeNodes, startK8tsServer, type FakeNodes, type K8tsServerProcess } from "../harness/index.js";

const needsKubectl = { skip: existsSync(kubectlBin) ? false : "run `npm run tools` for kubectl" } as const;
const podsRes = resource<Pod>("", "v1", "pods", "Pod", true);

const daemonSetManifest = `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
spec:
  selector:
    matchLabels:
      app: agent
  template:
    metadata:
      labels:
        app: agent
    spec:
      containers:
      - name: agent
        image: busybox:1.36
`;

const statefulSetManifest = `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  clusterIP: None
  selector:
    app: web
  ports:
  - port: 80
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: web
  replicas: 3
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: web
        image: nginx:1.25
`;

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

/** `kubectl get ds agent` as [desired, current, ready, up-to-date, available]. */
async function dsCounts(server: K8tsServerProcess): Promise<string> {
  const out = await kubectlOk(server, ["get", "ds", "agent", "--no-headers"]);
  return out.trim().split(/\s+/).slice(1, 6).join(" ");
}

describe("daemonset and statefulset controllers in k8ts server", needsKubectl, () => {
  let server: K8tsServerProcess;
  let transport: HttpTransport;
  let client: Client;
  const nodes: FakeNodes[] = [];

  before(async () => {
    server = await startK8tsServer();
    transport = httpTransport(await loadKubeconfig(server.kubeconfig));
    client = new Client({ transport });
    nodes.push(await startFakeNodes({ client, names: ["node-a", "node-b"] }));
  });
  after(async () => {
    for (const n of nodes) await n.close();
    transport?.close();
    await server?.stop();
    await server?.cleanup();
  });

  it("a DaemonSet follows fake nodes joining", async () => {
    assert.match(await kubectlOk(server, ["apply", "-f", "-"], daemonSetManifest), /daemonset.apps\/agent created/);
    const status = await kubectlOk(server, ["rollout", "status", "ds/agent", "--timeout=60s"]);
    assert.match(status, /daemon set "agent" successfully rolled out/);
    assert.equal(await dsCounts(server), "2 2 2 2 2");

    nodes.push(await startFakeNodes({ client, names: ["node-c"] }));
    await eventually("3 nodes counted", async () => (await dsCounts(server)) === "3 3 3 3 3");
    const pods = JSON.parse(await kubectlOk(server, ["get", "pods", "-l", "app=agent", "-o", "json"])) as { items: Pod[] };
    assert.deepEqual(pods.items.map((p) => p.spec?.nodeName).sort(), ["node-a", "node-b", "node-c"]);

  });

  it("kubectl set image rolls the DaemonSet and kubectl rollout status finishes", async () => {
    await kubectlOk(server, ["set", "image", "ds/agent", "agent=busybox:1.37"]);
    const status = await kubectlOk(server, ["rollout", "status", "ds/agent", "--timeout=60s"]);
    assert.match(status, /daemon set "agent" successfully rolled out/);
    const pods = JSON.parse(await kubectlOk(server, ["get", "pods", "-l", "app=agent", "-o", "json"])) as { items: Pod[] };
    const live = pods.items.filter((p) => !p.metadata.deletionTimestamp);
    assert.deepEqual(live.map((p) => p.spec?.containers[0]?.image), ["busybox:1.37", "busybox:1.37", "busybox:1.37"]);
    const history = await kubectlOk(server, ["rollout", "history", "ds/agent"]);
    assert.deepEqual(history.split("\n").filter((l) => /^\d+\s/.test(l)).map((l) => l.trim().split(/\s+/)[0]), ["1", "2"]);

    assert.match(await kubectlOk(server, ["rollout", "undo", "ds/agent"]), /rolled back/);
    assert.match(await kubectlOk(server, ["rollout", "status", "ds/agent", "--timeout=60s"]), /successfully rolled out/);
    const back = JSON.parse(await kubectlOk(server, ["get", "ds", "agent", "-o", "json"])) as { spec: { template: { spec: { containers: { image: string }[] } } } };
    assert.equal(back.spec.template.spec.containers[0]?.image, "busybox:1.36");
    const after = await kubectlOk(server, ["rollout", "history", "ds/agent"]);
    assert.deepEqual(after.split("\n").filter((l) => /^\d+\s/.test(l)).map((l) => l.trim().split(/\s+/)[0]), ["2", "3"]);
  });

  it("a DaemonSet follows a fake node leaving", async () => {
    // The node's kubelet goes silent and the node is deleted; its pod is left to the pod GC, as upstream.
    nodes[0]?.stop("node-b");
    await kubectlOk(server, ["delete", "node", "node-b"]);
    await eventually("2 nodes counted", async () => (await dsCounts(server)) === "2 2 2 2 2");
  });

  it("a StatefulSet of 3 comes up in order and kubectl rollout status finishes", async () => {
    const log: string[] = [];
    const ready = new Set<string>();
    const seen = new Informer({ client, resource: podsRes });
    seen.addHandler({
      add: (p) => {
        if (p.metadata.labels?.app === "web") log.push(`created ${p.metadata.name}`);
      },
      update: (_, p) => {
        if (p.metadata.labels?.app !== "web" || ready.has(p.metadata.name ?? "")) return;
        if (p.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True")) {
          ready.add(p.metadata.name ?? "");
          log.push(`ready ${p.metadata.name}`);
        }
      },
    });
    const stop = new AbortController();
    const watching = seen.start(stop.signal);
    await seen.waitForSync(stop.signal);
    try {
      await kubectlOk(server, ["apply", "-f", "-"], statefulSetManifest);
      const status = await kubectlOk(server, ["rollout", "status", "sts/web", "--timeout=60s"]);
      assert.match(status, /partitioned roll out complete: 3 new pods have been updated/);
      await eventually("all 3 ready in the log", async () => ready.size === 3);
    } finally {
      stop.abort();
      await watching;
    }
    assert.deepEqual(log, ["created web-0", "ready web-0", "created web-1", "ready web-1", "created web-2", "ready web-2"]);
    const table = await kubectlOk(server, ["get", "sts", "web", "--no-headers"]);
    assert.match(table, /^web\s+3\/3\s/);
    const pod = JSON.parse(await kubectlOk(server, ["get", "pod", "web-1", "-o", "json"])) as Pod;
    assert.equal(pod.spec?.hostname, "web-1");
    assert.equal(pod.spec?.subdomain, "web");
    assert.equal(pod.metadata.labels?.["apps.kubernetes.io/pod-index"], "1");

    await kubectlOk(server, ["set", "image", "sts/web", "web=nginx:1.26"]);
    const rolled = await kubectlOk(server, ["rollout", "status", "sts/web", "--timeout=60s"]);
    assert.match(rolled, /partitioned roll out complete: 3 new pods have been updated/);
    const images = JSON.parse(await kubectlOk(server, ["get", "pods", "-l", "app=web", "-o", "json"])) as { items: Pod[] };
    assert.deepEqual(images.items.filter((p) => !p.metadata.deletionTimestamp).map((p) => p.spec?.containers[0]?.image), ["nginx:1.26", "nginx:1.26", "nginx:1.26"]);
  });
});
