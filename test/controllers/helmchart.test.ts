// The HelmChart controller (k3s's helm-controller) against the real API server: the Job
// it builds (helm's arguments, the values/chart Secret, the account bound to
// cluster-admin), a Job replaced when the spec changes, and `helm uninstall` run before
// the finalizer lets a deleted HelmChart go.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { ClusterRoleBinding, CustomResourceDefinition, Job, KubeObject, Secret } from "../../src/api/index.js";
import { isApiError } from "../../src/machinery/index.js";
import { InformerFactory, resource, resources, type Client, type Resource } from "../../src/client/index.js";
import { HelmChartController, configHash, helmArgs, helmChartCrd, helmChartFinalizer, helmChartsResource, helmJob, helmValuesSecret, type HelmChart } from "../../src/controllers/helmchart/index.js";
import { startTestApiServer, type TestApiServer } from "../harness/index.js";

const crds = resource<CustomResourceDefinition>("apiextensions.k8s.io", "v1", "customresourcedefinitions", "CustomResourceDefinition", false);
const crbs = resource<ClusterRoleBinding>("rbac.authorization.k8s.io", "v1", "clusterrolebindings", "ClusterRoleBinding", false);

async function exists(client: Client, res: Resource, name: string, namespace?: string): Promise<KubeObject | undefined> {
  try {
    return await client.get(res, name, { namespace });
  } catch (err) {
    if (isApiError(err, "NotFound")) return undefined;
    throw err;
  }
}

async function eventually<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) assert.fail(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const chart = (spec: HelmChart["spec"]): HelmChart => ({ apiVersion: "helm.cattle.io/v1", kind: "HelmChart", metadata: { name: "demo", namespace: "kube-system", uid: "u-1" }, spec });

describe("HelmChart Job", () => {
  it("runs helm upgrade --install on the chart archive with values, --set and --set-string", () => {
    const c = chart({ chartContent: "H4sI", targetNamespace: "apps", createNamespace: true, valuesContent: "replicas: 2\n", set: { "image.tag": "1.2", count: 3, enabled: "true" }, timeout: "120s" });
    assert.deepEqual(helmArgs(c, "install"), [
      "upgrade", "--install", "demo", "/chart/chart.tgz", "--namespace", "apps", "--create-namespace", "--values", "/config/values.yaml",
      "--set", "count=3", "--set", "enabled=true", "--set-string", "image.tag=1.2", "--timeout", "120s",
    ]);
    assert.deepEqual(helmArgs(c, "delete"), ["uninstall", "demo", "--namespace", "apps", "--ignore-not-found", "--timeout", "120s"]);
    const job = helmJob(c, "install", { image: "k8ts.local/helm:v4.1.4" });
    assert.equal(job.metadata.name, "helm-install-demo");
    const pod = job.spec?.template.spec;
    assert.equal(pod?.serviceAccountName, "helm-demo");
    assert.equal(pod?.restartPolicy, "OnFailure");
    assert.equal(pod?.containers[0]?.image, "k8ts.local/helm:v4.1.4");
    assert.deepEqual(pod?.containers[0]?.command, ["/bin/helm"]);
    assert.equal(job.metadata.annotations?.["helmcharts.helm.cattle.io/configHash"], configHash(c));
    assert.deepEqual(pod?.volumes?.map((v) => v.secret?.secretName), ["chart-values-demo", "chart-values-demo"]);
    const secret = helmValuesSecret(c);
    assert.equal(Buffer.from(secret.data?.["values.yaml"] ?? "", "base64").toString(), "replicas: 2\n");
    assert.equal(secret.data?.["chart.tgz"], "H4sI");
  });

  it("names the chart, repo and version when there is no chart archive; the hash follows the spec", () => {
    const c = chart({ chart: "traefik", repo: "https://traefik.github.io/charts", version: "30.0.0" });
    assert.deepEqual(helmArgs(c, "install"), ["upgrade", "--install", "demo", "traefik", "--namespace", "kube-system", "--repo", "https://traefik.github.io/charts", "--version", "30.0.0", "--values", "/config/values.yaml"]);
    assert.equal(configHash(c), configHash(chart({ version: "30.0.0", repo: "https://traefik.github.io/charts", chart: "traefik" })));
    assert.notEqual(configHash(c), configHash(chart({ chart: "traefik", repo: "https://traefik.github.io/charts", version: "30.0.1" })));
  });
});

describe("HelmChart controller", () => {
  let server: TestApiServer;
  let client: Client;
  const ac = new AbortController();
  let running: Promise<void>;

  before(async () => {
    server = await startTestApiServer({ store: "memory" });
    client = server.client;
    await client.create(crds, helmChartCrd());
    await eventually("HelmCharts are served", async () => client.raw("GET", "/apis/helm.cattle.io/v1").then(() => true, () => false));
    const informers = new InformerFactory({ client });
    const controller = new HelmChartController({ client, informers, image: "k8ts.local/helm:test" });
    running = controller.start(ac.signal);
    informers.start(ac.signal);
  });
  after(async () => {
    ac.abort();
    await running;
    await server.close();
  });

  it("installs with a Job, replaces it when valuesContent changes, and uninstalls before letting the HelmChart go", async () => {
    await client.create(helmChartsResource, chart({ chartContent: "H4sI", valuesContent: "a: 1\n" }));
    const job = await eventually("the install Job exists", async () => (await exists(client, resources.jobs, "helm-install-demo", "kube-system")) as Job | undefined);
    const first = job.metadata.uid;
    const hc = await client.get(helmChartsResource, "demo", { namespace: "kube-system" });
    assert.ok(hc.metadata.finalizers?.includes(helmChartFinalizer));
    await eventually("status.jobName is set", async () => (await client.get(helmChartsResource, "demo", { namespace: "kube-system" })).status?.jobName === "helm-install-demo");
    assert.ok(await exists(client, resources.serviceaccounts, "helm-demo", "kube-system"));
    const crb = (await client.get(crbs, "helm-kube-system-demo")) as ClusterRoleBinding;
    assert.equal(crb.roleRef.name, "cluster-admin");
    assert.deepEqual(crb.subjects, [{ kind: "ServiceAccount", name: "helm-demo", namespace: "kube-system" }]);

    await client.patch(helmChartsResource, "demo", { spec: { valuesContent: "a: 2\n" } }, { namespace: "kube-system", type: "merge" });
    const second = await eventually("a new install Job", async () => {
      const j = (await exists(client, resources.jobs, "helm-install-demo", "kube-system")) as Job | undefined;
      return j && j.metadata.uid !== first ? j : undefined;
    });
    assert.equal(second.metadata.annotations?.["helmcharts.helm.cattle.io/configHash"], configHash(chart({ chartContent: "H4sI", valuesContent: "a: 2\n" })));
    const secret = (await client.get(resources.secrets, "chart-values-demo", { namespace: "kube-system" })) as Secret;
    assert.equal(Buffer.from(secret.data?.["values.yaml"] ?? "", "base64").toString(), "a: 2\n");

    await client.delete(helmChartsResource, "demo", { namespace: "kube-system" });
    const del = await eventually("the delete Job exists", async () => (await exists(client, resources.jobs, "helm-delete-demo", "kube-system")) as Job | undefined);
    assert.deepEqual(del.spec?.template.spec?.containers[0]?.args, ["uninstall", "demo", "--namespace", "kube-system", "--ignore-not-found"]);
    // Held by the finalizer until the uninstall Job completes (no job controller here: its status is written by hand).
    await new Promise((r) => setTimeout(r, 300));
    assert.ok(await exists(client, helmChartsResource, "demo", "kube-system"));
    const now = new Date().toISOString();
    await client.update(resources.jobs, { ...del, status: { conditions: [{ type: "SuccessCriteriaMet", status: "True", lastTransitionTime: now }, { type: "Complete", status: "True", lastTransitionTime: now }], startTime: now, completionTime: now, succeeded: 1 } } as Job, { subresource: "status" });
    await eventually("the HelmChart is gone", async () => (await exists(client, helmChartsResource, "demo", "kube-system")) === undefined);
    assert.equal(await exists(client, crbs, "helm-kube-system-demo"), undefined);
  });
});
