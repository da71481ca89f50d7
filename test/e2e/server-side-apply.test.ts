// End to end: server-side apply and managedFields with the official kubectl 1.35 against
// the real `k8ts server`: two field managers conflict, --force-conflicts takes
// ownership, a field dropped from the manifest goes, `kubectl apply` then
// `kubectl apply --server-side` migrates ownership, and managedFields look as upstream's.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { ApiException, KubeConfig, KubernetesObjectApi, PatchStrategy, type KubernetesObject } from "@kubernetes/client-node";
import { kubectlJson, kubectlOk, kubectlRun, needsKubectl, startServer } from "./_fixtures.js";

interface ManagedEntry {
  manager: string;
  operation: string;
  apiVersion: string;
  time?: string;
  fieldsType: string;
  fieldsV1: Record<string, unknown>;
  subresource?: string;
}

function deployment(o: { replicas: number; labels?: Record<string, string>; image?: string }): string {
  const labels = Object.entries(o.labels ?? {})
    .map(([k, v]) => `    ${k}: ${v}\n`)
    .join("");
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: default
${labels ? `  labels:\n${labels}` : ""}spec:
  replicas: ${o.replicas}
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: nginx
        image: ${o.image ?? "nginx:1.25"}
        ports:
        - containerPort: 80
`;
}

describe("server-side apply with kubectl", needsKubectl, () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  before(async () => {
    server = await startServer();
  });
  after(async () => {
    await server?.close();
  });

  const managed = async (args: string[]): Promise<ManagedEntry[]> =>
    (await kubectlJson<{ metadata: { managedFields?: ManagedEntry[] } }>(server, ["get", ...args, "--show-managed-fields"])).metadata.managedFields ?? [];

  it("creates with --server-side and records an upstream-shaped Apply entry", async () => {
    const out = await kubectlOk(server, ["apply", "--server-side", "-f", "-"], { stdin: deployment({ replicas: 2, labels: { team: "a", tier: "web" } }) });
    assert.match(out, /deployment.apps\/web serverside-applied/);
    const entries = await managed(["deployment", "web"]);
    const apply = entries.find((e) => e.manager === "kubectl");
    assert.ok(apply, JSON.stringify(entries));
    assert.equal(apply.operation, "Apply");
    assert.equal(apply.apiVersion, "apps/v1");
    assert.equal(apply.fieldsType, "FieldsV1");
    assert.match(apply.time ?? "", /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.deepEqual(apply.fieldsV1, {
      "f:metadata": { "f:labels": { "f:team": {}, "f:tier": {} } },
      "f:spec": {
        "f:replicas": {},
        "f:selector": {},
        "f:template": {
          "f:metadata": { "f:labels": { "f:app": {} } },
          "f:spec": {
            "f:containers": {
              'k:{"name":"nginx"}': {
                ".": {},
                "f:image": {},
                "f:name": {},
                "f:ports": { 'k:{"containerPort":80,"protocol":"TCP"}': { ".": {}, "f:containerPort": {} } },
              },
            },
          },
        },
      },
    });
    // managedFields are hidden unless asked for, as upstream's kubectl does.
    const plain = await kubectlOk(server, ["get", "deployment", "web", "-o", "yaml"]);
    assert.doesNotMatch(plain, /managedFields/);
    const yaml = await kubectlOk(server, ["get", "deployment", "web", "-o", "yaml", "--show-managed-fields"]);
    assert.match(yaml, /managedFields:\n {2}- apiVersion: apps\/v1\n {4}fieldsType: FieldsV1\n {4}fieldsV1:\n/);
  });

  it("refuses a second field manager's change with upstream's conflict message", async () => {
    const r = await kubectlRun(server, ["apply", "--server-side", "--field-manager", "other", "-f", "-"], { stdin: deployment({ replicas: 5 }) });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /Apply failed with 1 conflict: conflict with "kubectl": \.spec\.replicas/);
    assert.match(r.stderr, /--force-conflicts/);
    const d = await kubectlJson(server, ["get", "deployment", "web"]);
    assert.equal(d.spec.replicas, 2);
  });

  it("takes ownership with --force-conflicts", async () => {
    await kubectlOk(server, ["apply", "--server-side", "--field-manager", "other", "--force-conflicts", "-f", "-"], { stdin: deployment({ replicas: 5 }) });
    const d = await kubectlJson(server, ["get", "deployment", "web"]);
    assert.equal(d.spec.replicas, 5);
    const entries = await managed(["deployment", "web"]);
    const kubectlSpec = (entries.find((e) => e.manager === "kubectl")?.fieldsV1 as { "f:spec": Record<string, unknown> })["f:spec"];
    assert.ok(!("f:replicas" in kubectlSpec), JSON.stringify(kubectlSpec));
    assert.ok("f:replicas" in (entries.find((e) => e.manager === "other")?.fieldsV1["f:spec"] as object));
    // Now the first manager is the one in conflict.
    const r = await kubectlRun(server, ["apply", "--server-side", "-f", "-"], { stdin: deployment({ replicas: 2, labels: { team: "a", tier: "web" } }) });
    assert.match(r.stderr, /conflict with "other": \.spec\.replicas/);
  });

  it("removes a field the manager stopped applying, keeps what another manager shares", async () => {
    // "other" applied the same selector/template/image, so those are shared; team/tier are kubectl's alone.
    await kubectlOk(server, ["apply", "--server-side", "-f", "-"], { stdin: deployment({ replicas: 5, labels: { team: "a" } }) });
    const d = await kubectlJson(server, ["get", "deployment", "web"]);
    assert.deepEqual(d.metadata.labels, { team: "a" });
    assert.equal(d.spec.template.spec.containers[0].image, "nginx:1.25");
  });

  it("records kubectl create, label and scale as Update entries with their managers", async () => {
    await kubectlOk(server, ["create", "configmap", "made", "--from-literal=a=1"]);
    await kubectlOk(server, ["label", "configmap", "made", "color=blue"]);
    const entries = await managed(["configmap", "made"]);
    const byManager = Object.fromEntries(entries.map((e) => [e.manager, e]));
    assert.deepEqual(byManager["kubectl-create"]?.fieldsV1, { "f:data": { ".": {}, "f:a": {} } });
    assert.equal(byManager["kubectl-create"]?.operation, "Update");
    assert.deepEqual(byManager["kubectl-label"]?.fieldsV1, { "f:metadata": { "f:labels": { ".": {}, "f:color": {} } } });
    await kubectlOk(server, ["scale", "deployment", "web", "--replicas", "3"]);
    const scale = (await managed(["deployment", "web"])).find((e) => e.manager === "kubectl" && e.operation === "Update");
    assert.deepEqual([scale?.subresource, scale?.fieldsV1], ["scale", { "f:spec": { "f:replicas": {} } }]);
  });

  it("migrates from client-side apply: kubectl apply, then --server-side owns and prunes the same fields", async () => {
    const cm = (data: Record<string, string>) =>
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: migrate\n  namespace: default\ndata:\n${Object.entries(data)
        .map(([k, v]) => `  ${k}: "${v}"\n`)
        .join("")}`;
    await kubectlOk(server, ["apply", "-f", "-"], { stdin: cm({ a: "1", b: "2" }) });
    assert.deepEqual(
      (await managed(["configmap", "migrate"])).map((e) => [e.manager, e.operation]),
      [["kubectl-client-side-apply", "Update"]],
    );
    // A changed value would conflict with kubectl-client-side-apply; the last-applied annotation allows it.
    await kubectlOk(server, ["apply", "--server-side", "-f", "-"], { stdin: cm({ a: "changed", b: "2" }) });
    // kubectl moved kubectl-client-side-apply's fields to its own Apply entry (csaupgrade) and
    // keeps the annotation under kubectl-last-applied.
    const entries = await managed(["configmap", "migrate"]);
    assert.deepEqual(
      entries.map((e) => [e.manager, e.operation]).sort(),
      [
        ["kubectl", "Apply"],
        ["kubectl-last-applied", "Apply"],
      ],
    );
    assert.deepEqual(entries.find((e) => e.manager === "kubectl")?.fieldsV1["f:data"], { "f:a": {}, "f:b": {} });
    // The annotation now follows the server-side configuration.
    const obj = await kubectlJson(server, ["get", "configmap", "migrate"]);
    assert.equal(JSON.parse(obj.metadata.annotations!["kubectl.kubernetes.io/last-applied-configuration"]).data.a, "changed");
    // Dropping b from the manifest removes it: kubectl now owns it.
    await kubectlOk(server, ["apply", "--server-side", "-f", "-"], { stdin: cm({ a: "changed" }) });
    assert.deepEqual((await kubectlJson(server, ["get", "configmap", "migrate"])).data, { a: "changed" });
  });

  it("works from @kubernetes/client-node: apply-create, a 409 for another manager, force", async () => {
    const kc = new KubeConfig();
    kc.loadFromFile(server.kubeconfig);
    const api = KubernetesObjectApi.makeApiClient(kc);
    const cm = (v: string): KubernetesObject & { data: Record<string, string> } => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "from-lib", namespace: "default" }, data: { v } });
    const created = (await api.patch(cm("1"), undefined, undefined, "lib-manager", false, PatchStrategy.ServerSideApply)) as ReturnType<typeof cm>;
    assert.equal(created.data.v, "1");
    assert.deepEqual(created.metadata?.managedFields?.map((e) => [e.manager, e.operation]), [["lib-manager", "Apply"]]);
    let status: { code?: number; reason?: string; details?: { causes?: { reason: string; field: string }[] } } | undefined;
    try {
      await api.patch(cm("2"), undefined, undefined, "other-lib", false, PatchStrategy.ServerSideApply);
    } catch (err) {
      assert.ok(err instanceof ApiException, String(err));
      status = (typeof err.body === "string" ? JSON.parse(err.body) : err.body) as typeof status;
    }
    assert.equal(status?.code, 409);
    assert.deepEqual(status?.details?.causes, [{ reason: "FieldManagerConflict", message: 'conflict with "lib-manager"', field: ".data.v" }]);
    const forced = (await api.patch(cm("2"), undefined, undefined, "other-lib", true, PatchStrategy.ServerSideApply)) as ReturnType<typeof cm>;
    assert.equal(forced.data.v, "2");
  });

  it("dry-runs and diffs server-side without storing, and names the API server's own writes kube-apiserver", async () => {
    const before = await kubectlJson(server, ["get", "deployment", "web"]);
    const dry = await kubectlOk(server, ["apply", "--server-side", "--force-conflicts", "--dry-run=server", "-f", "-"], { stdin: deployment({ replicas: 9, labels: { team: "a" } }) });
    assert.match(dry, /serverside-applied \(server dry run\)/);
    const diff = await kubectlRun(server, ["diff", "--server-side", "--force-conflicts", "-f", "-"], { stdin: deployment({ replicas: 9, labels: { team: "a" } }) });
    assert.equal(diff.code, 1, diff.stderr);
    assert.match(diff.stdout, /-  replicas: 3\n\+  replicas: 9/);
    const after = await kubectlJson(server, ["get", "deployment", "web"]);
    assert.equal(after.metadata.resourceVersion, before.metadata.resourceVersion);
    assert.deepEqual((await managed(["namespace", "kube-system"])).map((e) => [e.manager, e.operation]), [["kube-apiserver", "Update"]]);
  });
});
