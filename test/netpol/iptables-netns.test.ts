// NetworkPolicy in iptables mode against the real kernel: the enforcer programs the
// K8TS-NP-* chains of a node made of network namespaces (test/proxy/netns-lab.ts) from
// policies and pods in a real API server, and TCP from a client namespace and from a pod
// is dropped and let through as the policies say. Needs root, ip netns and iptables.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import type { Namespace, NetworkPolicy, Pod } from "../../src/api/index.js";
import { resource } from "../../src/client/index.js";
import { cleanupNetworkPolicy, startNetworkPolicy, type RunningNetworkPolicy } from "../../src/netpol/index.js";
import { startTestApiServer, type TestApiServer } from "../harness/index.js";
import { canMakeLabs, createLab, type Agent, type Lab } from "../proxy/netns-lab.js";

const pods = resource<Pod>("", "v1", "pods", "Pod", true);
const namespaces = resource<Namespace>("", "v1", "namespaces", "Namespace", false);
const policies = resource<NetworkPolicy>("networking.k8s.io", "v1", "networkpolicies", "NetworkPolicy", true);
const ns = "lab";

const missing = !canMakeLabs() ? "needs root, ip netns and nft" : spawnSync("iptables-restore", ["--help"], { stdio: "ignore" }).error ? "needs iptables" : false;

describe("NetworkPolicy in iptables mode, in network namespaces", { skip: missing }, () => {
  let lab: Lab;
  let api: TestApiServer;
  let np: RunningNetworkPolicy;
  let client: Agent;
  let pod2: Agent;
  const stop = new AbortController();
  const lines: string[] = [];
  const inNode = (cmd: string, ...args: string[]) => spawnSync("ip", ["netns", "exec", lab.node, cmd, ...args], { encoding: "utf8" });
  const saved = (): string => inNode("iptables-save", "-t", "filter").stdout;

  /** Waits until the node's filter table satisfies `check` (a sync follows each informer event). */
  const rulesUntil = async (check: (rules: string) => boolean, what: string): Promise<void> => {
    for (let i = 0; i < 100; i++) {
      await np.waitForSync();
      if (check(saved())) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.fail(`${what}:\n${saved()}\n${lines.join("\n")}`);
  };

  const policy = (name: string, spec: NetworkPolicy["spec"]): NetworkPolicy => ({ apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name, namespace: ns }, spec });

  before(async () => {
    lab = await createLab();
    api = await startTestApiServer({ store: "memory" });
    await api.client.create(namespaces, { apiVersion: "v1", kind: "Namespace", metadata: { name: ns } });
    for (const [p, labels] of [[lab.pods[0]!, { app: "server" }], [lab.pods[1]!, { app: "client" }]] as const) {
      const created = await api.client.create(pods, { apiVersion: "v1", kind: "Pod", metadata: { name: p.name, namespace: ns, labels }, spec: { nodeName: "lab-node", containers: [{ name: "c", image: "busybox", ports: [{ name: "http", containerPort: 8080 }] }] } });
      await api.client.updateStatus(pods, { ...created, status: { phase: "Running", podIP: p.ip, podIPs: [{ ip: p.ip }] } });
    }
    // A leftover of an nftables-mode run that would drop everything forwarded: the enforcer removes it on start.
    assert.equal(spawnSync("ip", ["netns", "exec", lab.node, "nft", "-f", "-"], { input: "table inet k8ts-netpol {\n chain forward {\n  type filter hook forward priority filter; policy drop;\n }\n}\n" }).status, 0);
    client = lab.agent(lab.client);
    pod2 = lab.agent(lab.pods[1]!.ns);
    np = startNetworkPolicy({ client: api.client, nodeName: "lab-node", mode: "iptables", netns: lab.node, minSyncIntervalMs: 10, signal: stop.signal, log: (l) => lines.push(l) });
    await np.ready;
  });

  after(async () => {
    stop.abort();
    await np?.done;
    if (lab) {
      await cleanupNetworkPolicy({ netns: lab.node });
      await lab.destroy();
    }
    await api?.close();
  });

  it("runs in iptables mode, removed the nftables leftover, and lets everything through while no policy exists", async () => {
    assert.equal(np.mode(), "iptables");
    assert.notEqual(inNode("nft", "list", "table", "inet", "k8ts-netpol").status, 0, "the nftables table is gone");
    assert.match(saved(), /^-A FORWARD -m comment --comment "k8ts network policy" -j K8TS-NP-FORWARD$/m);
    assert.match(saved(), /^-A K8TS-NP-FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN$/m);
    assert.equal((await client.tcp(lab.pods[0]!.ip, 8080)).ok, true);
    assert.equal((await pod2.tcp(lab.pods[0]!.ip, 8080)).ok, true);
  });

  it("a default-deny ingress policy drops new connections to the pod", async () => {
    await api.client.create(policies, policy("deny", { podSelector: {}, policyTypes: ["Ingress"] }));
    await rulesUntil((r) => r.includes(`-d ${lab.pods[0]!.ip}/32`) && r.includes(`-d ${lab.pods[1]!.ip}/32`), "both pods' ingress chains are dispatched");
    const fromClient = await client.tcp(lab.pods[0]!.ip, 8080, 1000);
    assert.equal(fromClient.ok, false);
    assert.equal(fromClient.code, "ETIMEDOUT");
    assert.equal((await pod2.tcp(lab.pods[0]!.ip, 8080, 1000)).ok, false);
  });

  it("an ipBlock with except and a podSelector on a named port let exactly their sources through", async () => {
    await api.client.create(policies, policy("allow", {
      podSelector: { matchLabels: { app: "server" } },
      ingress: [
        { from: [{ ipBlock: { cidr: "192.168.77.0/24", except: ["192.168.77.128/25"] } }], ports: [{ port: 8080 }] },
        { from: [{ podSelector: { matchLabels: { app: "client" } } }], ports: [{ port: "http" }] },
      ],
    }));
    await rulesUntil((r) => r.includes(`-s ${lab.pods[1]!.ip}/32 -p tcp -m tcp --dport 8080`) && r.includes("-s 192.168.77.0/25 -p tcp -m tcp --dport 8080"), "the server's chain allows the block and the client pod");
    const fromClient = await client.tcp(lab.pods[0]!.ip, 8080);
    assert.equal(fromClient.ok, true, fromClient.code);
    assert.equal(fromClient.data, `pod1 ${"192.168.77.2"}`);
    assert.equal((await pod2.tcp(lab.pods[0]!.ip, 8080)).ok, true);
    // pod2 stays isolated: nothing allows the client namespace to reach it.
    assert.equal((await client.tcp(lab.pods[1]!.ip, 8080, 1000)).ok, false);

    // The except now covers the client's address: it is cut off again, the pod still passes.
    const allow = await api.client.get(policies, "allow", { namespace: ns });
    allow.spec!.ingress![0]!.from![0]!.ipBlock!.except = ["192.168.77.0/30"];
    await api.client.update(policies, allow);
    await rulesUntil((r) => r.includes("-s 192.168.77.4/30 -p tcp") && !r.includes("-s 192.168.77.0/25 "), "the block minus 192.168.77.0/30");
    assert.equal((await client.tcp(lab.pods[0]!.ip, 8080, 1000)).ok, false);
    assert.equal((await pod2.tcp(lab.pods[0]!.ip, 8080)).ok, true);
  });

  it("keeps its FORWARD jump first, ahead of an accept inserted later (as the proxy's on a restart)", async () => {
    assert.equal(inNode("iptables", "-w", "-I", "FORWARD", "1", "-m", "comment", "--comment", "test accept", "-j", "ACCEPT").status, 0);
    // Any change makes a sync; the label is not selected by anything.
    const p = await api.client.get(pods, "pod1", { namespace: ns });
    await api.client.update(pods, { ...p, metadata: { ...p.metadata, labels: { ...p.metadata.labels, touched: "yes" } } });
    await rulesUntil((r) => /^-A FORWARD -m comment --comment "k8ts network policy" -j K8TS-NP-FORWARD\n-A FORWARD -m comment --comment "test accept" -j ACCEPT$/m.test(r), "our jump is first again");
    assert.equal([...saved().matchAll(/-j K8TS-NP-FORWARD$/gm)].length, 1, "one jump only");
    assert.equal((await client.tcp(lab.pods[0]!.ip, 8080, 1000)).ok, false, "the accept after our jump does not let the client by");
    assert.equal(inNode("iptables", "-w", "-D", "FORWARD", "-m", "comment", "--comment", "test accept", "-j", "ACCEPT").status, 0);
  });

  it("an egress policy on the client pod drops its connections even where the server's ingress allows them", async () => {
    await api.client.create(policies, policy("client-egress", { podSelector: { matchLabels: { app: "client" } }, policyTypes: ["Egress"], egress: [{ to: [{ ipBlock: { cidr: "10.0.0.0/8" } }], ports: [{ port: 9999 }] }] }));
    await rulesUntil((r) => r.includes(`-s ${lab.pods[1]!.ip}/32 -m comment --comment "${ns}/pod2 egress"`), "the client's egress chain is dispatched");
    assert.equal((await pod2.tcp(lab.pods[0]!.ip, 8080, 1000)).ok, false);
    await api.client.delete(policies, "client-egress", { namespace: ns });
    await rulesUntil((r) => !r.includes("egress"), "the egress chain is gone");
    assert.equal((await pod2.tcp(lab.pods[0]!.ip, 8080)).ok, true);
  });

  it("cleanup leaves no K8TS-NP chain nor jump, and traffic flows again", async () => {
    stop.abort();
    await np.done;
    await cleanupNetworkPolicy({ netns: lab.node });
    assert.doesNotMatch(saved(), /K8TS-NP/);
    assert.equal((await client.tcp(lab.pods[0]!.ip, 8080)).ok, true);
    assert.equal((await client.tcp(lab.pods[1]!.ip, 8080)).ok, true);
  });
});
