// The manifest deployer (k3s's deploy controller) against the real API server (memory
// store): files in the manifests directory are server-side applied, changes re-applied,
// objects dropped from a file and a removed file's objects deleted; bad documents are
// reported by file and index and stop nothing else.
import { after, before, beforeEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ConfigMap, CustomResourceDefinition, KubeObject } from "../../src/api/index.js";
import { isApiError } from "../../src/machinery/index.js";
import { resource, resources, type Client, type Resource } from "../../src/client/index.js";
import { ManifestDeployer, addonCrd, addonsResource } from "../../src/controllers/deploy/index.js";
import { startTestApiServer, type TestApiServer } from "../harness/index.js";

const crds = resource<CustomResourceDefinition>("apiextensions.k8s.io", "v1", "customresourcedefinitions", "CustomResourceDefinition", false);

async function exists(client: Client, res: Resource, name: string, namespace?: string): Promise<KubeObject | undefined> {
  try {
    return await client.get(res, name, { namespace });
  } catch (err) {
    if (isApiError(err, "NotFound")) return undefined;
    throw err;
  }
}

async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) assert.fail(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const cm = (name: string, data: Record<string, string>, namespace?: string): string =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n${namespace ? `  namespace: ${namespace}\n` : ""}data:\n${Object.entries(data).map(([k, v]) => `  ${k}: "${v}"`).join("\n")}\n`;

describe("manifest deployer", () => {
  let server: TestApiServer;
  let client: Client;
  let dir: string;
  let deployer: ManifestDeployer;
  const logs: string[] = [];

  before(async () => {
    server = await startTestApiServer({ store: "memory" });
    client = server.client;
    for (const ns of ["apps"]) await client.create(resources.namespaces, { metadata: { name: ns } });
    await client.create(crds, addonCrd());
    await eventually("Addons are served", async () => client.raw("GET", "/apis/k3s.cattle.io/v1").then(() => true, () => false));
  });
  after(async () => server.close());
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "manifests-deploy-"));
    deployer = new ManifestDeployer({ client, dir, log: (l) => logs.push(l) });
  });

  it("applies every document of a file with server-side apply as k8ts-deploy, reporting a bad document by file and index", async () => {
    await writeFile(join(dir, "one.yaml"), [cm("first", { a: "1" }), "not: [valid\n", cm("second", { b: "2" }, "apps"), "kind: Nothing\n"].join("---\n"));
    const r = await deployer.sync();
    assert.equal(r.applied.get("one.yaml"), 2);
    assert.ok(r.errors.some((e) => e.startsWith("one.yaml: document 1: ")), r.errors.join("\n"));
    assert.ok(r.errors.some((e) => e.startsWith("one.yaml: document 3: ")), r.errors.join("\n"));
    const first = (await client.get(resources.configmaps, "first", { namespace: "default" })) as ConfigMap;
    assert.deepEqual(first.data, { a: "1" });
    const managers = first.metadata.managedFields?.map((m) => `${m.manager}/${m.operation}`);
    assert.deepEqual(managers, ["k8ts-deploy/Apply"]);
    assert.ok(await exists(client, resources.configmaps, "second", "apps"));
    const addon = await client.get(addonsResource, "one", { namespace: "kube-system" });
    assert.equal(addon.spec?.source, join(dir, "one.yaml"));
    assert.deepEqual(addon.status?.objects?.map((o) => `${o.namespace}/${o.name}`).sort(), ["apps/second", "default/first"]);
    assert.ok(logs.some((l) => l.includes("one.yaml: document 1")));
  });

  it("re-applies a changed file and deletes the objects it no longer names; an unchanged file is not re-applied", async () => {
    await writeFile(join(dir, "two.yaml"), [cm("keep", { v: "1" }), cm("drop", { v: "1" })].join("---\n"));
    await deployer.sync();
    assert.ok(await exists(client, resources.configmaps, "drop", "default"));
    // Someone else edits the object: an unchanged file does not fight them (k3s re-applies on change and start only).
    await client.patch(resources.configmaps, "keep", { data: { v: "edited" } }, { namespace: "default", type: "merge" });
    const same = await deployer.sync();
    assert.equal(same.applied.size, 0);
    assert.equal(((await client.get(resources.configmaps, "keep", { namespace: "default" })) as ConfigMap).data?.v, "edited");

    await writeFile(join(dir, "two.yaml"), cm("keep", { v: "2" }));
    const r = await deployer.sync();
    assert.deepEqual(r.deleted.map((o) => o.name), ["drop"]);
    assert.equal(await exists(client, resources.configmaps, "drop", "default"), undefined);
    assert.equal(((await client.get(resources.configmaps, "keep", { namespace: "default" })) as ConfigMap).data?.v, "2");
  });

  it("deletes a removed file's objects and its Addon; a .skip file keeps a manifest from being applied", async () => {
    await writeFile(join(dir, "three.yml"), cm("gone-soon", { x: "1" }));
    await writeFile(join(dir, "skipped.yaml"), cm("never", { x: "1" }));
    await writeFile(join(dir, "skipped.yaml.skip"), "");
    await deployer.sync();
    assert.ok(await exists(client, resources.configmaps, "gone-soon", "default"));
    assert.equal(await exists(client, resources.configmaps, "never", "default"), undefined);
    await rm(join(dir, "three.yml"));
    const r = await deployer.sync();
    assert.deepEqual(r.deleted.map((o) => o.name), ["gone-soon"]);
    assert.equal(await exists(client, resources.configmaps, "gone-soon", "default"), undefined);
    assert.equal(await exists(client, addonsResource, "three", "kube-system"), undefined);
  });

  it("after a restart re-applies every file once (restoring edited objects) and deletes what files removed meanwhile had applied", async () => {
    await writeFile(join(dir, "four.yaml"), cm("restored", { v: "file" }));
    await writeFile(join(dir, "five.yaml"), cm("orphaned", { v: "file" }));
    await deployer.sync();
    await client.patch(resources.configmaps, "restored", { data: { v: "edited" } }, { namespace: "default", type: "merge" });
    await rm(join(dir, "five.yaml"));
    // A new process: it knows no checksums, only the Addons in the cluster.
    const restarted = new ManifestDeployer({ client, dir, log: () => undefined });
    const r = await restarted.sync();
    assert.equal(r.applied.get("four.yaml"), 1);
    assert.equal(((await client.get(resources.configmaps, "restored", { namespace: "default" })) as ConfigMap).data?.v, "file");
    assert.deepEqual(r.deleted.map((o) => o.name), ["orphaned"]);
    assert.equal(await exists(client, resources.configmaps, "orphaned", "default"), undefined);
  });

  it("applies a file dropped into the watched directory, and a custom resource after its CRD in the same file", async () => {
    const ac = new AbortController();
    const running = deployer.start(ac.signal);
    try {
      const crd = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: { name: widgets.example.com }
spec:
  group: example.com
  scope: Namespaced
  names: { plural: widgets, singular: widget, kind: Widget }
  versions:
  - name: v1
    served: true
    storage: true
    schema: { openAPIV3Schema: { type: object, properties: { spec: { type: object, properties: { size: { type: integer } } } } } }
`;
      await writeFile(join(dir, "widgets.yaml"), [crd, "apiVersion: example.com/v1\nkind: Widget\nmetadata: { name: w1 }\nspec: { size: 3 }\n"].join("---\n"));
      const widgets = resource("example.com", "v1", "widgets", "Widget", true);
      await eventually("the Widget is applied", async () => (await exists(client, widgets, "w1", "default")) !== undefined);
    } finally {
      ac.abort();
      await running;
    }
  });
});
