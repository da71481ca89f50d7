// `k8ts uninstall` on a real node: after `k8ts server` ran a pod (with a tmpfs emptyDir)
// and a Service, and was stopped (its pods keep running in their shims), uninstall
// leaves no containerd, no mount under the data dir, no CNI bridge or NAT rule, no k8ts
// table in `nft list ruleset` and no K8TS chain in `iptables-save`; --delete-data removes
// the data dir. Needs root and the node packages; skipped otherwise.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { stringify } from "yaml";
import { checkNodePrerequisites } from "../../src/kubelet/runtime/index.js";
import { freePort, k8tsBin, kubectl, startAgentServer, type AgentServer } from "../harness/index.js";

const missing = process.getuid?.() !== 0 ? "needs root" : checkNodePrerequisites();

describe("k8ts uninstall", { skip: missing || false }, () => {
  let server: AgentServer | undefined;
  let dataDir = "";

  after(async () => {
    await server?.stop();
    if (dataDir) {
      spawnSync(process.execPath, [k8tsBin, "uninstall", "--data-dir", dataDir], { stdio: "ignore" });
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it("removes pods, containerd, mounts, the CNI bridge and every proxy rule; --delete-data the data dir", async () => {
    dataDir = await mkdtemp(join(tmpdir(), "k8ts-e2e-uninstall-"));
    server = await startAgentServer({ dataDir, port: await freePort(), args: ["--disable-cluster-dns", "--advertise-address", "127.0.0.1", "--proxy-mode", "nftables"] });
    const manifest = [
      {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "sleeper", labels: { app: "sleeper" } },
        spec: { terminationGracePeriodSeconds: 1, containers: [{ name: "s", image: "busybox", command: ["sleep", "3600"], volumeMounts: [{ name: "mem", mountPath: "/mem" }] }], volumes: [{ name: "mem", emptyDir: { medium: "Memory" } }] },
      },
      { apiVersion: "v1", kind: "Service", metadata: { name: "sleeper" }, spec: { selector: { app: "sleeper" }, ports: [{ port: 80 }] } },
    ];
    const applied = await kubectl(server, ["apply", "-f", "-"], { stdin: manifest.map((m) => stringify(m)).join("---\n") });
    assert.equal(applied.code, 0, applied.stderr);
    const ready = await kubectl(server, ["wait", "--for=condition=Ready", "pod/sleeper", "--timeout=90s"]);
    assert.equal(ready.code, 0, ready.stderr);
    const mounts = () => readFileSync("/proc/mounts", "utf8").split("\n").filter((l) => l.split(" ")[1]?.startsWith(dataDir));
    assert.ok(mounts().length > 0, "the pod's tmpfs and containerd's mounts are under the data dir");
    // The proxy has programmed the Service (and the network policy enforcer its table) before the server stops.
    for (let i = 0; i < 50 && !/k8ts-proxy[^]*k8ts-netpol|k8ts-netpol[^]*k8ts-proxy/.test(spawnSync("nft", ["list", "tables"], { encoding: "utf8" }).stdout); i++) await new Promise((r) => setTimeout(r, 100));
    assert.match(spawnSync("nft", ["list", "tables"], { encoding: "utf8" }).stdout, /table inet k8ts-netpol/);
    const refused = spawnSync(process.execPath, [k8tsBin, "uninstall", "--data-dir", dataDir], { encoding: "utf8" });
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /k8ts is still running with this data dir \(pid \d+\): stop it first/);
    await server.stop();
    server = undefined;

    // Stopped: the pod still runs in its shim, containerd too.
    const r = spawnSync(process.execPath, [k8tsBin, "uninstall", "--data-dir", dataDir], { encoding: "utf8", timeout: 120_000 });
    assert.equal(r.status, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /pods removed: [1-9]\d*; containerd stopped: yes/);

    assert.deepEqual(mounts(), [], "no mount under the data dir");
    const containerds = spawnSync("pgrep", ["-f", `containerd --config ${dataDir}`], { encoding: "utf8" }).stdout.trim();
    assert.equal(containerds, "", "no containerd of this data dir");
    const shims = spawnSync("pgrep", ["-f", `containerd-shim.*${dataDir}`], { encoding: "utf8" }).stdout.trim();
    assert.equal(shims, "", "no shim of this data dir");
    assert.doesNotMatch(spawnSync("nft", ["list", "ruleset"], { encoding: "utf8" }).stdout, /k8ts-proxy|k8ts-netpol/);
    assert.doesNotMatch(spawnSync("iptables-save", [], { encoding: "utf8" }).stdout, /K8TS|name: \\"k8ts\\"/);
    assert.notEqual(spawnSync("ip", ["link", "show", "k8ts0"]).status, 0, "no CNI bridge");
    assert.ok(existsSync(join(dataDir, "kubeconfig.yaml")), "the data dir stays without --delete-data");

    const again = spawnSync(process.execPath, [k8tsBin, "uninstall", "--data-dir", dataDir, "--delete-data"], { encoding: "utf8", timeout: 120_000 });
    assert.equal(again.status, 0, again.stderr);
    assert.equal(existsSync(dataDir), false);
  });
});
