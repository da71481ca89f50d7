// Manifests and charts at start-up, as k3s, on real containerd: a manifest in
// DATA_DIR/server/manifests before the start and one dropped in while the server runs
// both appear in the cluster; a HelmChart (helm.cattle.io/v1) whose chartContent is a
// chart made with `helm create` + `helm package` is installed by a Job running the real
// helm 4 binary from k8ts.local/helm (release Secret sh.helm.release.v1.*, the chart's
// ConfigMap), upgraded when valuesContent changes, and uninstalled when deleted.
// Needs root, the node packages and .tools/bin/helm; skipped otherwise.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { stringify } from "yaml";
import { checkNodePrerequisites } from "../../src/kubelet/runtime/index.js";
import { freePort, helmBin, kubectl, run, startAgentServer, type AgentServer, waitFor as waitUntil } from "../harness/index.js";

const missing = process.getuid?.() !== 0 ? "needs root" : !existsSync(helmBin) ? "no .tools/bin/helm (npm run tools)" : checkNodePrerequisites();

// Pods reach the API server (10.43.0.1) only at an address other than loopback: one this test adds to `lo`.
const advertiseAddress = "10.99.78.1";

/** The harness's waitFor with this file's longer default wait. */
const waitFor = <T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 150_000): Promise<T> => waitUntil(what, check, timeoutMs);

/** A chart from `helm create`, cut down to one ConfigMap that shows a value. */
async function packageChart(dir: string): Promise<string> {
  const chartDir = join(dir, "greeter");
  const created = await run(helmBin, ["create", chartDir], { env: { HOME: dir }, timeoutMs: 30_000 });
  assert.equal(created.code, 0, created.stderr);
  try {
    for (const f of readdirSync(join(chartDir, "templates"))) if (f !== "_helpers.tpl") rmSync(join(chartDir, "templates", f), { recursive: true, force: true });
    writeFileSync(join(chartDir, "values.yaml"), "greeting: hello\n");
    writeFileSync(
      join(chartDir, "templates", "configmap.yaml"),
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ include "greeter.fullname" . }}\n  labels:\n    {{- include "greeter.labels" . | nindent 4 }}\ndata:\n  greeting: {{ .Values.greeting | quote }}\n',
    );
    const packaged = await run(helmBin, ["package", chartDir, "--destination", dir], { env: { HOME: dir }, timeoutMs: 30_000 });
    assert.equal(packaged.code, 0, packaged.stderr);
  } finally {
    rmSync(chartDir, { recursive: true, force: true });
  }
  return readFileSync(join(dir, "greeter-0.1.0.tgz")).toString("base64");
}

describe("manifests and HelmCharts at start-up on real containers", { skip: missing || false }, () => {
  let server: AgentServer;
  let dataDir = "";
  let work = "";
  let chartContent = "";
  const k = (args: string[], stdin?: string) => kubectl(server, args, { stdin, timeoutMs: 180_000 });

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "k8ts-e2e-helm-"));
    work = await mkdtemp(join(tmpdir(), "k8ts-e2e-helm-work-"));
    spawnSync("ip", ["addr", "del", `${advertiseAddress}/32`, "dev", "lo"], { stdio: "ignore" });
    const added = spawnSync("ip", ["addr", "add", `${advertiseAddress}/32`, "dev", "lo"], { encoding: "utf8" });
    assert.equal(added.status, 0, added.stderr);
    const manifests = join(dataDir, "server", "manifests");
    mkdirSync(manifests, { recursive: true });
    writeFileSync(join(manifests, "early.yaml"), stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "early", namespace: "default" }, data: { from: "manifests" } }));
    server = await startAgentServer({ dataDir, port: await freePort(), args: ["--disable-cluster-dns", "--advertise-address", advertiseAddress] });
  });

  after(async () => {
    if (server) {
      await k(["delete", "helmcharts", "--all", "-A", "--wait=true", "--timeout=120s"]).catch(() => undefined);
      await k(["delete", "jobs,pods", "--all", "-A", "--grace-period=1", "--wait=true"]).catch(() => undefined);
      await server.stop();
    }
    spawnSync("ip", ["addr", "del", `${advertiseAddress}/32`, "dev", "lo"], { stdio: "ignore" });
    await rm(dataDir, { recursive: true, force: true }).catch(() => undefined);
    await rm(work, { recursive: true, force: true }).catch(() => undefined);
  });

  it("applies a manifest present at start and one dropped in while running", async () => {
    const early = await waitFor("ConfigMap early", async () => {
      const r = await k(["get", "configmap", "early", "-o", "jsonpath={.data.from}"]);
      return r.code === 0 && r.stdout === "manifests" ? r.stdout : undefined;
    }, 60_000);
    assert.equal(early, "manifests");
    writeFileSync(
      join(dataDir, "server", "manifests", "later.yaml"),
      [stringify({ apiVersion: "v1", kind: "Namespace", metadata: { name: "later" } }), stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "later", namespace: "later" }, data: { n: "2" } })].join("---\n"),
    );
    await waitFor("ConfigMap later/later", async () => ((await k(["-n", "later", "get", "configmap", "later", "-o", "jsonpath={.data.n}"])).stdout === "2" ? true : undefined), 60_000);
    const addons = await k(["-n", "kube-system", "get", "addons.k3s.cattle.io"]);
    assert.match(addons.stdout, /^early\s/m, addons.stdout + addons.stderr);
    assert.match(addons.stdout, /^later\s/m);
  });

  it("installs a HelmChart's chartContent with a helm Job, upgrades it on a values change and uninstalls it on delete", async () => {
    chartContent = await packageChart(work);
    // The agent imports k8ts.local/helm in the background after its start.
    await waitFor("the helm image", async () => (server.log.some((l) => /images: .*k8ts\.local\/helm:v4/.test(l)) ? true : undefined), 120_000).catch((err: unknown) => {
      throw new Error(`${String(err)}\n${server.log.filter((l) => /images|helm/.test(l)).join("\n")}`);
    });
    const helmChart = (greeting: string) =>
      stringify({ apiVersion: "helm.cattle.io/v1", kind: "HelmChart", metadata: { name: "greeter", namespace: "kube-system" }, spec: { chartContent, targetNamespace: "greet", createNamespace: true, valuesContent: `greeting: ${greeting}\n` } });
    const applied = await k(["apply", "-f", "-"], helmChart("hi"));
    assert.equal(applied.code, 0, applied.stderr);
    const started = Date.now();
    await waitFor("the chart's ConfigMap", async () => ((await k(["-n", "greet", "get", "configmap", "greeter", "-o", "jsonpath={.data.greeting}"])).stdout === "hi" ? true : undefined));
    console.log(`# install took ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const release = await k(["-n", "greet", "get", "secret", "sh.helm.release.v1.greeter.v1", "-o", "jsonpath={.type}"]);
    assert.equal(release.stdout, "helm.sh/release.v1", release.stderr);
    const hc = await k(["-n", "kube-system", "get", "helmchart", "greeter", "-o", "jsonpath={.status.jobName}"]);
    assert.equal(hc.stdout, "helm-install-greeter");
    const listed = await run(helmBin, ["--kubeconfig", server.kubeconfig, "list", "-n", "greet", "-o", "json"], { env: { HOME: work } });
    assert.match(listed.stdout, /"name":"greeter".*"status":"deployed"/, listed.stdout + listed.stderr);

    const changed = await k(["apply", "-f", "-"], helmChart("bye"));
    assert.equal(changed.code, 0, changed.stderr);
    await waitFor("the upgraded ConfigMap", async () => ((await k(["-n", "greet", "get", "configmap", "greeter", "-o", "jsonpath={.data.greeting}"])).stdout === "bye" ? true : undefined));
    const v2 = await k(["-n", "greet", "get", "secret", "sh.helm.release.v1.greeter.v2"]);
    assert.equal(v2.code, 0, v2.stderr);

    const deleted = await k(["-n", "kube-system", "delete", "helmchart", "greeter", "--timeout=150s"]);
    assert.equal(deleted.code, 0, deleted.stderr);
    const cm = await k(["-n", "greet", "get", "configmap", "greeter"]);
    assert.match(cm.stderr, /NotFound/, cm.stdout);
    const secrets = await k(["-n", "greet", "get", "secrets", "-l", "owner=helm", "-o", "name"]);
    assert.equal(secrets.stdout.trim(), "", "release Secrets left");
  });

  it("installs a chart from a chart repository (repo, chart, version), served here over HTTP", async () => {
    assert.ok(chartContent, "the chart was packaged by the previous test");
    const repoDir = join(work, "repo");
    mkdirSync(repoDir, { recursive: true });
    writeFileSync(join(repoDir, "greeter-0.1.0.tgz"), Buffer.from(chartContent, "base64"));
    const requests: string[] = [];
    const http = createServer((req, res) => {
      requests.push(req.url ?? "");
      const file = join(repoDir, (req.url ?? "/").split("?")[0]?.slice(1) ?? "");
      if (!existsSync(file) || !file.startsWith(repoDir + "/")) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200).end(readFileSync(file));
    });
    await new Promise<void>((r) => http.listen(0, advertiseAddress, r));
    try {
      const url = `http://${advertiseAddress}:${(http.address() as AddressInfo).port}`;
      const indexed = await run(helmBin, ["repo", "index", repoDir, "--url", url], { env: { HOME: work } });
      assert.equal(indexed.code, 0, indexed.stderr);
      const applied = await k(["apply", "-f", "-"], stringify({ apiVersion: "helm.cattle.io/v1", kind: "HelmChart", metadata: { name: "from-repo", namespace: "kube-system" }, spec: { repo: url, chart: "greeter", version: "0.1.0", targetNamespace: "default", set: { greeting: "from the repo" } } }));
      assert.equal(applied.code, 0, applied.stderr);
      await waitFor("the chart's ConfigMap from the repository", async () => ((await k(["get", "configmap", "from-repo-greeter", "-o", "jsonpath={.data.greeting}"])).stdout === "from the repo" ? true : undefined));
      assert.ok(requests.includes("/index.yaml") && requests.includes("/greeter-0.1.0.tgz"), requests.join(" "));
      const deleted = await k(["-n", "kube-system", "delete", "helmchart", "from-repo", "--timeout=150s"]);
      assert.equal(deleted.code, 0, deleted.stderr);
      assert.match((await k(["get", "configmap", "from-repo-greeter"])).stderr, /NotFound/);
    } finally {
      http.closeAllConnections();
      await new Promise((r) => http.close(r));
    }
  });
});
