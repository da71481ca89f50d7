// NetworkPolicy on real containers: `k8ts server` with its local agent (containerd, the CNI
// bridge k8ts0) and the agent's NetworkPolicy enforcer, once in each mode (nftables:
// `table inet k8ts-netpol`; iptables: the K8TS-NP-* chains of the filter table). A busybox
// client reaches an httpd pod; kubectl 1.35 applies a default-deny ingress policy and the
// client is cut off; an allow rule by podSelector (named port) lets it through again, one by
// namespaceSelector lets a client of another namespace through; an egress default-deny cuts
// the client's own outbound connections while a client it does not select keeps working.
// At the end the pods go and the test waits until the agent removed their sandboxes (so no
// containerd shim outlives the server). Needs root and the node packages; skipped with the
// reason otherwise.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { CriRuntime, checkNodePrerequisites } from "../../src/kubelet/runtime/index.js";
import { cleanupNetworkPolicy } from "../../src/netpol/index.js";
import { freePort, kubectl, startAgentServer, waitFor, type AgentServer } from "../harness/index.js";

const missing = process.getuid?.() !== 0 ? "needs root" : checkNodePrerequisites();
const image = "k8ts.local/busybox:latest";

const pod = (name: string, namespace: string, labels: Record<string, string>, command: string, ports = "") => `
apiVersion: v1
kind: Pod
metadata: {name: ${name}, namespace: ${namespace}, labels: ${JSON.stringify(labels)}}
spec:
  terminationGracePeriodSeconds: 0
  containers:
  - name: main
    image: ${image}
    imagePullPolicy: Never
    command: ["sh", "-c", ${JSON.stringify(command)}]
${ports}`;

const manifests = `
apiVersion: v1
kind: Namespace
metadata: {name: np-app}
---
apiVersion: v1
kind: Namespace
metadata: {name: np-friends, labels: {team: friends}}
---
${pod("server", "np-app", { app: "server" }, "mkdir -p /www && echo hello > /www/index.html && exec httpd -f -p 8080 -h /www", "    ports: [{containerPort: 8080, name: http}]\n    readinessProbe: {tcpSocket: {port: 8080}, periodSeconds: 1}")}
---
${pod("client", "np-app", { app: "client" }, "exec sleep 3600")}
---
${pod("client", "np-friends", { app: "client" }, "exec sleep 3600")}
`;

const policy = (name: string, spec: string) => `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: ${name}, namespace: np-app}
spec: ${spec}
`;

/** The pod sandboxes in the agent's private containerd (DATA_DIR/agent/containerd). */
async function sandboxCount(dataDir: string): Promise<number> {
  const cri = new CriRuntime({ endpoint: `unix://${join(dataDir, "agent", "containerd", "containerd.sock")}` });
  try {
    await cri.start({ waitMs: 5_000 });
    return (await cri.listPodSandbox({})).items?.length ?? 0;
  } finally {
    cri.close();
  }
}

/** containerd shims of the agent's containerd, found by the data dir in their command line. */
const shimsOf = (dataDir: string): string => spawnSync("pgrep", ["-f", `containerd-shim.*${dataDir}`], { encoding: "utf8" }).stdout.trim();

/** What each mode's rules look like, for the assertions on the programmed node. */
const modes = {
  nftables: {
    rules: (): string => spawnSync("nft", ["list", "table", "inet", "k8ts-netpol"], { encoding: "utf8" }).stdout,
    serverDropsAll: (rules: string): boolean => /chain ing-np-app\/server \{\n\s+drop\n/.test(rules),
    allowClient: /tcp dport 8080 accept comment "np-app\/allow-client ingress\[0\]"/,
    podChains: /chain (ing|egr)-/,
  },
  iptables: {
    rules: (): string => spawnSync("iptables-save", ["-t", "filter"], { encoding: "utf8" }).stdout,
    // The chain the dispatch on the server's address jumps to holds only the drop.
    serverDropsAll: (rules: string): boolean => {
      const chain = /^-A K8TS-NP-FORWARD -d [\d.]+\/32 -m comment --comment "np-app\/server ingress" -j (K8TS-NP-ING-\w+)$/m.exec(rules)?.[1];
      const own = rules.split("\n").filter((l) => chain && l.startsWith(`-A ${chain} `));
      return own.length === 1 && own[0] === `-A ${chain} -j DROP`;
    },
    allowClient: /-p tcp -m tcp --dport 8080 -m comment --comment "np-app\/allow-client ingress\[0\]" -j RETURN/,
    podChains: /K8TS-NP-(ING|EGR)-/,
  },
} as const;

for (const [mode, expect] of Object.entries(modes) as Array<[keyof typeof modes, (typeof modes)[keyof typeof modes]]>) {
  describe(`NetworkPolicy enforced by the agent in ${mode}`, { skip: missing || false }, () => {
    let server: AgentServer;
    let dataDir = "";
    let serverIP = "";
    const k = (args: string[], stdin?: string) => kubectl(server, args, { stdin, timeoutMs: 120_000 });

    let lastTry = "";
    const reaches = async (namespace: string): Promise<boolean> => {
      // busybox-static's wget crashes (exit 139) in these containers: the request goes through nc, whose -w 2 gives up on a dropped SYN.
      const r = await k(["-n", namespace, "exec", "client", "--", "sh", "-c", `printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 2 ${serverIP} 8080`]);
      lastTry = `exit ${r.code}: ${r.stdout}${r.stderr}`;
      if (r.code !== 0 && r.code !== 1) throw new Error(`kubectl exec in ${namespace}: ${lastTry}`);
      return r.stdout.includes("hello");
    };

    /** Waits until reachability is `want` (the enforcer syncs within milliseconds; the API round trips take longer). */
    const expectReach = async (namespace: string, want: boolean): Promise<void> => {
      const end = Date.now() + 30_000;
      let got = !want;
      while (Date.now() < end) {
        got = await reaches(namespace);
        if (got === want) return;
        await new Promise((r) => setTimeout(r, 500));
      }
      assert.equal(got, want, `client in ${namespace} ${want ? "cannot" : "still can"} reach the server (${lastTry})\n${expect.rules()}`);
    };


    before(async () => {
      dataDir = await mkdtemp(join(tmpdir(), "k8ts-e2e-netpol-"));
      server = await startAgentServer({ dataDir, port: await freePort(), args: ["--disable-cluster-dns", "--advertise-address", "127.0.0.1", "--network-policy-mode", mode] });
      await waitFor(`the enforcer starting in ${mode}`, async () => (server.log.some((l) => l.includes(`network policy: enforcing in ${mode}`)) ? true : undefined), 30_000);
      const applied = await k(["apply", "-f", "-"], manifests);
      assert.equal(applied.code, 0, applied.stderr);
      for (const [ns, name] of [["np-app", "server"], ["np-app", "client"], ["np-friends", "client"]]) {
        const r = await k(["-n", ns!, "wait", "--for=condition=Ready", `pod/${name}`, "--timeout=120s"]);
        assert.equal(r.code, 0, `${ns}/${name}: ${r.stderr}\n${server.log.slice(-30).join("\n")}`);
      }
      serverIP = (await k(["-n", "np-app", "get", "pod", "server", "-o", "jsonpath={.status.podIP}"])).stdout.trim();
      assert.match(serverIP, /^\d+\.\d+\.\d+\.\d+$/);
    });

    after(async () => {
      try {
        if (server) {
          await k(["delete", "pods", "--all", "-n", "np-app", "--grace-period=0", "--wait=true"]).catch(() => undefined);
          await k(["delete", "pods", "--all", "-n", "np-friends", "--grace-period=0", "--wait=true"]).catch(() => undefined);
          // The pod objects go before the agent stops and removes their sandboxes; a server
          // stopped now would leave the sandboxes' containerd shims running.
          try {
            await waitFor("the agent removed the pods' sandboxes", async () => ((await sandboxCount(dataDir)) === 0 ? true : undefined), 90_000);
          } finally {
            await server.stop();
          }
          await waitFor("no containerd shim of this agent", async () => (shimsOf(dataDir) === "" ? true : undefined), 30_000);
        }
      } finally {
        await cleanupNetworkPolicy();
        if (dataDir) await rm(dataDir, { recursive: true, force: true }).catch(() => undefined);
      }
    });

    it("lets traffic through while no policy selects the pods", async () => {
      await expectReach("np-app", true);
      await expectReach("np-friends", true);
    });

    it("a default-deny ingress policy cuts every client off, and kubectl shows it", async () => {
      const r = await k(["apply", "-f", "-"], policy("default-deny", "{podSelector: {}, policyTypes: [Ingress]}"));
      assert.equal(r.code, 0, r.stderr);
      await expectReach("np-app", false);
      await expectReach("np-friends", false);
      const table = await k(["-n", "np-app", "get", "networkpolicy"]);
      assert.match(table.stdout, /^NAME\s+POD-SELECTOR\s+AGE\ndefault-deny\s+<none>\s+\d+s/);
      const got = JSON.parse((await k(["-n", "np-app", "get", "netpol", "default-deny", "-o", "json"])).stdout) as { spec: { policyTypes: string[]; podSelector: object } };
      assert.deepEqual(got.spec, { podSelector: {}, policyTypes: ["Ingress"] });
      // The node's own traffic is not filtered: the server's TCP readiness probe keeps passing.
      await new Promise((r) => setTimeout(r, 3000));
      const ready = await k(["-n", "np-app", "get", "pod", "server", "-o", "jsonpath={.status.conditions[?(@.type==\"Ready\")].status}"]);
      assert.equal(ready.stdout, "True");
      assert.ok(expect.serverDropsAll(expect.rules()), `the server's chain drops everything:\n${expect.rules()}`);
    });

    it("an allow rule by podSelector on a named port lets the client of the namespace through", async () => {
      const r = await k(["apply", "-f", "-"], policy("allow-client", "{podSelector: {matchLabels: {app: server}}, ingress: [{from: [{podSelector: {matchLabels: {app: client}}}], ports: [{port: http}]}]}"));
      assert.equal(r.code, 0, r.stderr);
      await expectReach("np-app", true);
      assert.equal(await reaches("np-friends"), false);
      assert.match(expect.rules(), expect.allowClient);
    });

    it("an allow rule by namespaceSelector lets the other namespace's client through", async () => {
      const r = await k(["apply", "-f", "-"], policy("allow-friends", "{podSelector: {matchLabels: {app: server}}, ingress: [{from: [{namespaceSelector: {matchLabels: {team: friends}}}]}]}"));
      assert.equal(r.code, 0, r.stderr);
      await expectReach("np-friends", true);
      assert.equal(await reaches("np-app"), true);
    });

    it("an egress default-deny cuts the selected client's outbound connections only", async () => {
      const r = await k(["apply", "-f", "-"], policy("client-no-egress", "{podSelector: {matchLabels: {app: client}}, policyTypes: [Egress]}"));
      assert.equal(r.code, 0, r.stderr);
      await expectReach("np-app", false);
      assert.equal(await reaches("np-friends"), true);
    });

    it("refuses a bad policy with upstream's message and stores nothing", async () => {
      const r = await k(["apply", "-f", "-"], policy("bad", "{podSelector: {}, ingress: [{from: [{ipBlock: {cidr: 10.0.0.0/16, except: [10.1.0.0/24]}}]}]}"));
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /spec\.ingress\[0\]\.from\[0\]\.ipBlock\.except\[0\]: Invalid value: "10\.1\.0\.0\/24": must be a strict subset of `cidr`/);
      assert.notEqual((await k(["-n", "np-app", "get", "netpol", "bad"])).code, 0);
    });

    it("deleting the policies restores the traffic and empties the table", async () => {
      const r = await k(["-n", "np-app", "delete", "networkpolicy", "--all"]);
      assert.equal(r.code, 0, r.stderr);
      await expectReach("np-app", true);
      assert.doesNotMatch(expect.rules(), expect.podChains);
    });
  });
}
