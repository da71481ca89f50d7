// End to end: the official `@kubernetes/client-node` library (typed APIs, Watch, informer)
// against the real `k8ts server` process, configured only from its admin kubeconfig.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  ApiException,
  AppsV1Api,
  CoreV1Api,
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  Watch,
  makeInformer,
  setHeaderOptions,
  type KubernetesObject,
  type V1ConfigMap,
} from "@kubernetes/client-node";
import { startK8tsServer, type K8tsServerProcess } from "../harness/index.js";
import { waitUntil } from "./_fixtures.js";

const ns = "lib";

interface StatusBody {
  kind: string;
  reason: string;
  code: number;
  message: string;
  details?: { name?: string; kind?: string };
}

/** Runs `fn`, expects an ApiException with `code`, and returns the Status body it carried. */
async function rejectsWith(code: number, fn: () => Promise<unknown>): Promise<StatusBody> {
  try {
    await fn();
  } catch (err) {
    assert.ok(err instanceof ApiException, `expected an ApiException, got ${String(err)}`);
    assert.equal(err.code, code, String(err.body));
    const body: unknown = err.body;
    return (typeof body === "string" ? JSON.parse(body) : body) as StatusBody;
  }
  assert.fail(`expected a ${code} answer`);
}

const rootCaConfigMap = "kube-root-ca.crt";
/** Not the root CA publisher's kube-root-ca.crt, which comes to each namespace on the controllers' schedule. */
const ours = (o: V1ConfigMap) => o.metadata?.name !== rootCaConfigMap;

function configMap(name: string, data: Record<string, string>, labels?: Record<string, string>): V1ConfigMap {
  return { apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace: ns, labels }, data };
}

/** Collects what a callback-style watch or informer reports, so tests can wait for it. */
function recorder<T>() {
  const events: T[] = [];
  return {
    events,
    push: (e: T) => void events.push(e),
    waitForCount: (n: number) => waitUntil(() => events.length >= n, { what: () => `${n} events, got ${JSON.stringify(events)}` }),
  };
}

describe("@kubernetes/client-node", () => {
  let server: K8tsServerProcess;
  let kc: KubeConfig;
  let core: CoreV1Api;

  before(async () => {
    server = await startK8tsServer();
    kc = new KubeConfig();
    kc.loadFromFile(server.kubeconfig);
    core = kc.makeApiClient(CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: ns } } });
  });
  after(async () => {
    await server?.stop();
    await server?.cleanup();
  });

  it("loads the admin kubeconfig: an https server on the chosen port", () => {
    assert.equal(kc.getCurrentCluster()?.server, `https://127.0.0.1:${server.port}`);
  });

  describe("typed APIs", () => {
    it("lists the namespaces that exist from the start", async () => {
      const list = await core.listNamespace();
      const names = list.items.map((n) => n.metadata?.name);
      for (const name of ["default", "kube-system", "kube-public", "kube-node-lease", ns]) assert.ok(names.includes(name), `${name} in ${names.join(" ")}`);
      assert.ok(Number(list.metadata?.resourceVersion) > 0, "a list carries the store revision");
    });

    it("creates, reads and lists config maps, with a label selector", async () => {
      const created = await core.createNamespacedConfigMap({ namespace: ns, body: configMap("one", { a: "1" }, { pick: "yes" }) });
      assert.match(created.metadata?.uid ?? "", /^[0-9a-f-]{36}$/);
      assert.ok(created.metadata?.creationTimestamp instanceof Date, "client-node parses creationTimestamp as a Date");
      await core.createNamespacedConfigMap({ namespace: ns, body: configMap("two", { b: "2" }, { pick: "no" }) });

      const read = await core.readNamespacedConfigMap({ name: "one", namespace: ns });
      assert.deepEqual(read.data, { a: "1" });
      assert.equal(read.metadata?.resourceVersion, created.metadata?.resourceVersion);

      const all = await core.listNamespacedConfigMap({ namespace: ns });
      // Every namespace also has kube-root-ca.crt (the root CA publisher's), as upstream.
      assert.deepEqual(all.items.map((c) => c.metadata?.name).filter((n) => n !== rootCaConfigMap).sort(), ["one", "two"]);
      const picked = await core.listNamespacedConfigMap({ namespace: ns, labelSelector: "pick=yes" });
      assert.deepEqual(picked.items.map((c) => c.metadata?.name), ["one"]);
      const byField = await core.listNamespacedConfigMap({ namespace: ns, fieldSelector: "metadata.name=two" });
      assert.deepEqual(byField.items.map((c) => c.metadata?.name), ["two"]);
    });

    it("pages a list with limit and continue", async () => {
      const first = await core.listNamespacedConfigMap({ namespace: ns, limit: 1, labelSelector: "pick" });
      assert.equal(first.items.length, 1);
      assert.ok(first.metadata?._continue, "a partial list carries a continue token");
      const second = await core.listNamespacedConfigMap({ namespace: ns, limit: 1, labelSelector: "pick", _continue: first.metadata._continue });
      assert.equal(second.items.length, 1);
      assert.notEqual(second.items[0]!.metadata?.name, first.items[0]!.metadata?.name);
      assert.equal(second.metadata?._continue, undefined);
    });

    it("answers a duplicate create with 409 AlreadyExists and a missing object with 404 NotFound", async () => {
      const dup = await rejectsWith(409, () => core.createNamespacedConfigMap({ namespace: ns, body: configMap("one", {}) }));
      assert.equal(dup.kind, "Status");
      assert.equal(dup.reason, "AlreadyExists");
      assert.equal(dup.message, 'configmaps "one" already exists');
      const missing = await rejectsWith(404, () => core.readNamespacedConfigMap({ name: "nope", namespace: ns }));
      assert.equal(missing.reason, "NotFound");
      assert.equal(missing.message, 'configmaps "nope" not found');
    });

    it("replaces at the current resourceVersion and refuses a stale one with 409 Conflict", async () => {
      const current = await core.readNamespacedConfigMap({ name: "one", namespace: ns });
      const replaced = await core.replaceNamespacedConfigMap({ name: "one", namespace: ns, body: { ...current, data: { a: "replaced" } } });
      assert.deepEqual(replaced.data, { a: "replaced" });
      assert.ok(Number(replaced.metadata?.resourceVersion) > Number(current.metadata?.resourceVersion));
      const stale = await rejectsWith(409, () => core.replaceNamespacedConfigMap({ name: "one", namespace: ns, body: { ...current, data: { a: "stale" } } }));
      assert.equal(stale.reason, "Conflict");
      assert.deepEqual((await core.readNamespacedConfigMap({ name: "one", namespace: ns })).data, { a: "replaced" });
    });

    it("patches with a merge patch chosen by Content-Type", async () => {
      const patched = await core.patchNamespacedConfigMap(
        { name: "one", namespace: ns, body: { data: { extra: "x" }, metadata: { labels: { pick: null } } } },
        setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
      );
      assert.deepEqual(patched.data, { a: "replaced", extra: "x" });
      assert.equal(patched.metadata?.labels?.pick, undefined);
    });

    it("creates a deployment through AppsV1Api and reads back its defaults", async () => {
      const apps = kc.makeApiClient(AppsV1Api);
      const d = await apps.createNamespacedDeployment({
        namespace: ns,
        body: {
          metadata: { name: "web" },
          spec: { selector: { matchLabels: { app: "web" } }, template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "web", image: "nginx:1.25" }] } } },
        },
      });
      assert.equal(d.spec?.replicas, 1);
      assert.equal(d.spec?.strategy?.type, "RollingUpdate");
      assert.equal(d.spec?.template.spec?.restartPolicy, "Always");
      assert.equal(d.metadata?.generation, 1);
      const scaled = await apps.replaceNamespacedDeploymentScale({ name: "web", namespace: ns, body: { metadata: { name: "web", namespace: ns }, spec: { replicas: 4 } } });
      assert.equal(scaled.spec?.replicas, 4);
      assert.equal((await apps.readNamespacedDeployment({ name: "web", namespace: ns })).spec?.replicas, 4);
    });

    it("KubernetesObjectApi works from apiVersion/kind alone (via discovery)", async () => {
      const generic = KubernetesObjectApi.makeApiClient(kc);
      const spec = { apiVersion: "coordination.k8s.io/v1", kind: "Lease", metadata: { name: "lock", namespace: ns }, spec: { holderIdentity: "me", leaseDurationSeconds: 15 } };
      const created = (await generic.create(spec)) as KubernetesObject & { spec: { holderIdentity: string } };
      assert.equal(created.spec.holderIdentity, "me");
      const read = (await generic.read({ apiVersion: spec.apiVersion, kind: spec.kind, metadata: { name: "lock", namespace: ns } })) as typeof created;
      assert.equal(read.metadata?.uid, created.metadata?.uid);
      await generic.delete({ apiVersion: spec.apiVersion, kind: spec.kind, metadata: { name: "lock", namespace: ns } });
      await rejectsWith(404, () => generic.read({ apiVersion: spec.apiVersion, kind: spec.kind, metadata: { name: "lock", namespace: ns } }));
    });
  });

  describe("Watch", () => {
    it("reports ADDED, MODIFIED and DELETED in order, from a list's resourceVersion", async () => {
      const list = await core.listNamespacedConfigMap({ namespace: ns });
      const seen = recorder<{ type: string; name: string; rv: number; data?: Record<string, string> }>();
      let ended: unknown = "still open";
      const abort = await new Watch(kc).watch(
        `/api/v1/namespaces/${ns}/configmaps`,
        { resourceVersion: list.metadata?.resourceVersion },
        (type, obj: V1ConfigMap) => ours(obj) && seen.push({ type, name: obj.metadata!.name!, rv: Number(obj.metadata!.resourceVersion), data: obj.data }),
        (err) => (ended = err),
      );
      try {
        await core.createNamespacedConfigMap({ namespace: ns, body: configMap("watched", { v: "1" }) });
        await core.patchNamespacedConfigMap({ name: "watched", namespace: ns, body: { data: { v: "2" } } }, setHeaderOptions("Content-Type", PatchStrategy.MergePatch));
        await core.deleteNamespacedConfigMap({ name: "watched", namespace: ns });
        await seen.waitForCount(3);
        assert.deepEqual(
          seen.events.map((e) => `${e.type} ${e.name} ${e.data?.v}`),
          ["ADDED watched 1", "MODIFIED watched 2", "DELETED watched 2"],
        );
        const rvs = seen.events.map((e) => e.rv);
        assert.deepEqual(rvs, [...rvs].sort((a, b) => a - b), "resourceVersions only grow");
        assert.ok(rvs[0]! > Number(list.metadata?.resourceVersion));
        assert.equal(ended, "still open");
      } finally {
        abort.abort();
      }
    });

    it("replays everything after an older resourceVersion", async () => {
      const start = (await core.listNamespacedConfigMap({ namespace: ns })).metadata!.resourceVersion!;
      await core.createNamespacedConfigMap({ namespace: ns, body: configMap("replay-a", {}) });
      await core.createNamespacedConfigMap({ namespace: ns, body: configMap("replay-b", {}) });
      await core.deleteNamespacedConfigMap({ name: "replay-a", namespace: ns });
      const seen = recorder<string>();
      const abort = await new Watch(kc).watch(`/api/v1/namespaces/${ns}/configmaps`, { resourceVersion: start }, (type, obj: V1ConfigMap) => ours(obj) && seen.push(`${type} ${obj.metadata?.name}`), () => {});
      try {
        await seen.waitForCount(3);
        assert.deepEqual(seen.events, ["ADDED replay-a", "ADDED replay-b", "DELETED replay-a"]);
      } finally {
        abort.abort();
      }
    });

    it("filters by label selector: an object leaving the selector is DELETED for the watcher", async () => {
      const start = (await core.listNamespacedConfigMap({ namespace: ns })).metadata!.resourceVersion!;
      const seen = recorder<string>();
      const abort = await new Watch(kc).watch(`/api/v1/namespaces/${ns}/configmaps`, { resourceVersion: start, labelSelector: "watch=me" }, (type, obj: V1ConfigMap) => ours(obj) && seen.push(`${type} ${obj.metadata?.name}`), () => {});
      try {
        await core.createNamespacedConfigMap({ namespace: ns, body: configMap("ignored", {}) });
        await core.createNamespacedConfigMap({ namespace: ns, body: configMap("selected", {}, { watch: "me" }) });
        await core.patchNamespacedConfigMap({ name: "selected", namespace: ns, body: { metadata: { labels: { watch: "no" } } } }, setHeaderOptions("Content-Type", PatchStrategy.MergePatch));
        await seen.waitForCount(2);
        assert.deepEqual(seen.events, ["ADDED selected", "DELETED selected"]);
      } finally {
        abort.abort();
      }
    });
  });

  describe("informer", () => {
    it("lists, then sees add, update and delete events in order, keeping its cache current", async () => {
      const informerNs = "informed";
      await core.createNamespace({ body: { metadata: { name: informerNs } } });
      await core.createNamespacedConfigMap({ namespace: informerNs, body: { metadata: { name: "before" }, data: { v: "0" } } });

      const informer = makeInformer(kc, `/api/v1/namespaces/${informerNs}/configmaps`, () => core.listNamespacedConfigMap({ namespace: informerNs }));
      const seen = recorder<string>();
      const errors: unknown[] = [];
      informer.on("add", (o: V1ConfigMap) => ours(o) && seen.push(`add ${o.metadata?.name} ${o.data?.v}`));
      informer.on("update", (o: V1ConfigMap) => ours(o) && seen.push(`update ${o.metadata?.name} ${o.data?.v}`));
      informer.on("delete", (o: V1ConfigMap) => ours(o) && seen.push(`delete ${o.metadata?.name}`));
      informer.on("error", (err) => errors.push(err));
      await informer.start();
      try {
        await seen.waitForCount(1);
        assert.deepEqual(informer.list(informerNs).filter(ours).map((o) => o.metadata?.name), ["before"]);

        await core.createNamespacedConfigMap({ namespace: informerNs, body: { metadata: { name: "live" }, data: { v: "1" } } });
        await seen.waitForCount(2);
        await core.patchNamespacedConfigMap({ name: "live", namespace: informerNs, body: { data: { v: "2" } } }, setHeaderOptions("Content-Type", PatchStrategy.MergePatch));
        await seen.waitForCount(3);
        await core.deleteNamespacedConfigMap({ name: "before", namespace: informerNs });
        await seen.waitForCount(4);

        assert.deepEqual(seen.events, ["add before 0", "add live 1", "update live 2", "delete before"]);
        assert.deepEqual(informer.list(informerNs).filter(ours).map((o) => `${o.metadata?.name} ${(o as V1ConfigMap).data?.v}`), ["live 2"]);
        assert.equal(informer.get("before", informerNs), undefined);
        assert.deepEqual(errors, []);
      } finally {
        await informer.stop();
      }
    });
  });
});
