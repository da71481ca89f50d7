// The NetworkPolicy enforcer's sync loop against the in-process API server, programming a
// network namespace of its own: the table appears at start, follows policy, pod and
// namespace changes through the informers with small transactions, and goes on cleanup.
// Needs root (ip netns, nft); skipped otherwise.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { after, before, describe, it } from "node:test";
import type { Namespace, NetworkPolicy, Pod } from "../../src/api/index.js";
import { resource } from "../../src/client/index.js";
import { cleanupNetworkPolicy, startNetworkPolicy, type RunningNetworkPolicy } from "../../src/netpol/index.js";
import { startTestApiServer, type TestApiServer } from "../harness/index.js";

const pods = resource<Pod>("", "v1", "pods", "Pod", true);
const namespaces = resource<Namespace>("", "v1", "namespaces", "Namespace", false);
const policies = resource<NetworkPolicy>("networking.k8s.io", "v1", "networkpolicies", "NetworkPolicy", true);
const netns = `k8ts-netpol-test-${process.pid}`;
const missing = process.getuid?.() !== 0 ? "needs root" : spawnSync("nft", ["--version"]).status !== 0 ? "needs nft" : undefined;

const listTable = (): string => spawnSync("ip", ["netns", "exec", netns, "nft", "list", "table", "inet", "k8ts-netpol"], { encoding: "utf8" }).stdout;

describe("the NetworkPolicy enforcer's sync loop", { skip: missing ?? false }, () => {
  let api: TestApiServer;
  let np: RunningNetworkPolicy;
  const stop = new AbortController();
  const lines: string[] = [];

  const createPod = async (namespace: string, name: string, labels: Record<string, string>, ip: string, nodeName = "node-1"): Promise<void> => {
    const created = await api.client.create(pods, { apiVersion: "v1", kind: "Pod", metadata: { name, namespace, labels }, spec: { nodeName, containers: [{ name: "c", image: "busybox", ports: [{ name: "http", containerPort: 8080 }] }] } });
    await api.client.updateStatus(pods, { ...created, status: { phase: "Running", podIP: ip, podIPs: [{ ip }] } });
  };

  /** Waits for the table to satisfy `check` (each sync follows an informer event within ~20 ms). */
  const eventually = async (check: (table: string) => boolean, what: string): Promise<string> => {
    let table = "";
    for (let i = 0; i < 100; i++) {
      await np.waitForSync();
      table = listTable();
      if (check(table)) return table;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.fail(`${what}:\n${table}\n${lines.join("\n")}`);
  };

  before(async () => {
    assert.equal(spawnSync("ip", ["netns", "add", netns]).status, 0);
    api = await startTestApiServer({ store: "memory" });
    await api.client.create(namespaces, { apiVersion: "v1", kind: "Namespace", metadata: { name: "app" } });
    await api.client.create(namespaces, { apiVersion: "v1", kind: "Namespace", metadata: { name: "friends", labels: { team: "friends" } } });
    await createPod("app", "server", { app: "server" }, "10.42.0.10");
    await createPod("app", "client", { app: "client" }, "10.42.0.11");
    await createPod("friends", "client", { app: "client" }, "10.42.1.5", "node-2");
    np = startNetworkPolicy({ client: api.client, nodeName: "node-1", signal: stop.signal, netns, log: (l) => lines.push(l) });
    await np.ready;
  });

  after(async () => {
    stop.abort();
    await np?.done;
    await api?.close();
    spawnSync("ip", ["netns", "del", netns]);
  });

  it("creates the table with only the established rule while no policy exists", () => {
    const table = listTable();
    assert.match(table, /chain forward \{\n\s+type filter hook forward priority filter; policy accept;\n\s+ct state established,related accept\n\s+\}/);
    assert.doesNotMatch(table, /chain (ing|egr)-/);
  });

  it("follows policies, pods and namespace labels", async () => {
    await api.client.create(policies, { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name: "allow", namespace: "app" }, spec: { podSelector: { matchLabels: { app: "server" } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: "friends" } } }], ports: [{ port: "http" }] }] } });
    await eventually((t) => /chain ing-app\/server \{\n\s+ip saddr 10\.42\.1\.5 tcp dport 8080 accept comment "app\/allow ingress\[0\]"\n\s+drop/.test(t), "the server's chain allows the friends' client on its named port");
    assert.match(listTable(), /ip daddr vmap \{ 10\.42\.0\.10 : jump ing-app\/server \}/);

    // A new pod in a selected namespace joins the allowed sources.
    await createPod("friends", "client-2", { app: "client" }, "10.42.1.6", "node-2");
    await eventually((t) => t.includes("ip saddr { 10.42.1.5, 10.42.1.6 } tcp dport 8080 accept"), "the new pod's address is allowed");

    // The namespace loses its label: no source is left, only the drop.
    const ns = await api.client.get(namespaces, "friends");
    await api.client.update(namespaces, { ...ns, metadata: { ...ns.metadata, labels: { "kubernetes.io/metadata.name": "friends" } } });
    await eventually((t) => /chain ing-app\/server \{\n\s+drop\n/.test(t), "nothing is allowed once the namespace no longer matches");

    // The policy goes: the pod is not isolated any more.
    await api.client.delete(policies, "allow", { namespace: "app" });
    await eventually((t) => !/chain (ing|egr)-/.test(t) && !t.includes("vmap"), "the chain and the dispatch go with the policy");
    assert.deepEqual(lines.filter((l) => /error|exit/i.test(l)), []);
  });

  it("cleanup removes the table", async () => {
    await cleanupNetworkPolicy({ netns });
    assert.notEqual(spawnSync("ip", ["netns", "exec", netns, "nft", "list", "table", "inet", "k8ts-netpol"]).status, 0);
  });
});
