// End to end: client-side `kubectl apply` (last-applied annotation + strategic merge patch)
// of a multi-document YAML against the real `k8ts server` process.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { kubectlJson, kubectlOk, needsKubectl, startServer, type KubeObject } from "./_fixtures.js";

interface AppVersion {
  replicas: number;
  image: string;
  /** Whether the web container still exposes its second (metrics) port. */
  metricsPort: boolean;
  /** Whether the web container still has the DEBUG env var. */
  debugEnv: boolean;
  /** Whether the ConfigMap still has its `extra` key. */
  extraKey: boolean;
}

const first: AppVersion = { replicas: 2, image: "nginx:1.25", metricsPort: true, debugEnv: true, extraKey: true };
const edited: AppVersion = { replicas: 3, image: "nginx:1.26", metricsPort: false, debugEnv: false, extraKey: false };

function manifest(v: AppVersion): string {
  return `apiVersion: v1
kind: Namespace
metadata:
  name: shop
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: web-config
  namespace: shop
data:
  greeting: hello
${v.extraKey ? "  extra: more\n" : ""}---
apiVersion: v1
kind: Secret
metadata:
  name: web-secret
  namespace: shop
type: Opaque
data:
  password: ${Buffer.from("s3cret").toString("base64")}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
  labels:
    app: web
spec:
  replicas: ${v.replicas}
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: web
        image: ${v.image}
        ports:
        - containerPort: 80
          name: http
${v.metricsPort ? "        - containerPort: 9090\n          name: metrics\n" : ""}        env:
        - name: MODE
          value: prod
${v.debugEnv ? '        - name: DEBUG\n          value: "false"\n' : ""}---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
spec:
  selector:
    app: web
  ports:
  - port: 80
    targetPort: http
`;
}

/** Lines kubectl apply prints, e.g. "deployment.apps/web configured", as a map name → verb. */
function applyResults(stdout: string): Map<string, string> {
  const results = new Map<string, string>();
  for (const line of stdout.trim().split("\n")) {
    const m = /^(\S+) (created|configured|unchanged)$/.exec(line.trim());
    assert.ok(m, `unexpected kubectl apply line: ${line}`);
    results.set(m[1]!, m[2]!);
  }
  return results;
}

const all = ["namespace/shop", "configmap/web-config", "secret/web-secret", "deployment.apps/web", "service/web"];

async function resourceVersions(server: Awaited<ReturnType<typeof startServer>>): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of all) out[name] = (await kubectlJson(server, ["get", ...(name.startsWith("namespace/") ? [] : ["-n", "shop"]), name])).metadata.resourceVersion;
  return out;
}

describe("kubectl apply", needsKubectl, () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  before(async () => {
    server = await startServer();
  });
  after(async () => {
    await server?.close();
  });

  it("creates every object of a multi-document YAML", async () => {
    const results = applyResults(await kubectlOk(server, ["apply", "-f", "-"], { stdin: manifest(first) }));
    assert.deepEqual([...results], all.map((name) => [name, "created"]));

    const cm = await kubectlJson(server, ["get", "-n", "shop", "configmap", "web-config"]);
    assert.deepEqual(cm.data, { greeting: "hello", extra: "more" });
    const secret = await kubectlJson(server, ["get", "-n", "shop", "secret", "web-secret"]);
    assert.equal(Buffer.from(secret.data!.password!, "base64").toString(), "s3cret");
    const svc = await kubectlJson(server, ["get", "-n", "shop", "service", "web"]);
    assert.equal(svc.spec.ports[0].port, 80);
    assert.equal(svc.spec.ports[0].targetPort, "http");
    assert.deepEqual(svc.spec.selector, { app: "web" });

    const deploy = await kubectlJson(server, ["get", "-n", "shop", "deployment", "web"]);
    assert.equal(deploy.metadata.generation, 1);
    assert.equal(deploy.spec.replicas, 2);
    assert.equal(deploy.spec.strategy.type, "RollingUpdate", "Deployment strategy is defaulted");
    const lastApplied = JSON.parse(deploy.metadata.annotations?.["kubectl.kubernetes.io/last-applied-configuration"] ?? "null") as KubeObject | null;
    assert.ok(lastApplied, "kubectl stores the last-applied-configuration annotation");
    assert.equal(lastApplied.spec.replicas, 2);
  });

  it("re-applies an unchanged manifest as unchanged, writing nothing", async () => {
    const before = await resourceVersions(server);
    const results = applyResults(await kubectlOk(server, ["apply", "-f", "-"], { stdin: manifest(first) }));
    assert.deepEqual([...results], all.map((name) => [name, "unchanged"]));
    assert.deepEqual(await resourceVersions(server), before);
  });

  it("re-applies an edit: only the edited fields change and generation moves", async () => {
    // A change made outside the manifest, which a three-way merge must keep.
    await kubectlOk(server, ["annotate", "-n", "shop", "deployment", "web", "team=payments"]);
    const old = await kubectlJson(server, ["get", "-n", "shop", "deployment", "web"]);
    const oldRvs = await resourceVersions(server);

    const results = applyResults(await kubectlOk(server, ["apply", "-f", "-"], { stdin: manifest(edited) }));
    assert.deepEqual(Object.fromEntries(results), {
      "namespace/shop": "unchanged",
      "configmap/web-config": "configured",
      "secret/web-secret": "unchanged",
      "deployment.apps/web": "configured",
      "service/web": "unchanged",
    });

    const deploy = await kubectlJson(server, ["get", "-n", "shop", "deployment", "web"]);
    assert.equal(deploy.metadata.generation, old.metadata.generation! + 1, "a spec change bumps generation");
    assert.equal(deploy.spec.replicas, 3);
    const [container, ...others] = deploy.spec.template.spec.containers as { name: string; image: string; ports: unknown[]; env: unknown[] }[];
    assert.equal(others.length, 0);
    assert.equal(container!.image, "nginx:1.26");
    assert.deepEqual(container!.ports, [{ containerPort: 80, name: "http", protocol: "TCP" }], "the removed port is gone, the kept one untouched");
    assert.deepEqual(container!.env, [{ name: "MODE", value: "prod" }], "the removed env var is gone");
    assert.equal(deploy.metadata.annotations?.team, "payments", "a field not in last-applied survives");
    assert.equal(deploy.metadata.uid, old.metadata.uid);

    // Everything else is as it was: compare with the old object, edited fields patched in.
    const expected = structuredClone(old);
    expected.spec.replicas = 3;
    expected.spec.template.spec.containers = [{ ...old.spec.template.spec.containers[0], image: "nginx:1.26", ports: container!.ports, env: container!.env }];
    assert.deepEqual(deploy.spec, expected.spec);
    assert.deepEqual(deploy.metadata.labels, old.metadata.labels);

    const cm = await kubectlJson(server, ["get", "-n", "shop", "configmap", "web-config"]);
    assert.deepEqual(cm.data, { greeting: "hello" }, "a key removed from the manifest is removed");

    const rvs = await resourceVersions(server);
    for (const name of ["namespace/shop", "secret/web-secret", "service/web"]) assert.equal(rvs[name], oldRvs[name], `${name} was not written`);
  });

  it("re-applies the edited manifest as unchanged, generation steady", async () => {
    const before = await kubectlJson(server, ["get", "-n", "shop", "deployment", "web"]);
    const results = applyResults(await kubectlOk(server, ["apply", "-f", "-"], { stdin: manifest(edited) }));
    assert.deepEqual([...results], all.map((name) => [name, "unchanged"]));
    const after = await kubectlJson(server, ["get", "-n", "shop", "deployment", "web"]);
    assert.equal(after.metadata.generation, before.metadata.generation);
    assert.equal(after.metadata.resourceVersion, before.metadata.resourceVersion);
  });

  it("apply --dry-run=server reports the change and stores nothing", async () => {
    const before = await kubectlJson(server, ["get", "-n", "shop", "deployment", "web"]);
    const out = await kubectlOk(server, ["apply", "--dry-run=server", "-f", "-"], { stdin: manifest({ ...edited, replicas: 7 }) });
    assert.match(out, /^deployment\.apps\/web configured \(server dry run\)$/m);
    const after = await kubectlJson(server, ["get", "-n", "shop", "deployment", "web"]);
    assert.equal(after.spec.replicas, 3);
    assert.equal(after.metadata.resourceVersion, before.metadata.resourceVersion);
  });
});
