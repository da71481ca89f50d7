// Projected service-account tokens on real containerd: a pod's kube-api-access volume
// (added by the ServiceAccount admission plugin) holds a pod-bound token the agent got
// through TokenRequest, the cluster CA and the namespace; the token authenticates
// (TokenReview) while the pod exists and stops when it is deleted.
// Needs root and the node packages; skipped with the reason otherwise.
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { decodeJwt } from "jose";
import { checkNodePrerequisites } from "../../src/kubelet/runtime/index.js";
import { freePort, k8tsBin, kubectl, waitFor } from "../harness/index.js";

const image = "k8ts.local/busybox:latest";
const missing = process.getuid?.() !== 0 ? "needs root" : checkNodePrerequisites();


describe("projected service-account token (real containerd)", { skip: missing ? `${missing}` : false, timeout: 300_000 }, () => {
  let proc: ChildProcess;
  let dataDir: string;
  const log: string[] = [];
  const server = { kubeconfig: "" };

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "k8ts-e2e-satoken-"));
    server.kubeconfig = join(dataDir, "kubeconfig.yaml");
    const port = await freePort();
    proc = spawn(process.execPath, [k8tsBin, "server", "--data-dir", dataDir, "--https-listen-port", String(port), "--bind-address", "127.0.0.1", "--advertise-address", "127.0.0.1", "--disable-cluster-dns"], { stdio: ["ignore", "pipe", "pipe"] });
    await new Promise<void>((resolve, fail) => {
      const reject = (err: Error) => {
        if (proc.exitCode === null) proc.kill("SIGKILL");
        fail(err);
      };
      const onLine = (buf: Buffer) => {
        for (const line of buf.toString().split("\n")) {
          if (line) log.push(line);
          if (line.includes("registered, pod CIDR")) resolve();
          if (line.startsWith("agent: not started")) reject(new Error(line));
        }
      };
      proc.stdout?.on("data", onLine);
      proc.stderr?.on("data", onLine);
      proc.once("exit", (code) => reject(new Error(`k8ts server exited ${code}: ${log.join("\n")}`)));
      setTimeout(() => reject(new Error(`agent did not register in 90s: ${log.join("\n")}`)), 90_000).unref();
    });
    await waitFor("the default ServiceAccount", async () => ((await kubectl(server, ["get", "serviceaccount", "default"])).code === 0 ? true : undefined));
  });

  after(async () => {
    if (!proc) return;
    await kubectl(server, ["delete", "pods", "--all", "--grace-period=1", "--wait=true"], { timeoutMs: 120_000 }).catch(() => undefined);
    if (proc.exitCode === null) {
      const exited = new Promise((r) => proc.once("exit", r));
      proc.kill("SIGTERM");
      await exited;
    }
    await rm(dataDir, { recursive: true, force: true }).catch(() => undefined);
  });

  const review = async (token: string) => {
    const r = await kubectl(server, ["create", "-o", "json", "-f", "-"], { stdin: JSON.stringify({ apiVersion: "authentication.k8s.io/v1", kind: "TokenReview", spec: { token } }) });
    assert.equal(r.code, 0, r.stderr);
    return (JSON.parse(r.stdout) as { status: { authenticated?: boolean; error?: string; user?: { username: string; extra?: Record<string, string[]> } } }).status;
  };

  it("mounts a pod-bound token, the CA and the namespace at /var/run/secrets/kubernetes.io/serviceaccount; the token authenticates until the pod is gone", async () => {
    const apply = await kubectl(server, ["apply", "-f", "-"], {
      stdin: `apiVersion: v1\nkind: Pod\nmetadata: {name: sa-token}\nspec:\n  terminationGracePeriodSeconds: 1\n  containers: [{name: main, image: ${image}, imagePullPolicy: IfNotPresent, command: ["sleep", "100000"]}]\n`,
    });
    assert.equal(apply.code, 0, apply.stderr);
    const pod = await waitFor("Running", async () => {
      const r = await kubectl(server, ["get", "pod", "sa-token", "-o", "json"]);
      const p = JSON.parse(r.stdout) as { metadata: { uid: string }; spec: { volumes?: { name: string; projected?: unknown }[] }; status: { phase?: string } };
      return p.status.phase === "Running" ? p : undefined;
    });
    assert.ok(pod.spec.volumes?.some((v) => v.name.startsWith("kube-api-access-") && v.projected), "the ServiceAccount admission plugin added kube-api-access");
    const cat = async (file: string) => {
      const r = await kubectl(server, ["exec", "sa-token", "--", "cat", `/var/run/secrets/kubernetes.io/serviceaccount/${file}`]);
      assert.equal(r.code, 0, r.stderr);
      return r.stdout;
    };
    const token = (await cat("token")).trim();
    assert.equal(await cat("namespace"), "default");
    assert.equal(await cat("ca.crt"), await readFile(join(dataDir, "pki", "ca.crt"), "utf8"));
    const claims = decodeJwt(token);
    assert.equal(claims.sub, "system:serviceaccount:default:default");
    assert.deepEqual((claims["kubernetes.io"] as { pod: unknown }).pod, { name: "sa-token", uid: pod.metadata.uid });
    // The auto-mounted token (3607 s) is extended to a year, with warnafter at its requested hour, as upstream.
    assert.equal((claims.exp ?? 0) - (claims.iat ?? 0), 365 * 24 * 3600);
    assert.equal((claims["kubernetes.io"] as { warnafter: number }).warnafter, (claims.iat ?? 0) + 3607);

    const ok = await review(token);
    assert.equal(ok.authenticated, true, ok.error);
    assert.equal(ok.user?.username, "system:serviceaccount:default:default");
    assert.deepEqual(ok.user?.extra?.["authentication.kubernetes.io/pod-name"], ["sa-token"]);
    assert.ok(ok.user?.extra?.["authentication.kubernetes.io/node-name"]?.[0], "the pod's node is in the token");

    // The agent keeps the same token on its periodic resyncs (rotation comes at 80% of its life).
    await new Promise((r) => setTimeout(r, 12_000));
    assert.equal((await cat("token")).trim(), token);

    const del = await kubectl(server, ["delete", "pod", "sa-token", "--wait=true"], { timeoutMs: 120_000 });
    assert.equal(del.code, 0, del.stderr);
    const gone = await review(token);
    assert.notEqual(gone.authenticated, true);
    assert.match(gone.error ?? "", /invalidated/);
  });
});
