// k8ts server's start-up deployments (src/cmd/deploy.ts) against the real API server:
// the Addon and HelmChart CRDs are registered, and a HelmChart dropped into
// DATA_DIR/server/manifests (k3s's usual way to install a chart) gets its helm Job.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Job } from "../../src/api/index.js";
import { isApiError } from "../../src/machinery/index.js";
import { resources } from "../../src/client/index.js";
import { manifestsDir, startDeploy } from "../../src/cmd/deploy.js";
import { startTestApiServer, type TestApiServer } from "../harness/index.js";

describe("start-up deployments", () => {
  let server: TestApiServer;
  const ac = new AbortController();
  let running: Promise<void>;
  const logs: string[] = [];

  before(async () => {
    server = await startTestApiServer({ store: "memory" });
    mkdirSync(manifestsDir(server.dataDir), { recursive: true });
    writeFileSync(
      join(manifestsDir(server.dataDir), "traefik.yaml"),
      "apiVersion: helm.cattle.io/v1\nkind: HelmChart\nmetadata:\n  name: traefik\n  namespace: kube-system\nspec:\n  chart: traefik\n  repo: https://traefik.github.io/charts\n  set:\n    replicas: 2\n",
    );
    running = startDeploy({ client: server.client, dataDir: server.dataDir, signal: ac.signal, log: (l) => logs.push(l), pollMs: 500 });
  });
  after(async () => {
    ac.abort();
    await running;
    await server.close();
  });

  it("a HelmChart manifest is applied once its CRD is registered, and the controller makes its helm Job", async () => {
    const end = Date.now() + 20_000;
    let job: Job | undefined;
    while (!job) {
      try {
        job = (await server.client.get(resources.jobs, "helm-install-traefik", { namespace: "kube-system" })) as Job;
      } catch (err) {
        if (!isApiError(err, "NotFound")) throw err;
        if (Date.now() > end) assert.fail(`no helm Job: ${logs.join("\n")}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    const container = job.spec?.template.spec?.containers[0];
    assert.match(container?.image ?? "", /^k8ts\.local\/helm:/);
    assert.deepEqual(container?.args, ["upgrade", "--install", "traefik", "traefik", "--namespace", "kube-system", "--repo", "https://traefik.github.io/charts", "--values", "/config/values.yaml", "--set", "replicas=2"]);
    const crds = (await server.client.raw("GET", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions")) as { items: { metadata: { name: string } }[] };
    assert.deepEqual(crds.items.map((c) => c.metadata.name).sort(), ["addons.k3s.cattle.io", "helmcharts.helm.cattle.io"]);
  });
});
