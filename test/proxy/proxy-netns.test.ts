// The service proxy against the real kernel: each mode programs a node made of network
// namespaces (see netns-lab.ts) from Services and EndpointSlices in a real API server,
// and traffic from a client namespace and from the pods goes where it should.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { release } from "node:os";
import type { EndpointSlice, Service } from "../../src/api/index.js";
import { resource, resources } from "../../src/client/index.js";
import { cleanupProxy, startProxy, type ProxyMode, type RunningProxy } from "../../src/proxy/index.js";
import { startTestApiServer, type TestApiServer } from "../harness/index.js";
import { canMakeLabs, createLab, type Agent, type Lab } from "./netns-lab.js";

const services = resource<Service>("", "v1", "services", "Service", true);
const slices = resource<EndpointSlice>("discovery.k8s.io", "v1", "endpointslices", "EndpointSlice", true);
const ns = "lab";

function sliceFor(service: string, ips: string[], name = `${service}-1`): EndpointSlice {
  return {
    apiVersion: "discovery.k8s.io/v1",
    kind: "EndpointSlice",
    metadata: { name, namespace: ns, labels: { "kubernetes.io/service-name": service } },
    addressType: "IPv4",
    ports: [
      { name: "http", port: 8080, protocol: "TCP" },
      { name: "dns", port: 5353, protocol: "UDP" },
    ],
    endpoints: ips.map((ip) => ({ addresses: [ip], nodeName: "lab-node", conditions: { ready: true } })),
  };
}

async function eventually<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms${last ? ` (${String(last)})` : ""}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const skip = canMakeLabs() ? false : "needs root, ip netns and nft";

/** IPVS mode needs the kernel's ip_vs (loaded on demand) and ipvsadm; this says which is missing. */
function ipvsMissing(): string | false {
  if (skip) return skip;
  if (!existsSync("/proc/net/ip_vs")) spawnSync("modprobe", ["ip_vs"], { stdio: "ignore" });
  if (!existsSync("/proc/net/ip_vs")) return `the kernel has no ip_vs (no /proc/net/ip_vs; modprobe ip_vs failed on ${release()})`;
  if (spawnSync("ipvsadm-restore", ["--help"], { stdio: "ignore" }).error) return "ipvsadm is not installed (apt-get install ipvsadm)";
  const probe = `k8ts-ipvsprobe-${process.pid}`;
  const dummy = spawnSync("ip", ["link", "add", probe, "type", "dummy"], { encoding: "utf8" });
  spawnSync("ip", ["link", "del", probe], { stdio: "ignore" });
  if (dummy.status !== 0) return `the kernel has no dummy interface driver (${dummy.stderr.trim()})`;
  return false;
}

for (const mode of ["nftables", "iptables", "ipvs", "userspace"] as ProxyMode[]) {
  const reason = mode === "ipvs" ? ipvsMissing() : skip;
  if (reason) {
    // A test of its own, so the runner counts it as skipped (a skipped suite counts nothing).
    it(`service proxy, ${mode} mode, in network namespaces`, { skip: reason }, () => undefined);
    continue;
  }
  describe(`service proxy, ${mode} mode, in network namespaces`, () => {
    let lab: Lab;
    let api: TestApiServer;
    let proxy: RunningProxy;
    let client: Agent;
    let pod1: Agent;
    const stop = new AbortController();
    let web: Service;
    let sticky: Service;
    let self: Service;

    before(async () => {
      lab = await createLab();
      api = await startTestApiServer({ store: "memory" });
      await api.client.create(resources.namespaces, { apiVersion: "v1", kind: "Namespace", metadata: { name: ns } });
      const ports = [
        { name: "http", port: 80, protocol: "TCP", targetPort: 8080 },
        { name: "dns", port: 53, protocol: "UDP", targetPort: 5353 },
      ];
      web = await api.client.create(services, { apiVersion: "v1", kind: "Service", metadata: { name: "web", namespace: ns }, spec: { type: "NodePort", ports } });
      sticky = await api.client.create(services, {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: "sticky", namespace: ns },
        spec: { ports, sessionAffinity: "ClientIP", sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } } },
      });
      self = await api.client.create(services, { apiVersion: "v1", kind: "Service", metadata: { name: "self", namespace: ns }, spec: { ports } });
      await api.client.create(slices, sliceFor("web", [lab.pods[0]!.ip, lab.pods[1]!.ip]));
      await api.client.create(slices, sliceFor("sticky", [lab.pods[0]!.ip, lab.pods[1]!.ip]));
      await api.client.create(slices, sliceFor("self", [lab.pods[0]!.ip]));
      // Leftovers of a proxy in another mode (a killed server, a mode switch): they catch
      // Service traffic before this mode's rules unless the proxy removes them.
      const inNode = (cmd: string, ...args: string[]) => spawnSync("ip", ["netns", "exec", lab.node, cmd, ...args], { encoding: "utf8" });
      if (mode !== "nftables") inNode("nft", "add", "table", "ip", "k8ts-proxy");
      if (mode !== "iptables") inNode("iptables", "-t", "nat", "-N", "K8TS-SERVICES");
      proxy = startProxy({
        client: api.client,
        nodeName: "lab-node",
        mode,
        signal: stop.signal,
        netns: lab.node,
        nodeIPs: [lab.nodeIP],
        podCIDR: lab.podCIDR,
        cleanupOnStop: true,
        minSyncIntervalMs: 10,
        log: () => undefined,
      });
      await proxy.ready;
      client = lab.agent(lab.client);
      pod1 = lab.agent(lab.pods[0]!.ns);
    });

    after(async () => {
      stop.abort();
      await proxy?.done;
      if (lab) {
        if (mode === "nftables") assert.notEqual(spawnSync("ip", ["netns", "exec", lab.node, "nft", "list", "table", "ip", "k8ts-proxy"]).status, 0, "table removed");
        if (mode === "iptables") assert.doesNotMatch(spawnSync("ip", ["netns", "exec", lab.node, "iptables-save"], { encoding: "utf8" }).stdout, /K8TS/, "chains removed");
        if (mode === "ipvs") {
          assert.notEqual(spawnSync("ip", ["-n", lab.node, "link", "show", "k8ts-ipvs0"]).status, 0, "dummy interface removed");
          assert.doesNotMatch(spawnSync("ip", ["netns", "exec", lab.node, "ipvsadm-save", "-n"], { encoding: "utf8" }).stdout, /^-A/m, "virtual servers removed");
          assert.notEqual(spawnSync("ip", ["netns", "exec", lab.node, "nft", "list", "table", "ip", "k8ts-ipvs"]).status, 0, "table removed");
        }
        if (mode === "userspace") assert.doesNotMatch(spawnSync("ip", ["-n", lab.node, "addr", "show", "dev", "lo"], { encoding: "utf8" }).stdout, /lo:k8ts/, "addresses removed");
        await lab.destroy();
      }
      await api?.close();
    });

    it("removes another mode's leftover rules before its first sync", () => {
      const inNode = (cmd: string, ...args: string[]) => spawnSync("ip", ["netns", "exec", lab.node, cmd, ...args], { encoding: "utf8" });
      if (mode !== "nftables") assert.notEqual(inNode("nft", "list", "table", "ip", "k8ts-proxy").status, 0, "stale nftables table removed");
      if (mode !== "iptables") assert.doesNotMatch(inNode("iptables-save").stdout, /K8TS/, "stale iptables chains removed");
    });

    if (mode === "ipvs") {
      it("binds every ClusterIP on k8ts-ipvs0 and programs one virtual server per port with the ready endpoints", () => {
        const addrs = spawnSync("ip", ["-n", lab.node, "-o", "-4", "addr", "show", "dev", "k8ts-ipvs0"], { encoding: "utf8" }).stdout;
        for (const svc of [web, sticky, self]) assert.match(addrs, new RegExp(`inet ${svc.spec!.clusterIP!.replaceAll(".", "\\.")}/32`));
        const saved = spawnSync("ip", ["netns", "exec", lab.node, "ipvsadm-save", "-n"], { encoding: "utf8" }).stdout;
        assert.match(saved, new RegExp(`^-A -t ${web.spec!.clusterIP}:80 -s rr`, "m"));
        assert.match(saved, new RegExp(`^-A -u ${web.spec!.clusterIP}:53 -s rr`, "m"));
        assert.match(saved, new RegExp(`^-A -t ${sticky.spec!.clusterIP}:80 -s rr -p 60`, "m"));
        assert.match(saved, new RegExp(`^-A -t ${lab.nodeIP}:${web.spec!.ports![0]!.nodePort} -s rr`, "m"));
        for (const pod of lab.pods.slice(0, 2)) assert.match(saved, new RegExp(`^-a -t ${web.spec!.clusterIP}:80 -r ${pod.ip}:8080 -m -w 1`, "m"));
      });
    }

    it("reaches a backend through ClusterIP:port, masquerading the off-node client", async () => {
      const r = await client.tcp(web.spec!.clusterIP!, 80);
      assert.ok(r.ok, `connect: ${r.code}`);
      const [pod, seen] = r.data!.split(" ");
      assert.match(pod!, /^pod[12]$/);
      assert.notEqual(seen, "192.168.77.2", "the client's address is masqueraded");
    });

    it("reaches a backend through NodeIP:NodePort", async () => {
      const r = await client.tcp(lab.nodeIP, web.spec!.ports![0]!.nodePort!);
      assert.ok(r.ok, `connect: ${r.code}`);
      assert.match(r.data!, /^pod[12] /);
    });

    it("spreads connections over both backends", async () => {
      const seen = new Map<string, number>();
      for (let i = 0; i < 40; i++) {
        const r = await client.tcp(web.spec!.clusterIP!, 80);
        assert.ok(r.ok, `connect ${i}: ${r.code}`);
        const pod = r.data!.split(" ")[0]!;
        seen.set(pod, (seen.get(pod) ?? 0) + 1);
      }
      assert.deepEqual([...seen.keys()].sort(), ["pod1", "pod2"], `both answered: ${JSON.stringify([...seen])}`);
    });

    it("forwards UDP through the ClusterIP", async () => {
      const r = await client.udp(web.spec!.clusterIP!, 53);
      assert.ok(r.ok, `udp: ${r.code}`);
      assert.match(r.data!, /^pod[12] /);
    });

    it("keeps a client on one backend with sessionAffinity ClientIP", async () => {
      const pods = new Set<string>();
      for (let i = 0; i < 15; i++) {
        const r = await client.tcp(sticky.spec!.clusterIP!, 80);
        assert.ok(r.ok, `connect ${i}: ${r.code}`);
        pods.add(r.data!.split(" ")[0]!);
      }
      assert.equal(pods.size, 1, `one backend: ${[...pods].join(",")}`);
    });

    it("hairpins: a pod reaching itself through its Service sees a masqueraded source", async () => {
      const r = await pod1.tcp(self.spec!.clusterIP!, 80);
      assert.ok(r.ok, `connect: ${r.code}`);
      const [pod, seen] = r.data!.split(" ");
      assert.equal(pod, "pod1");
      assert.notEqual(seen, lab.pods[0]!.ip);
    });

    it("refuses connections within a few seconds once the endpoints go, and serves again when they return", async () => {
      const start = Date.now();
      await api.client.delete(slices, "web-1", { namespace: ns });
      const refused = await eventually("ClusterIP refuses", async () => {
        const r = await client.tcp(web.spec!.clusterIP!, 80, 1000);
        return !r.ok && (r.code === "ECONNREFUSED" || r.code === "ECONNRESET") ? r : undefined;
      });
      assert.ok(Date.now() - start < 5000);
      assert.ok(refused.ms < 900, "rejected at once, not timed out");
      const np = await client.tcp(lab.nodeIP, web.spec!.ports![0]!.nodePort!, 1000);
      assert.equal(np.ok, false);
      assert.match(np.code!, /ECONNREFUSED|ECONNRESET/);
      await api.client.create(slices, sliceFor("web", [lab.pods[1]!.ip]));
      const back = await eventually("ClusterIP serves again", async () => {
        const r = await client.tcp(web.spec!.clusterIP!, 80, 1000);
        return r.ok ? r : undefined;
      });
      assert.match(back.data!, /^pod2 /);
    });
  });
}

describe("service proxy, ipvs mode, on a kernel without ip_vs", { skip: skip || (ipvsMissing() === false ? "this kernel has ip_vs" : false) }, () => {
  it("does not program anything and says why", async () => {
    const netns = `k8ts-noipvs-${process.pid}`;
    assert.equal(spawnSync("ip", ["netns", "add", netns]).status, 0);
    const api = await startTestApiServer({ store: "memory" });
    const stop = new AbortController();
    const lines: string[] = [];
    try {
      const proxy = startProxy({ client: api.client, nodeName: "lab-node", mode: "ipvs", signal: stop.signal, netns, nodeIPs: ["192.168.77.1"], log: (l) => lines.push(l) });
      await eventually("the failure is logged", async () => (lines.some((l) => l.includes("the kernel has no ip_vs")) ? true : undefined));
      assert.match(lines.find((l) => l.includes("ip_vs"))!, /use --proxy-mode nftables or iptables/);
      assert.notEqual(spawnSync("ip", ["-n", netns, "link", "show", "k8ts-ipvs0"]).status, 0, "no dummy interface");
      assert.notEqual(spawnSync("ip", ["netns", "exec", netns, "nft", "list", "table", "ip", "k8ts-ipvs"]).status, 0, "no table");
      stop.abort();
      await proxy.done;
    } finally {
      stop.abort();
      await api.close();
      spawnSync("ip", ["netns", "del", netns]);
    }
  });

  it("cleanupProxy(\"ipvs\") removes the dummy interface and the table a run left", async () => {
    const netns = `k8ts-ipvsclean-${process.pid}`;
    assert.equal(spawnSync("ip", ["netns", "add", netns]).status, 0);
    try {
      const inNs = (...args: string[]) => spawnSync("ip", ["netns", "exec", netns, ...args], { encoding: "utf8" });
      // A dummy link where the kernel has them; some (this machine's) have no dummy driver: a bridge stands in.
      if (inNs("ip", "link", "add", "k8ts-ipvs0", "type", "dummy").status !== 0) assert.equal(inNs("ip", "link", "add", "k8ts-ipvs0", "type", "bridge").status, 0);
      assert.equal(inNs("ip", "addr", "add", "10.43.0.41/32", "dev", "k8ts-ipvs0").status, 0);
      assert.equal(inNs("nft", "add", "table", "ip", "k8ts-ipvs").status, 0);
      await cleanupProxy("ipvs", { netns });
      assert.notEqual(inNs("ip", "link", "show", "k8ts-ipvs0").status, 0, "dummy interface removed");
      assert.notEqual(inNs("nft", "list", "table", "ip", "k8ts-ipvs").status, 0, "table removed");
      // Nothing left: a second clean-up says so (k8ts uninstall ignores that).
      await assert.rejects(cleanupProxy("ipvs", { netns }), /no IPVS proxy state/);
    } finally {
      spawnSync("ip", ["netns", "del", netns]);
    }
  });
});
