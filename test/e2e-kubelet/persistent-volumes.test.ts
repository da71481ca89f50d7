// Persistent volumes on real containerd: a StatefulSet of 2 with a volumeClaimTemplate of
// the default `local-path` class writes a file into each pod's volume; a pod deleted and
// recreated finds its file again (same claim, same directory on the node); deleting the
// claims (reclaim Delete) removes the directories through the helper pod, and the volumes.
// Needs root and the node packages; skipped otherwise.
import assert from "node:assert/strict";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { stringify } from "yaml";
import { checkNodePrerequisites } from "../../src/kubelet/runtime/index.js";
import { freePort, kubectl, startAgentServer, type AgentServer, waitFor as waitUntil } from "../harness/index.js";

const missing = process.getuid?.() !== 0 ? "needs root" : checkNodePrerequisites();

const waitFor = <T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 120_000) => waitUntil(what, check, timeoutMs);

describe("local-path persistent volumes on real containers", { skip: missing || false }, () => {
  let server: AgentServer;
  let dataDir = "";
  const k = (args: string[], stdin?: string) => kubectl(server, args, { stdin, timeoutMs: 120_000 });

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "k8ts-e2e-pv-"));
    server = await startAgentServer({ dataDir, port: await freePort(), args: ["--disable-cluster-dns", "--advertise-address", "127.0.0.1"] });
  });

  after(async () => {
    if (!server) return;
    await k(["delete", "statefulsets,pods", "--all", "--grace-period=1", "--wait=true"]).catch(() => undefined);
    await server.stop();
    await rm(dataDir, { recursive: true, force: true }).catch(() => undefined);
  });

  const storage = () => join(dataDir, "storage");

  it("a StatefulSet's pods keep their data across re-creation; deleting the claims removes the directories", async () => {
    const sc = await k(["get", "storageclass"]);
    assert.match(sc.stdout, /^local-path \(default\)\s+k8ts\.io\/local-path\s+Delete\s+WaitForFirstConsumer/m, sc.stdout + sc.stderr);
    const docs = [
      { apiVersion: "v1", kind: "Service", metadata: { name: "web" }, spec: { clusterIP: "None", selector: { app: "web" }, ports: [{ port: 80 }] } },
      {
        apiVersion: "apps/v1",
        kind: "StatefulSet",
        metadata: { name: "web" },
        spec: {
          serviceName: "web",
          replicas: 2,
          selector: { matchLabels: { app: "web" } },
          template: {
            metadata: { labels: { app: "web" } },
            spec: {
              terminationGracePeriodSeconds: 1,
              containers: [{ name: "c", image: "busybox", command: ["sh", "-c", "[ -f /data/id ] || echo \"$(hostname) $(date +%s)$RANDOM\" > /data/id; sleep 3600"], volumeMounts: [{ name: "www", mountPath: "/data" }] }],
            },
          },
          volumeClaimTemplates: [{ metadata: { name: "www" }, spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } } }],
        },
      },
    ];
    const applied = await k(["apply", "-f", "-"], docs.map((d) => stringify(d)).join("---\n"));
    assert.equal(applied.code, 0, applied.stderr);
    const rolled = await k(["rollout", "status", "statefulset/web", "--timeout=150s"]);
    assert.equal(rolled.code, 0, rolled.stderr + rolled.stdout);

    const pvc = await k(["get", "pvc", "-o", "custom-columns=NAME:.metadata.name,STATUS:.status.phase,CLASS:.spec.storageClassName", "--no-headers"]);
    assert.match(pvc.stdout, /www-web-0\s+Bound\s+local-path/);
    assert.match(pvc.stdout, /www-web-1\s+Bound\s+local-path/);
    const id0 = (await k(["exec", "web-0", "--", "cat", "/data/id"])).stdout.trim();
    assert.match(id0, /^web-0 \d+$/);
    const dirs = readdirSync(storage());
    assert.equal(dirs.length, 2, dirs.join(","));
    const dir0 = dirs.find((d) => d.endsWith("_default_www-web-0"))!;
    assert.equal(readFileSync(join(storage(), dir0, "id"), "utf8").trim(), id0, "the file is in the node's directory");

    assert.equal((await k(["delete", "pod", "web-0", "--wait=true"])).code, 0);
    await waitFor("web-0 back and Ready", async () => {
      const r = await k(["get", "pod", "web-0", "-o", "jsonpath={.metadata.deletionTimestamp}|{.status.conditions[?(@.type==\"Ready\")].status}"]);
      return r.code === 0 && r.stdout === "|True" ? true : undefined;
    });
    assert.equal((await k(["exec", "web-0", "--", "cat", "/data/id"])).stdout.trim(), id0, "same data after re-creation");

    assert.equal((await k(["delete", "statefulset", "web", "--wait=true"])).code, 0);
    await waitFor("the pods gone", async () => ((await k(["get", "pods", "-l", "app=web", "-o", "name"])).stdout.trim() === "" ? true : undefined));
    assert.equal((await k(["delete", "pvc", "www-web-0", "www-web-1", "--wait=true"])).code, 0);
    await waitFor("the volumes deleted", async () => ((await k(["get", "pv", "-o", "name"])).stdout.trim() === "" ? true : undefined));
    assert.deepEqual(readdirSync(storage()), [], "the directories are gone");
    assert.ok(existsSync(storage()));
  });
});
