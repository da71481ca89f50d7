// The node agent end to end: `k8ts server` with its local agent (a private containerd,
// CRI, CNI bridge, k8ts's own busybox image), driven with kubectl and a Client.
// Needs root and the node packages (containerd runc containernetworking-plugins
// busybox-static iptables); skipped with the reason otherwise.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { get } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Pod } from "../../src/api/index.js";
import { Client, httpTransport, loadKubeconfig, resource } from "../../src/client/index.js";
import { buildOciArchive, busyboxLayer, findBusybox } from "../../src/kubelet/images/index.js";
import { checkNodePrerequisites, findExecutable } from "../../src/kubelet/runtime/index.js";
import { freePort, kubectl, run, waitFor as waitUntil, startAgentServer, type AgentServer } from "../harness/index.js";

const pods = resource<Pod>("", "v1", "pods", "Pod", true);
const image = "k8ts.local/busybox:latest";
const missing = process.getuid?.() !== 0 ? "needs root" : checkNodePrerequisites();

/** `k8ts server` with its agent on real containerd (kubelet port: a free one). */
function startServer(dataDir: string, port: number): Promise<AgentServer> {
  return startAgentServer({ dataDir, port, args: ["--advertise-address", "127.0.0.1", "--disable-cluster-dns"] });
}

const waitFor = <T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 60_000) => waitUntil(what, check, timeoutMs);

function httpGet(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = get(url, { timeout: 3000 }, (res) => {
      let body = "";
      res.on("data", (c: Buffer) => (body += c.toString()));
      res.on("end", () => resolve(body));
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", reject);
  });
}

/** Debian's docker-registry on loopback, its own config and storage in a temp dir. */
async function startRegistry(): Promise<{ host: string; dir: string; stop: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), "k8ts-e2e-registry-"));
  const port = await freePort();
  const config = join(dir, "config.yml");
  await writeFile(config, `version: 0.1\nlog: {level: warn}\nstorage: {filesystem: {rootdirectory: ${join(dir, "data")}}, delete: {enabled: true}}\nhttp: {addr: "127.0.0.1:${port}"}\n`);
  const proc = spawn("docker-registry", ["serve", config], { stdio: ["ignore", "ignore", "pipe"] });
  let err = "";
  proc.stderr?.on("data", (c: Buffer) => (err += c.toString()));
  const stop = async () => {
    if (proc.exitCode === null) {
      const exited = new Promise((r) => proc.once("exit", r));
      proc.kill("SIGTERM");
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitFor("docker-registry", async () => ((await httpGet(`http://127.0.0.1:${port}/v2/`)) !== undefined ? true : undefined), 20_000);
  } catch (e) {
    await stop();
    throw new Error(`${String(e)}: ${err}`);
  }
  return { host: `127.0.0.1:${port}`, dir, stop };
}

/** Builds k8ts's busybox image with MARK=<mark> in its environment and pushes it with skopeo. */
async function pushBusybox(dir: string, ref: string, mark: string): Promise<void> {
  const busybox = findBusybox();
  assert.ok(busybox, "busybox-static is installed");
  const env = ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", `MARK=${mark}`];
  const { archive } = await buildOciArchive([{ names: ["busybox:1"], layers: [busyboxLayer(busybox)], config: { cmd: ["sh"], env } }]);
  const file = join(dir, `busybox-${mark}.tar`);
  await writeFile(file, archive);
  const r = await run("skopeo", ["copy", "--quiet", "--dest-tls-verify=false", `oci-archive:${file}`, `docker://${ref}`], { timeoutMs: 60_000 });
  assert.equal(r.code, 0, r.stderr);
}

describe("kubelet end to end (real containerd)", { skip: missing ? `${missing}` : false, timeout: 600_000 }, () => {
  let server: AgentServer;
  let client: Client;
  let close: () => void = () => undefined;
  const apply = async (yaml: string) => {
    const r = await kubectl(server, ["apply", "-f", "-"], { stdin: yaml });
    assert.equal(r.code, 0, r.stderr);
  };
  const pod = (name: string) => client.get(pods, name, { namespace: "default" });
  const podsOf = async (label: string) => (await client.list(pods, { namespace: "default", labelSelector: label })).items;

  before(async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "k8ts-e2e-kubelet-"));
    server = await startServer(dataDir, await freePort());
    const transport = httpTransport(await loadKubeconfig(server.kubeconfig));
    client = new Client({ transport });
    close = () => transport.close();
  });

  after(async () => {
    if (!server) return;
    await kubectl(server, ["delete", "pods,deployments,jobs,configmaps", "--all", "--grace-period=1", "--wait=true"], { timeoutMs: 120_000 }).catch(() => undefined);
    close();
    await server.stop();
    await rm(server.dataDir, { recursive: true, force: true }).catch(() => undefined);
    // The CNI bridge plugin leaves its bridge behind; remove it unless another containerd still runs pods.
    const others = await new Promise<string>((resolve) => {
      const p = spawn("pgrep", ["-x", "containerd"], { stdio: ["ignore", "pipe", "ignore"] });
      let out = "";
      p.stdout?.on("data", (c: Buffer) => (out += c.toString()));
      p.on("close", () => resolve(out.trim()));
    });
    if (!others) await new Promise((resolve) => spawn("ip", ["link", "del", "k8ts0"], { stdio: "ignore" }).on("close", resolve));
  });

  it("runs a Deployment of busybox httpd to Running and Ready; its pod IP answers HTTP from the node", async () => {
    await apply(`
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: httpd
        image: ${image}
        imagePullPolicy: IfNotPresent
        command: ["httpd", "-f", "-p", "8080", "-h", "/etc"]
        ports: [{containerPort: 8080}]
        readinessProbe: {httpGet: {path: /hostname, port: 8080}, periodSeconds: 1}
`);
    const p = await waitFor("web Ready", async () => (await podsOf("app=web")).find((x) => x.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True")));
    assert.equal(p.status?.phase, "Running");
    assert.equal((await httpGet(`http://${p.status?.podIP}:8080/hostname`)).trim(), p.metadata.name);
  });

  it("shows CrashLoopBackOff with growing back-off and restartCount for a container exiting 1", async () => {
    await apply(`
apiVersion: v1
kind: Pod
metadata: {name: crash}
spec:
  containers: [{name: main, image: ${image}, imagePullPolicy: IfNotPresent, command: ["sh", "-c", "exit 1"]}]
`);
    const p = await waitFor("crash loop", async () => {
      const x = await pod("crash");
      const cs = x.status?.containerStatuses?.[0];
      return cs?.state?.waiting?.reason === "CrashLoopBackOff" && cs.restartCount >= 2 ? x : undefined;
    }, 90_000);
    const cs = p.status?.containerStatuses?.[0];
    assert.equal(cs?.lastState?.terminated?.exitCode, 1);
    assert.equal(cs?.lastState?.terminated?.reason, "Error");
    assert.match(cs?.state?.waiting?.message ?? "", /^back-off (10|20)s restarting failed container=main pod=crash_default/);
  });

  it("restarts a container whose liveness probe fails", async () => {
    await apply(`
apiVersion: v1
kind: Pod
metadata: {name: live}
spec:
  containers:
  - name: main
    image: ${image}
    imagePullPolicy: IfNotPresent
    command: ["sh", "-c", "touch /tmp/ok; sleep 3; rm /tmp/ok; sleep 100000"]
    livenessProbe: {exec: {command: ["cat", "/tmp/ok"]}, periodSeconds: 1, failureThreshold: 2}
`);
    await waitFor("liveness restart", async () => (((await pod("live")).status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1 ? true : undefined));
    const ev = await kubectl(server, ["get", "events", "--field-selector", "involvedObject.name=live", "-o", "jsonpath={range .items[*]}{.reason}{\"\\n\"}{end}"]);
    assert.match(ev.stdout, /Unhealthy/);
    assert.match(ev.stdout, /Killing/);
  });

  it("shows a configMap volume's file in the container and follows an update", async () => {
    await apply(`
apiVersion: v1
kind: ConfigMap
metadata: {name: cfg}
data: {greeting: hello}
---
apiVersion: v1
kind: Pod
metadata: {name: cfgpod}
spec:
  volumes: [{name: cfg, configMap: {name: cfg}}]
  containers:
  - {name: main, image: ${image}, imagePullPolicy: IfNotPresent, command: ["sleep", "100000"], volumeMounts: [{name: cfg, mountPath: /cfg}]}
`);
    await waitFor("cfgpod Running", async () => ((await pod("cfgpod")).status?.phase === "Running" ? true : undefined));
    const read = async () => {
      const r = await kubectl(server, ["exec", "cfgpod", "--", "cat", "/cfg/greeting"]);
      return r.code === 0 ? r.stdout : undefined;
    };
    // kubectl exec needs the streaming endpoints; until they land, read the file through the volume's host path.
    const viaHost = async () => {
      const p = await pod("cfgpod");
      return readFile(join(server.dataDir, "agent", "pods", p.metadata.uid ?? "", "volumes", "kubernetes.io~configmap", "cfg", "greeting"), "utf8").catch(() => undefined);
    };
    const first = (await read()) ?? (await viaHost());
    assert.equal(first, "hello");
    await apply(`
apiVersion: v1
kind: ConfigMap
metadata: {name: cfg}
data: {greeting: bonjour}
`);
    await waitFor("configMap update", async () => (((await read()) ?? (await viaHost())) === "bonjour" ? true : undefined), 60_000);
  });

  it("runs a Job's pod to Succeeded", async () => {
    await apply(`
apiVersion: batch/v1
kind: Job
metadata: {name: once}
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: main, image: ${image}, imagePullPolicy: IfNotPresent, command: ["sh", "-c", "echo done"]}]
`);
    const p = await waitFor("job pod Succeeded", async () => (await podsOf("job-name=once")).find((x) => x.status?.phase === "Succeeded"));
    assert.equal(p.status?.containerStatuses?.[0].state?.terminated?.reason, "Completed");
  });

  it("runs preStop and respects the grace period when deleting a SIGTERM-trapping container", async () => {
    await apply(`
apiVersion: v1
kind: Pod
metadata: {name: graceful}
spec:
  terminationGracePeriodSeconds: 6
  volumes: [{name: out, hostPath: {path: /tmp/k8ts-e2e-prestop, type: DirectoryOrCreate}}]
  containers:
  - name: main
    image: ${image}
    imagePullPolicy: IfNotPresent
    command: ["sh", "-c", "trap 'echo term >> /out/log' TERM; while true; do sleep 1; done"]
    volumeMounts: [{name: out, mountPath: /out}]
    lifecycle: {preStop: {exec: {command: ["sh", "-c", "echo prestop > /out/log"]}}}
`);
    await waitFor("graceful Running", async () => ((await pod("graceful")).status?.phase === "Running" ? true : undefined));
    const start = Date.now();
    const r = await kubectl(server, ["delete", "pod", "graceful", "--wait=true"], { timeoutMs: 60_000 });
    const took = Date.now() - start;
    assert.equal(r.code, 0, r.stderr);
    const log = await readFile("/tmp/k8ts-e2e-prestop/log", "utf8");
    assert.match(log, /^prestop\n(term\n)*/);
    // The trap keeps the shell alive (it loops on), so only SIGKILL after the grace period ends it.
    assert.ok(took >= 5000, `deleted after ${took} ms, before the 6 s grace period`);
    await rm("/tmp/k8ts-e2e-prestop", { recursive: true, force: true });
  });

  it("enforces a memory limit: a container allocating past it is OOMKilled with exit code 137", async () => {
    // sh (the container's first process) keeps 200 MiB in a variable: the kernel kills it at 32 MiB.
    const hog = `["sh", "-c", "x=$(head -c 200m /dev/zero | tr '\\\\0' a); sleep 100000"]`;
    await apply(`
apiVersion: v1
kind: Pod
metadata: {name: oom-never}
spec:
  restartPolicy: Never
  containers: [{name: main, image: ${image}, imagePullPolicy: IfNotPresent, command: ${hog}, resources: {limits: {memory: 32Mi}}}]
---
apiVersion: v1
kind: Pod
metadata: {name: oom-always}
spec:
  containers: [{name: main, image: ${image}, imagePullPolicy: IfNotPresent, command: ${hog}, resources: {limits: {memory: 32Mi}}}]
`);
    // restartPolicy Never: the pod fails, the container stays terminated, no restart.
    const failed = await waitFor("oom-never Failed", async () => {
      const p = await pod("oom-never");
      return p.status?.phase === "Failed" ? p : undefined;
    }, 90_000);
    const t = failed.status?.containerStatuses?.[0];
    assert.equal(t?.state?.terminated?.reason, "OOMKilled");
    assert.equal(t?.state?.terminated?.exitCode, 137);
    assert.equal(t?.restartCount, 0);
    assert.equal(failed.status?.reason, undefined);
    // restartPolicy Always: the container is restarted; the OOM kill is its last state.
    const restarted = await waitFor("oom-always restarted", async () => {
      const p = await pod("oom-always");
      const cs = p.status?.containerStatuses?.[0];
      return (cs?.restartCount ?? 0) >= 1 && cs?.lastState?.terminated ? p : undefined;
    }, 90_000);
    const a = restarted.status?.containerStatuses?.[0];
    assert.equal(a?.lastState?.terminated?.reason, "OOMKilled");
    assert.equal(a?.lastState?.terminated?.exitCode, 137);
    assert.equal(restarted.status?.phase, "Running");
  });

  it("drops a pod out of Ready when its readiness probe starts failing, the container still running", async () => {
    await apply(`
apiVersion: v1
kind: Pod
metadata: {name: unready}
spec:
  containers:
  - name: main
    image: ${image}
    imagePullPolicy: IfNotPresent
    command: ["sh", "-c", "touch /tmp/ready; sleep 100000"]
    readinessProbe: {exec: {command: ["cat", "/tmp/ready"]}, periodSeconds: 1, failureThreshold: 2}
`);
    const cond = (p: Pod, type: string) => p.status?.conditions?.find((c) => c.type === type)?.status;
    const ready = await waitFor("unready Ready", async () => {
      const p = await pod("unready");
      return cond(p, "Ready") === "True" ? p : undefined;
    });
    assert.equal(cond(ready, "ContainersReady"), "True");
    const r = await kubectl(server, ["exec", "unready", "--", "rm", "/tmp/ready"]);
    assert.equal(r.code, 0, r.stderr);
    const unready = await waitFor("unready not Ready", async () => {
      const p = await pod("unready");
      return cond(p, "Ready") === "False" ? p : undefined;
    });
    assert.equal(cond(unready, "ContainersReady"), "False");
    const cs = unready.status?.containerStatuses?.[0];
    assert.equal(cs?.ready, false);
    assert.ok(cs?.state?.running, "the container keeps running");
    assert.equal(cs?.restartCount, 0);
    assert.equal(unready.status?.phase, "Running");
    assert.equal(unready.status?.conditions?.find((c) => c.type === "Ready")?.reason, "ContainersNotReady");
    // It comes back when the probe passes again.
    assert.equal((await kubectl(server, ["exec", "unready", "--", "touch", "/tmp/ready"])).code, 0);
    await waitFor("unready Ready again", async () => (cond(await pod("unready"), "Ready") === "True" ? true : undefined));
  });

  describe("images against a real registry (docker-registry on loopback, pushed with skopeo)", { skip: !findExecutable("docker-registry") ? "needs docker-registry (apt-get install docker-registry)" : !findExecutable("skopeo") ? "needs skopeo (apt-get install skopeo)" : false }, () => {
    let registry: Awaited<ReturnType<typeof startRegistry>>;
    const podYaml = (name: string, img: string, policy: string) => `
apiVersion: v1
kind: Pod
metadata: {name: ${name}}
spec:
  containers: [{name: main, image: "${img}", imagePullPolicy: ${policy}, command: ["sh", "-c", "echo mark=$MARK; sleep 100000"]}]
`;
    const running = (name: string) => waitFor(`${name} Running`, async () => {
      const p = await pod(name);
      return p.status?.phase === "Running" ? p : undefined;
    });
    const logs = async (name: string) => waitFor(`${name} logs`, async () => {
      const r = await kubectl(server, ["logs", name]);
      return r.code === 0 && r.stdout.includes("mark=") ? r.stdout.trim() : undefined;
    });
    const events = async (name: string) => (await kubectl(server, ["get", "events", "--field-selector", `involvedObject.name=${name}`, "-o", "jsonpath={range .items[*]}{.reason}: {.message}{\"\\n\"}{end}"])).stdout;

    before(async () => {
      registry = await startRegistry();
    });
    after(async () => {
      await registry?.stop();
    });

    it("pulls with imagePullPolicy Always, and again when the tag moves; IfNotPresent and Never use the image on the node", async () => {
      const ref = `${registry.host}/busybox:1`;
      await pushBusybox(registry.dir, ref, "v1");
      await apply(podYaml("reg-always", ref, "Always"));
      const p = await running("reg-always");
      assert.equal(await logs("reg-always"), "mark=v1");
      assert.equal(p.status?.containerStatuses?.[0].image, ref);
      assert.match(p.status?.containerStatuses?.[0].imageID ?? "", new RegExp(`^${registry.host}/busybox@sha256:[0-9a-f]{64}$`));
      const ev = await events("reg-always");
      assert.match(ev, new RegExp(`Pulling: Pulling image "${ref}"`));
      assert.match(ev, new RegExp(`Pulled: Successfully pulled image "${ref}"`));

      // The tag now names another image: IfNotPresent and Never keep the one on the node, Always pulls the new one.
      await pushBusybox(registry.dir, ref, "v2");
      // The Always pod comes after the others are running: its pull moves the node's tag to v2, and an
      // IfNotPresent pod started after that would rightly find v2 present.
      await apply(podYaml("reg-ifnotpresent", ref, "IfNotPresent") + "---" + podYaml("reg-never", ref, "Never"));
      assert.equal(await logs("reg-ifnotpresent"), "mark=v1");
      assert.equal(await logs("reg-never"), "mark=v1");
      await apply(podYaml("reg-always2", ref, "Always"));
      assert.equal(await logs("reg-always2"), "mark=v2");
      assert.match(await events("reg-ifnotpresent"), new RegExp(`Pulled: Container image "${ref}" already present on machine`));
      assert.doesNotMatch(await events("reg-never"), /Pulling/);
    });

    it("shows ErrImagePull then ImagePullBackOff for an image the registry lacks", async () => {
      const ref = `${registry.host}/busybox:missing`;
      await apply(podYaml("reg-missing", ref, "IfNotPresent"));
      const seen = new Set<string>();
      let message = "";
      await waitFor("ErrImagePull then ImagePullBackOff", async () => {
        const w = (await pod("reg-missing")).status?.containerStatuses?.[0]?.state?.waiting;
        if (w?.reason) seen.add(w.reason);
        if (w?.reason === "ImagePullBackOff") message = w.message ?? "";
        if (seen.has("ErrImagePull") && seen.has("ImagePullBackOff")) return true;
        throw new Error(`waiting reasons seen: ${[...seen].join(", ") || "none"}; now ${JSON.stringify(w)}`);
      }, 60_000);
      assert.match(message, new RegExp(`^Back-off pulling image "${ref}"`));
      const p = await pod("reg-missing");
      assert.equal(p.status?.phase, "Pending");
      assert.equal(p.status?.containerStatuses?.[0].ready, false);
      const ev = await events("reg-missing");
      assert.match(ev, new RegExp(`Failed: Failed to pull image "${ref}"`));
      assert.match(ev, /Failed: Error: ErrImagePull/);
      assert.match(ev, new RegExp(`BackOff: Back-off pulling image "${ref}"`));
    });

    it("shows ErrImageNeverPull for a missing image with imagePullPolicy Never", async () => {
      const ref = `${registry.host}/busybox:never-pushed`;
      await apply(podYaml("reg-nevermissing", ref, "Never"));
      const w = await waitFor("ErrImageNeverPull", async () => {
        const x = (await pod("reg-nevermissing")).status?.containerStatuses?.[0]?.state?.waiting;
        return x?.reason === "ErrImageNeverPull" ? x : undefined;
      });
      assert.equal(w.message, `Container image "${ref}" is not present with pull policy of Never`);
      assert.match(await events("reg-nevermissing"), /ErrImageNeverPull: Container image .* is not present with pull policy of Never/);
    });
  });

  it("leaves running pods running when the agent is killed and restarted", async () => {
    await apply(`
apiVersion: v1
kind: Pod
metadata: {name: survivor}
spec:
  containers: [{name: main, image: ${image}, imagePullPolicy: IfNotPresent, command: ["sleep", "100000"]}]
`);
    const before = await waitFor("survivor Running", async () => {
      const p = await pod("survivor");
      return p.status?.phase === "Running" ? p : undefined;
    });
    close();
    await server.stop("SIGKILL");
    server = await startServer(server.dataDir, server.port);
    const transport = httpTransport(await loadKubeconfig(server.kubeconfig));
    client = new Client({ transport });
    close = () => transport.close();
    await new Promise((r) => setTimeout(r, 5000));
    const afterRestart = await pod("survivor");
    assert.equal(afterRestart.status?.phase, "Running");
    assert.equal(afterRestart.status?.containerStatuses?.[0].containerID, before.status?.containerStatuses?.[0].containerID);
    assert.equal(afterRestart.status?.containerStatuses?.[0].restartCount, 0);
  });
});
