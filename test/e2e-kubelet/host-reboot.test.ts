// A host turned off and on, on real containerd: with a Deployment and a StatefulSet (a
// `local-path` claim) running, the server (with its agent), its containerd and every shim
// and container of that containerd are SIGKILLed at once; what a reboot loses is then
// removed — every mount under the data dir, containerd's state and root dirs, the CNI IPAM
// state, the pods' network namespaces and the CNI bridge. The server started again on the
// same data dir brings every pod back Running in new sandboxes (restartCount incremented,
// as upstream's kubelet counts restarts from the container log directory), the
// StatefulSet's file is still in its volume, the Node keeps its IP and pod CIDR, and a
// Service answers by ClusterIP again (the proxy's nftables table, lost too, is rebuilt).
// Needs root and the node packages; skipped otherwise.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { stringify } from "yaml";
import { CriRuntime, checkNodePrerequisites } from "../../src/kubelet/runtime/index.js";
import { freePort, k8tsBin, kubectl, startAgentServer, type AgentServer, waitFor as waitUntil } from "../harness/index.js";

const missing = process.getuid?.() !== 0 ? "needs root" : checkNodePrerequisites();

/** The harness's waitFor with this file's longer default wait. */
const waitFor = <T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 150_000): Promise<T> => waitUntil(what, check, timeoutMs);

/** pid → ppid for every process. */
function processTable(): Map<number, number> {
  const table = new Map<number, number>();
  for (const e of readdirSync("/proc")) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = readFileSync(`/proc/${e}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      table.set(Number(e), ppid);
    } catch {
      // exited meanwhile
    }
  }
  return table;
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ");
  } catch {
    return "";
  }
}

/** The shims of the containerd listening on `socket` and every process below them. */
function shimTree(socket: string): { shims: number[]; all: number[] } {
  const table = processTable();
  const shims = [...table.keys()].filter((pid) => {
    const c = cmdline(pid);
    return c.includes("containerd-shim") && c.includes(socket);
  });
  const all = new Set(shims);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, ppid] of table) if (all.has(ppid) && !all.has(pid)) all.add(pid), (grew = true);
  }
  return { shims, all: [...all] };
}

function netnsOf(pid: number): string | undefined {
  const r = spawnSync("ip", ["netns", "identify", String(pid)], { encoding: "utf8" });
  const name = r.stdout.trim();
  return r.status === 0 && name ? name : undefined;
}

function mountsUnder(dir: string): string[] {
  return readFileSync("/proc/mounts", "utf8")
    .split("\n")
    .map((l) => l.split(" ")[1]?.replace(/\\040/g, " "))
    .filter((p): p is string => !!p && p.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("a host turned off and on", { skip: missing || false }, () => {
  let server: AgentServer;
  let dataDir = "";
  let port = 0;
  const args = ["--disable-cluster-dns", "--advertise-address", "127.0.0.1"];
  const k = (a: string[], stdin?: string) => kubectl(server, a, { stdin, timeoutMs: 120_000 });

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "k8ts-e2e-reboot-"));
    port = await freePort();
    server = await startAgentServer({ dataDir, port, args });
  });

  after(async () => {
    if (!server) return;
    await k(["delete", "deployments,statefulsets,pods,pvc", "--all", "--grace-period=1", "--wait=true"]).catch(() => undefined);
    await server.stop();
    // Stop the private containerd the server left running (and its shims): `k8ts uninstall` does it.
    spawnSync(process.execPath, [k8tsBin, "uninstall", "--data-dir", dataDir], { stdio: "ignore" });
    await rm(dataDir, { recursive: true, force: true }).catch(() => undefined);
  });

  const podLines = async () =>
    (
      await k(["get", "pods", "-o", "custom-columns=NAME:.metadata.name,UID:.metadata.uid,PHASE:.status.phase,READY:.status.conditions[?(@.type==\"Ready\")].status,RESTARTS:.status.containerStatuses[0].restartCount,CID:.status.containerStatuses[0].containerID,IP:.status.podIP", "--no-headers"])
    ).stdout
      .trim()
      .split("\n")
      .filter(Boolean)
      .map((l) => {
        const [name, uid, phase, ready, restarts, cid, ip] = l.trim().split(/\s+/);
        return { name: name!, uid: uid!, phase: phase!, ready: ready!, restarts: Number(restarts), cid: cid!, ip: ip! };
      });

  it("brings every pod back Running in new containers, with the volume's data, the node's IP and pod CIDR", async () => {
    const docs = [
      {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "app" },
        spec: {
          replicas: 2,
          selector: { matchLabels: { app: "app" } },
          template: {
            metadata: { labels: { app: "app" } },
            spec: { terminationGracePeriodSeconds: 1, containers: [{ name: "c", image: "busybox", command: ["sh", "-c", "mkdir -p /www && hostname > /www/index.html && exec httpd -f -p 8080 -h /www"] }] },
          },
        },
      },
      { apiVersion: "v1", kind: "Service", metadata: { name: "app" }, spec: { selector: { app: "app" }, ports: [{ port: 80, targetPort: 8080 }] } },
      { apiVersion: "v1", kind: "Service", metadata: { name: "db" }, spec: { clusterIP: "None", selector: { app: "db" }, ports: [{ port: 80 }] } },
      {
        apiVersion: "apps/v1",
        kind: "StatefulSet",
        metadata: { name: "db" },
        spec: {
          serviceName: "db",
          replicas: 1,
          selector: { matchLabels: { app: "db" } },
          template: {
            metadata: { labels: { app: "db" } },
            spec: {
              terminationGracePeriodSeconds: 1,
              containers: [{ name: "c", image: "busybox", command: ["sh", "-c", "[ -f /data/id ] || echo \"$(hostname) $(date +%s)$RANDOM\" > /data/id; sleep 3600"], volumeMounts: [{ name: "data", mountPath: "/data" }] }],
            },
          },
          volumeClaimTemplates: [{ metadata: { name: "data" }, spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } } }],
        },
      },
    ];
    const applied = await k(["apply", "-f", "-"], docs.map((d) => stringify(d)).join("---\n"));
    assert.equal(applied.code, 0, applied.stderr);
    for (const w of ["deployment/app", "statefulset/db"]) {
      const r = await k(["rollout", "status", w, "--timeout=150s"]);
      assert.equal(r.code, 0, r.stderr + r.stdout);
    }
    const id = (await k(["exec", "db-0", "--", "cat", "/data/id"])).stdout.trim();
    assert.match(id, /^db-0 \d+$/);
    const before = await podLines();
    assert.equal(before.length, 3, JSON.stringify(before));
    const nodeOf = async () =>
      (await k(["get", "nodes", "-o", "jsonpath={.items[0].metadata.name}|{.items[0].metadata.uid}|{.items[0].spec.podCIDR}|{.items[0].status.addresses[?(@.type==\"InternalIP\")].address}"])).stdout;
    const node = await nodeOf();
    assert.match(node, /^[^|]+\|[^|]+\|\d+\.\d+\.\d+\.\d+\/\d+\|\S+$/);
    const objects = async () => (await k(["get", "deployments,statefulsets,services,pvc,pv,configmaps,serviceaccounts", "-o", "custom-columns=KIND:.kind,NAME:.metadata.name,UID:.metadata.uid", "--no-headers"])).stdout;
    const objectsBefore = await objects();
    const serviceAnswers = async (pods: { name: string }[]) => {
      const clusterIP = (await k(["get", "service", "app", "-o", "jsonpath={.spec.clusterIP}"])).stdout;
      const names = new Set(pods.filter((p) => p.name.startsWith("app-")).map((p) => p.name));
      let last = "";
      await waitFor("the Service answering by ClusterIP", async () => {
        // busybox-static's wget crashes (exit 139) in these containers (as test/e2e-services/proxy.test.ts found): nc.
        const r = await k(["exec", "db-0", "--", "sh", "-c", `printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 3 ${clusterIP} 80 | tail -n 1`]);
        last = `${r.code} ${r.stdout} ${r.stderr}`;
        return r.code === 0 && names.has(r.stdout.trim()) ? true : undefined;
      }, 60_000).catch((err: Error) => {
        throw new Error(`${err.message}; last: ${last}; endpoints: ${spawnSync(".tools/bin/kubectl", ["--kubeconfig", server.kubeconfig, "get", "endpointslices", "-o", "wide"], { encoding: "utf8" }).stdout}; nft: ${spawnSync("nft", ["list", "table", "ip", "k8ts-proxy"], { encoding: "utf8" }).stdout.slice(0, 3000)}\nlog: ${server.log.slice(-40).join("\n")}`);
      });
    };
    await serviceAnswers(before);
    assert.match(objectsBefore, /PersistentVolumeClaim\s+data-db-0/);

    // Twice: a reboot (containerd's /run state lost, its root with images and container
    // records kept, so the old sandboxes are still listed), then a machine whose containerd
    // lost its root too.
    let last = before;
    for (const wipeRoot of [false, true]) {
      // Power off: the server, its containerd, every shim and container at once.
      const agentDir = join(dataDir, "agent");
      const ctrDir = join(agentDir, "containerd");
      const socket = join(ctrDir, "containerd.sock");
      const containerdPid = Number(readFileSync(join(ctrDir, "containerd.pid"), "utf8").trim());
      assert.ok(alive(containerdPid) && cmdline(containerdPid).includes(ctrDir), "the private containerd runs");
      const tree = shimTree(socket);
      assert.ok(tree.shims.length >= 3, `a shim per pod: ${tree.shims.join(",")}`);
      const netns = [...new Set(tree.all.map(netnsOf).filter((n): n is string => !!n))];
      assert.ok(netns.length >= 3, `the pods' network namespaces: ${netns.join(",")}`);
      const exited = new Promise((r) => server.proc.once("exit", r));
      for (const pid of [server.proc.pid!, containerdPid, ...tree.all]) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // already gone
        }
      }
      await exited;
      await waitFor("every killed process gone", async () => ([containerdPid, ...tree.all].some(alive) ? undefined : true), 20_000);

      // What a reboot loses: mounts, /run state (containerd's state dir, CNI IPAM), the network namespaces, interfaces, netfilter rules.
      for (const m of mountsUnder(dataDir)) spawnSync("umount", ["-l", m]);
      assert.deepEqual(mountsUnder(dataDir), []);
      for (const d of [join(ctrDir, "state"), join(agentDir, "cni", "ipam"), ...(wipeRoot ? [join(ctrDir, "root")] : [])]) rmSync(d, { recursive: true, force: true });
      for (const n of netns) spawnSync("ip", ["netns", "delete", n]);
      spawnSync("ip", ["link", "delete", "k8ts0"]);
      spawnSync("nft", ["delete", "table", "ip", "k8ts-proxy"]);
      assert.ok(!existsSync(join(ctrDir, "state")) && existsSync(join(ctrDir, "root")) === !wipeRoot);

      // Power on.
      const t0 = Date.now();
      server = await startAgentServer({ dataDir, port, args });
      const prev = last;
      const after = await waitFor("every pod Running and Ready in a new container", async () => {
        const now = await podLines();
        const back = prev.every((b) => {
          const p = now.find((n) => n.uid === b.uid);
          return p && p.phase === "Running" && p.ready === "True" && p.cid !== b.cid && p.cid.startsWith("containerd://");
        });
        return back && now.length === prev.length ? now : undefined;
      }).catch((err: Error) => {
        throw new Error(`${err.message}\nlog: ${server.log.slice(-60).join("\n")}`);
      });
      console.log(`# ${wipeRoot ? "containerd root wiped too" : "reboot"}: pods back Running ${Date.now() - t0} ms after the server started again`);
      for (const b of prev) {
        const p = after.find((n) => n.uid === b.uid)!;
        assert.equal(p.name, b.name, "the same pod objects, not replacements");
        assert.equal(p.restarts, b.restarts + 1, `${b.name}: restartCount increments`);
        assert.match(p.ip, /^\d+\.\d+\.\d+\.\d+$/);
      }
      assert.equal((await k(["exec", "db-0", "--", "cat", "/data/id"])).stdout.trim(), id, "the volume's data survived");
      assert.equal(await nodeOf(), node, "same Node, IP and pod CIDR");
      assert.equal(await objects(), objectsBefore, "objects intact");
      // The new sandboxes have working networks: a pod reaches another by IP.
      const app = after.find((p) => p.name.startsWith("app-"))!;
      const ping = await k(["exec", "db-0", "--", "ping", "-c", "1", "-W", "3", app.ip]);
      assert.equal(ping.code, 0, ping.stdout + ping.stderr);
      assert.ok(execFileSync("ip", ["link", "show", "k8ts0"], { encoding: "utf8" }).includes("k8ts0"));
      // The Service proxy programmed the node again: the ClusterIP answers from the new pods.
      await serviceAnswers(after);
      // No sandbox of the old boot is left in containerd.
      const cri = new CriRuntime({ endpoint: `unix://${socket}` });
      try {
        await cri.start({ waitMs: 10_000 });
        const { items = [] } = await cri.listPodSandbox({});
        assert.equal(items.length, 3, JSON.stringify(items.map((sb) => [sb.metadata?.name, sb.state])));
      } finally {
        cri.close();
      }
      last = after;
    }
  });
});
