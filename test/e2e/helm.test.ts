// helm 4 (from the same npm package as kubectl) against the real `k8ts server`: the chart
// `helm create` makes, plus a CRD in crds/, a custom object of it and a post-install/
// post-upgrade hook Job, installed with --wait (server-side apply, helm 4's default),
// upgraded, rolled back and uninstalled. Fake nodes from the harness run the pods (the
// hook Job's pod succeeds).
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { Client, httpTransport, loadKubeconfig, type HttpTransport } from "../../src/client/index.js";
import { helmBin, run, startFakeNodes, type FakeNodes } from "../harness/index.js";
import { kubectlJson, kubectlRun, needsKubectl, startServer, type KubeObject } from "./_fixtures.js";

const crd = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.demo.k8ts.io
spec:
  group: demo.k8ts.io
  names: { kind: Widget, plural: widgets, singular: widget }
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              size: { type: integer }
`;

const widget = `apiVersion: demo.k8ts.io/v1
kind: Widget
metadata:
  name: {{ include "demo.fullname" . }}
spec:
  size: {{ .Values.replicaCount }}
`;

const hookJob = `apiVersion: batch/v1
kind: Job
metadata:
  name: {{ include "demo.fullname" . }}-hook-{{ .Release.Revision }}
  annotations:
    "helm.sh/hook": post-install,post-upgrade
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: hook
        image: busybox
        command: ["sh", "-c", "echo done"]
`;

const skip = needsKubectl.skip || (existsSync(helmBin) ? false : "run `npm run tools` for helm");

describe("helm 4 installs, upgrades, rolls back and uninstalls a chart", { skip }, () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  let transport: HttpTransport;
  let nodes: FakeNodes;
  let dir = "";
  let helmEnv: Record<string, string> = {};
  const helm = (args: string[]) => run(helmBin, args, { env: helmEnv, timeoutMs: 180_000 });

  before(async () => {
    server = await startServer();
    transport = httpTransport(await loadKubeconfig(server.kubeconfig));
    const client = new Client({ transport });
    nodes = await startFakeNodes({ client, names: ["helm-node-a", "helm-node-b"], podOutcome: (pod) => ((pod as { spec?: { restartPolicy?: string } }).spec?.restartPolicy === "Never" ? "succeed" : "run"), runMs: 300 });
    dir = await mkdtemp(join(tmpdir(), "k8ts-helm-"));
    helmEnv = { KUBECONFIG: server.kubeconfig, HELM_CACHE_HOME: join(dir, "cache"), HELM_CONFIG_HOME: join(dir, "config"), HELM_DATA_HOME: join(dir, "data") };
    const created = await helm(["create", join(dir, "demo")]);
    assert.equal(created.code, 0, created.stderr);
    await mkdir(join(dir, "demo", "crds"));
    await writeFile(join(dir, "demo", "crds", "widgets.yaml"), crd);
    await writeFile(join(dir, "demo", "templates", "widget.yaml"), widget);
    await writeFile(join(dir, "demo", "templates", "hook-job.yaml"), hookJob);
  });

  after(async () => {
    await nodes?.close();
    transport?.close();
    await server?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function deployment(): Promise<KubeObject & { spec?: { replicas?: number }; status?: { readyReplicas?: number } }> {
    return kubectlJson(server, ["get", "deployment", "demo", "-n", "default"]);
  }

  async function widgetSize(): Promise<number | undefined> {
    return (await kubectlJson<KubeObject & { spec?: { size?: number } }>(server, ["get", "widgets.demo.k8ts.io", "demo", "-n", "default"])).spec?.size;
  }

  it("install --wait: the CRD, the Deployment ready, the Service, the custom object and the hook Job complete, applied server-side by helm", async () => {
    const r = await helm(["install", "demo", join(dir, "demo"), "--namespace", "default", "--wait", "--timeout", "2m"]);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /STATUS: deployed/);
    const d = await deployment();
    assert.equal(d.status?.readyReplicas, 1);
    assert.equal(await widgetSize(), 1);
    const job = await kubectlJson<KubeObject & { status?: { succeeded?: number } }>(server, ["get", "job", "demo-hook-1", "-n", "default"]);
    assert.equal(job.status?.succeeded, 1);
    const svc = await kubectlJson<KubeObject & { spec?: { clusterIP?: string } }>(server, ["get", "service", "demo", "-n", "default"]);
    assert.match(svc.spec?.clusterIP ?? "", /^10\.43\./);
    const withFields = await kubectlJson(server, ["get", "deployment", "demo", "-n", "default", "--show-managed-fields"]);
    const managers = ((withFields.metadata as { managedFields?: { manager: string; operation: string }[] }).managedFields ?? []).map((m) => `${m.manager}/${m.operation}`);
    assert.ok(managers.includes("helm/Apply"), managers.join(", "));
    const crdObj = await kubectlJson<KubeObject & { status?: { conditions?: { type: string; status: string }[] } }>(server, ["get", "crd", "widgets.demo.k8ts.io"]);
    assert.ok(crdObj.status?.conditions?.some((c: { type: string; status: string }) => c.type === "Established" && c.status === "True"));
  });

  it("upgrade --wait changes the release (3 replicas ready, the custom object follows, revision 2, its hook runs)", async () => {
    const r = await helm(["upgrade", "demo", join(dir, "demo"), "--namespace", "default", "--set", "replicaCount=3", "--wait", "--timeout", "2m"]);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const d = await deployment();
    assert.deepEqual([d.spec?.replicas, d.status?.readyReplicas], [3, 3]);
    assert.equal(await widgetSize(), 3);
    assert.equal((await kubectlJson<KubeObject & { status?: { succeeded?: number } }>(server, ["get", "job", "demo-hook-2", "-n", "default"])).status?.succeeded, 1);
    const history = await helm(["history", "demo", "--namespace", "default", "-o", "json"]);
    const revisions = JSON.parse(history.stdout) as { revision: number; status: string }[];
    assert.deepEqual(revisions.map((h) => `${h.revision}:${h.status}`), ["1:superseded", "2:deployed"]);
  });

  it("rollback --wait returns to revision 1's values", async () => {
    const r = await helm(["rollback", "demo", "1", "--namespace", "default", "--wait", "--timeout", "2m"]);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const d = await deployment();
    assert.deepEqual([d.spec?.replicas, d.status?.readyReplicas], [1, 1]);
    assert.equal(await widgetSize(), 1);
  });

  it("uninstall --wait removes the release's objects and keeps the CRD, as helm does", async () => {
    const r = await helm(["uninstall", "demo", "--namespace", "default", "--wait"]);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    for (const what of ["deployment/demo", "service/demo", "serviceaccount/demo", "widgets.demo.k8ts.io/demo"]) {
      const got = await kubectlRun(server, ["get", what, "-n", "default"]);
      assert.notEqual(got.code, 0, `${what} still there`);
      assert.match(got.stderr, /NotFound/);
    }
    assert.equal((await kubectlRun(server, ["get", "crd", "widgets.demo.k8ts.io"])).code, 0);
    const list = await helm(["list", "--namespace", "default", "-q"]);
    assert.equal(list.stdout.trim(), "");
  });
});
