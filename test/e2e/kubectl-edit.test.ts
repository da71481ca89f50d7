// End to end: kubectl's write commands (label, annotate, patch, scale, set image, create,
// replace, edit, delete with --cascade) against the real `k8ts server` process.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { parse as parseYaml, stringify as toYaml } from "yaml";
import { kubectlJson, kubectlOk, kubectlRun, needsKubectl, scratchDir, startServer, waitUntil, type KubeObject } from "./_fixtures.js";

const ns = "edits";

function deployment(name: string, options: { replicas?: number; labels?: Record<string, string> } = {}): string {
  return JSON.stringify({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, namespace: ns, labels: options.labels ?? { app: name } },
    spec: {
      replicas: options.replicas ?? 2,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [
            {
              name: "web",
              image: "nginx:1.25",
              ports: [{ containerPort: 80 }, { containerPort: 9090 }],
              env: [
                { name: "MODE", value: "prod" },
                { name: "DEBUG", value: "false" },
              ],
            },
          ],
        },
      },
    },
  });
}

function containers(obj: KubeObject): { name: string; image: string; ports?: { containerPort: number }[]; env?: { name: string; value: string }[] }[] {
  return obj.spec.template.spec.containers;
}

describe("kubectl write commands", needsKubectl, () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  let files: Awaited<ReturnType<typeof scratchDir>>;
  const get = (...args: string[]) => kubectlJson(server, ["get", "-n", ns, ...args]);
  const ok = (...args: string[]) => kubectlOk(server, ["-n", ns, ...args]);
  const fails = async (...args: string[]) => {
    const r = await kubectlRun(server, ["-n", ns, ...args]);
    assert.notEqual(r.code, 0, `kubectl ${args.join(" ")} should have failed:\n${r.stdout}`);
    return r.stderr;
  };
  const notFound = async (...args: string[]) => {
    const r = await kubectlRun(server, ["get", "-n", ns, ...args]);
    return r.code !== 0 && /\(NotFound\)/.test(r.stderr);
  };

  before(async () => {
    server = await startServer();
    files = await scratchDir();
    assert.equal((await kubectlOk(server, ["create", "namespace", ns])).trim(), `namespace/${ns} created`);
    await kubectlOk(server, ["apply", "-f", "-"], { stdin: deployment("web") });
  });
  after(async () => {
    await server?.close();
    await files?.remove();
  });

  describe("label and annotate", () => {
    it("adds, refuses to overwrite without --overwrite, overwrites and removes a label", async () => {
      assert.equal((await ok("label", "deployment", "web", "tier=front")).trim(), "deployment.apps/web labeled");
      assert.equal((await get("deployment", "web")).metadata.labels?.tier, "front");
      assert.match(await fails("label", "deployment", "web", "tier=back"), /'tier' already has a value \(front\), and --overwrite is false/);
      await ok("label", "deployment", "web", "tier=back", "--overwrite");
      assert.equal((await get("deployment", "web")).metadata.labels?.tier, "back");
      await ok("label", "deployment", "web", "tier-");
      assert.deepEqual((await get("deployment", "web")).metadata.labels, { app: "web" });
    });

    it("a label at a stale --resource-version is a 409 Conflict and changes nothing", async () => {
      const before = await get("deployment", "web");
      await ok("label", "deployment", "web", "bump=1");
      const stderr = await fails("label", "deployment", "web", "stale=1", `--resource-version=${before.metadata.resourceVersion}`);
      assert.match(stderr, /Error from server \(Conflict\): Operation cannot be fulfilled on deployments\.apps "web": the object has been modified/);
      assert.equal((await get("deployment", "web")).metadata.labels?.stale, undefined);
      await ok("label", "deployment", "web", "bump-");
    });

    it("labels every object a selector matches", async () => {
      for (const name of ["a", "b", "c"]) {
        await kubectlOk(server, ["apply", "-f", "-"], { stdin: JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace: ns, labels: { group: name === "c" ? "two" : "one" } } }) });
      }
      const out = await ok("label", "configmaps", "-l", "group=one", "picked=yes");
      assert.deepEqual(out.trim().split("\n").sort(), ["configmap/a labeled", "configmap/b labeled"]);
      assert.equal((await get("configmap", "c")).metadata.labels?.picked, undefined);
    });

    it("adds and removes annotations without bumping generation", async () => {
      const before = await get("deployment", "web");
      assert.equal((await ok("annotate", "deployment", "web", "owner=team-a", "note=hello world")).trim(), "deployment.apps/web annotated");
      let after = await get("deployment", "web");
      assert.equal(after.metadata.annotations?.owner, "team-a");
      assert.equal(after.metadata.annotations?.note, "hello world");
      assert.equal(after.metadata.generation, before.metadata.generation, "metadata changes do not bump generation");
      await ok("annotate", "deployment", "web", "note-");
      after = await get("deployment", "web");
      assert.equal(after.metadata.annotations?.note, undefined);
      assert.equal(after.metadata.annotations?.owner, "team-a");
    });
  });

  describe("patch", () => {
    it("--type strategic merges containers by name, ports by containerPort, env by name", async () => {
      const before = await get("deployment", "web");
      const patch = {
        spec: {
          template: {
            spec: {
              containers: [
                { name: "web", image: "nginx:1.26", env: [{ name: "DEBUG", value: "true" }] },
                { name: "sidecar", image: "busybox:1.36" },
              ],
            },
          },
        },
      };
      assert.equal((await ok("patch", "deployment", "web", "--type=strategic", "-p", JSON.stringify(patch))).trim(), "deployment.apps/web patched");
      const after = await get("deployment", "web");
      const byName = new Map(containers(after).map((c) => [c.name, c]));
      assert.deepEqual([...byName.keys()].sort(), ["sidecar", "web"], "a new container is added, the old one kept");
      const web = byName.get("web")!;
      assert.equal(web.image, "nginx:1.26");
      assert.deepEqual(web.ports?.map((p) => p.containerPort), [80, 9090], "ports not in the patch are kept");
      assert.deepEqual(web.env, [
        { name: "MODE", value: "prod" },
        { name: "DEBUG", value: "true" },
      ]);
      assert.equal(after.metadata.generation, before.metadata.generation! + 1);
    });

    it("--type strategic honours $patch: delete in a merge-keyed list", async () => {
      const patch = { spec: { template: { spec: { containers: [{ name: "sidecar", $patch: "delete" }, { name: "web", ports: [{ containerPort: 9090, $patch: "delete" }] }] } } } };
      await ok("patch", "deployment", "web", "--type=strategic", "-p", JSON.stringify(patch));
      const after = await get("deployment", "web");
      assert.deepEqual(containers(after).map((c) => c.name), ["web"]);
      assert.deepEqual(containers(after)[0]!.ports?.map((p) => p.containerPort), [80]);
    });

    it("--type merge replaces lists wholesale and deletes keys set to null", async () => {
      await ok("label", "deployment", "web", "drop=me");
      const patch = { metadata: { labels: { drop: null, merged: "yes" } }, spec: { template: { spec: { containers: [{ name: "only", image: "busybox:1.36" }] } } } };
      await ok("patch", "deployment", "web", "--type=merge", "-p", JSON.stringify(patch));
      const after = await get("deployment", "web");
      assert.deepEqual(after.metadata.labels, { app: "web", merged: "yes" });
      const [only, ...rest] = containers(after);
      assert.equal(rest.length, 0);
      assert.equal(only!.name, "only");
      assert.equal(only!.ports, undefined, "a merge patch replaces the list; nothing of the old container survives");
      assert.equal((only as { imagePullPolicy?: string }).imagePullPolicy, "IfNotPresent", "the replaced container is defaulted again");
    });

    it("--type json applies add, replace and remove operations in order", async () => {
      const ops = [
        { op: "replace", path: "/spec/replicas", value: 4 },
        { op: "add", path: "/spec/template/spec/containers/-", value: { name: "second", image: "busybox:1.36" } },
        { op: "replace", path: "/spec/template/spec/containers/0/name", value: "web" },
        { op: "remove", path: "/metadata/labels/merged" },
      ];
      await ok("patch", "deployment", "web", "--type=json", "-p", JSON.stringify(ops));
      const after = await get("deployment", "web");
      assert.equal(after.spec.replicas, 4);
      assert.deepEqual(containers(after).map((c) => c.name), ["web", "second"]);
      assert.deepEqual(after.metadata.labels, { app: "web" });
    });

    it("--type json with a failing test operation is refused with 422 and changes nothing", async () => {
      const before = await get("deployment", "web");
      const ops = [
        { op: "test", path: "/spec/replicas", value: 99 },
        { op: "replace", path: "/spec/replicas", value: 1 },
      ];
      assert.match(await fails("patch", "deployment", "web", "--type=json", "-p", JSON.stringify(ops)), /The request is invalid/);
      // The rollout the previous patch started may still write status; the object itself is unchanged.
      const after = await get("deployment", "web");
      assert.deepEqual([after.metadata.generation, after.spec], [before.metadata.generation, before.spec]);
    });

    it("a patch that makes the object invalid is a 422 naming the field, and nothing is stored", async () => {
      const before = await get("deployment", "web");
      const stderr = await fails("patch", "deployment", "web", "--type=merge", "-p", '{"spec":{"replicas":-1}}');
      assert.match(stderr, /^The Deployment "web" is invalid: spec\.replicas: Invalid value: -1: must be greater than or equal to 0$/m);
      assert.equal((await get("deployment", "web")).metadata.resourceVersion, before.metadata.resourceVersion);
    });

    it("--subresource=status changes status and ignores spec", async () => {
      // A pod bound to a node without a kubelet: no controller writes its status meanwhile.
      await kubectlOk(server, ["apply", "-f", "-"], {
        stdin: JSON.stringify({ apiVersion: "v1", kind: "Pod", metadata: { name: "status-only", namespace: ns }, spec: { nodeName: "no-kubelet", containers: [{ name: "c", image: "busybox:1.36" }] } }),
      });
      const before = await get("pod", "status-only");
      await ok("patch", "pod", "status-only", "--subresource=status", "--type=merge", "-p", '{"spec":{"activeDeadlineSeconds":9},"status":{"phase":"Running","message":"set by the test"}}');
      const after = await get("pod", "status-only");
      assert.equal(after.status.phase, "Running");
      assert.equal(after.status.message, "set by the test");
      assert.equal(after.spec.activeDeadlineSeconds, undefined);
      assert.equal(after.metadata.generation, before.metadata.generation);
    });
  });

  describe("scale and set image", () => {
    it("scale sets spec.replicas through the scale subresource and bumps generation", async () => {
      const before = await get("deployment", "web");
      assert.equal((await ok("scale", "deployment", "web", "--replicas=5")).trim(), "deployment.apps/web scaled");
      const after = await get("deployment", "web");
      assert.equal(after.spec.replicas, 5);
      assert.equal(after.metadata.generation, before.metadata.generation! + 1);
      const scale = JSON.parse(await kubectlOk(server, ["get", "--raw", `/apis/apps/v1/namespaces/${ns}/deployments/web/scale`])) as KubeObject;
      assert.equal(scale.kind, "Scale");
      assert.equal(scale.spec.replicas, 5);
      assert.equal(scale.status.selector, "app=web");
    });

    it("scale --current-replicas refuses when the precondition does not hold", async () => {
      assert.match(await fails("scale", "deployment", "web", "--replicas=1", "--current-replicas=7"), /Expected replicas to be 7, was 5/);
      assert.equal((await get("deployment", "web")).spec.replicas, 5);
    });

    it("set image changes one container's image and leaves the others", async () => {
      assert.equal((await ok("set", "image", "deployment/web", "web=nginx:1.27")).trim(), "deployment.apps/web image updated");
      const after = await get("deployment", "web");
      assert.deepEqual(
        containers(after).map((c) => `${c.name}=${c.image}`),
        ["web=nginx:1.27", "second=busybox:1.36"],
      );
      assert.match(await fails("set", "image", "deployment/web", "nosuch=x:1"), /unable to find container named "nosuch"/);
    });
  });

  describe("create", () => {
    it("create deployment makes a defaulted deployment with app=<name> labels", async () => {
      assert.equal((await ok("create", "deployment", "made", "--image=nginx:1.25", "--replicas=3")).trim(), "deployment.apps/made created");
      const d = await get("deployment", "made");
      assert.equal(d.spec.replicas, 3);
      assert.deepEqual(d.spec.selector, { matchLabels: { app: "made" } });
      assert.equal(containers(d)[0]!.image, "nginx:1.25");
      assert.equal(d.spec.strategy.type, "RollingUpdate");
      assert.match(await fails("create", "deployment", "made", "--image=nginx:1.25"), /deployments\.apps "made" already exists/);
    });

    it("create configmap --from-literal stores each literal", async () => {
      assert.equal((await ok("create", "configmap", "lit", "--from-literal=a=1", "--from-literal=b=two words")).trim(), "configmap/lit created");
      assert.deepEqual((await get("configmap", "lit")).data, { a: "1", b: "two words" });
    });

    it("create -f of a JSON object is refused as 409 AlreadyExists the second time", async () => {
      const cm = JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "once", namespace: ns }, data: { k: "v" } });
      assert.equal((await kubectlOk(server, ["create", "-f", "-"], { stdin: cm })).trim(), "configmap/once created");
      const r = await kubectlRun(server, ["create", "-f", "-"], { stdin: cm });
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /Error from server \(AlreadyExists\).*configmaps "once" already exists/);
    });
  });

  describe("replace and edit", () => {
    it("replace -f swaps the whole object; a stale resourceVersion is a 409 Conflict", async () => {
      const current = parseYaml(await ok("get", "configmap", "once", "-o", "yaml")) as KubeObject;
      current.data = { replaced: "first" };
      const file = await files.write("replace.yaml", toYaml(current));
      assert.equal((await ok("replace", "-f", file)).trim(), "configmap/once replaced");
      assert.deepEqual((await get("configmap", "once")).data, { replaced: "first" });
      // The same file again carries the old resourceVersion.
      assert.match(await fails("replace", "-f", file), /Error from server \(Conflict\).*Operation cannot be fulfilled on configmaps "once": the object has been modified/);
    });

    it("edit saves what EDITOR changed", async () => {
      const editor = await files.write("edit.sh", `#!/bin/sh\nsed -i 's/replaced: first/replaced: edited/' "$1"\n`, 0o755);
      const r = await kubectlRun(server, ["-n", ns, "edit", "configmap", "once"], { env: { EDITOR: editor, KUBE_EDITOR: "" } });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout.trim(), "configmap/once edited");
      assert.deepEqual((await get("configmap", "once")).data, { replaced: "edited" });
    });

    it("edit with no change saves nothing", async () => {
      const before = await get("configmap", "once");
      const r = await kubectlRun(server, ["-n", ns, "edit", "configmap", "once"], { env: { EDITOR: "true", KUBE_EDITOR: "" } });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /Edit cancelled, no changes made\./);
      assert.equal((await get("configmap", "once")).metadata.resourceVersion, before.metadata.resourceVersion);
    });

    it("edit that makes the object invalid is refused and keeps the object", async () => {
      const editor = await files.write("bad-edit.sh", `#!/bin/sh\nsed -i 's/^  replicas: .*/  replicas: -3/' "$1"\n`, 0o755);
      const before = await get("deployment", "web");
      const r = await kubectlRun(server, ["-n", ns, "edit", "deployment", "web"], { env: { EDITOR: editor, KUBE_EDITOR: "" } });
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /deployments\.apps "web" is invalid/);
      assert.equal((await get("deployment", "web")).metadata.resourceVersion, before.metadata.resourceVersion);
    });
  });

  describe("delete", () => {
    /** A ReplicaSet and one pod it owns (blockOwnerDeletion), optionally held by a finalizer. */
    async function ownerWithPod(name: string, podFinalizers: string[] = []): Promise<KubeObject> {
      await kubectlOk(server, ["apply", "-f", "-"], {
        stdin: JSON.stringify({
          apiVersion: "apps/v1",
          kind: "ReplicaSet",
          metadata: { name, namespace: ns },
          // No replicas, and a dependent the selector does not match: the ReplicaSet
          // controller in k8ts server neither adds pods nor adopts or scales this one.
          spec: { replicas: 0, selector: { matchLabels: { rs: name } }, template: { metadata: { labels: { rs: name } }, spec: { containers: [{ name: "c", image: "busybox:1.36" }] } } },
        }),
      });
      const rs = await get("replicaset", name);
      await kubectlOk(server, ["apply", "-f", "-"], {
        stdin: JSON.stringify({
          apiVersion: "v1",
          kind: "Pod",
          metadata: {
            name: `${name}-pod`,
            namespace: ns,
            labels: { dependent: name },
            finalizers: podFinalizers,
            ownerReferences: [{ apiVersion: "apps/v1", kind: "ReplicaSet", name, uid: rs.metadata.uid, blockOwnerDeletion: true }],
          },
          spec: { containers: [{ name: "c", image: "busybox:1.36" }] },
        }),
      });
      return rs;
    }

    it("deletes one object and reports it as upstream does", async () => {
      assert.equal((await ok("delete", "configmap", "lit")).trim(), `configmap "lit" deleted from ${ns} namespace`);
      assert.ok(await notFound("configmap", "lit"));
      assert.match(await fails("delete", "configmap", "lit"), /Error from server \(NotFound\): configmaps "lit" not found/);
    });

    it("deletes by label selector", async () => {
      const out = await ok("delete", "configmaps", "-l", "group=one");
      assert.deepEqual(out.trim().split("\n").sort(), [`configmap "a" deleted from ${ns} namespace`, `configmap "b" deleted from ${ns} namespace`]);
      assert.ok(await notFound("configmap", "a"));
      await get("configmap", "c");
    });

    it("a bound pod is deleted gracefully: it stays with deletionTimestamp until --force --grace-period=0", async () => {
      await kubectlOk(server, ["apply", "-f", "-"], {
        stdin: JSON.stringify({ apiVersion: "v1", kind: "Pod", metadata: { name: "bound", namespace: ns }, spec: { nodeName: "node-a", containers: [{ name: "c", image: "busybox:1.36" }] } }),
      });
      await ok("delete", "pod", "bound", "--wait=false");
      const terminating = await get("pod", "bound");
      assert.ok(terminating.metadata.deletionTimestamp, "the pod is terminating");
      assert.equal((terminating.metadata as { deletionGracePeriodSeconds?: number }).deletionGracePeriodSeconds, 30);
      const rows = await ok("get", "pod", "bound");
      assert.match(rows, /^bound\s+0\/1\s+Terminating\s/m);
      await ok("delete", "pod", "bound", "--force", "--grace-period=0");
      assert.ok(await notFound("pod", "bound"));
    });

    it("--cascade=orphan deletes the owner and leaves the dependent without its ownerReference", async () => {
      await ownerWithPod("orphaner");
      await ok("delete", "replicaset", "orphaner", "--cascade=orphan");
      assert.ok(await notFound("replicaset", "orphaner"));
      const pod = await get("pod", "orphaner-pod");
      assert.equal(pod.metadata.ownerReferences, undefined);
      assert.equal(pod.metadata.deletionTimestamp, undefined);
    });

    it("--cascade=background deletes the owner at once and its dependents after", async () => {
      await ownerWithPod("bg");
      await ok("delete", "replicaset", "bg", "--cascade=background");
      assert.ok(await notFound("replicaset", "bg"));
      await waitUntil(() => notFound("pod", "bg-pod"), { what: () => "the garbage collector to delete bg-pod" });
    });

    it("--cascade=foreground keeps the owner (foregroundDeletion) until blocking dependents are gone", async () => {
      const hold = "example.com/hold";
      await ownerWithPod("fg", [hold]);
      await ok("delete", "replicaset", "fg", "--cascade=foreground", "--wait=false");
      // The dependent cannot go while it has our finalizer, so the owner must wait.
      await waitUntil(async () => (await get("pod", "fg-pod")).metadata.deletionTimestamp !== undefined, { what: () => "the dependent to be deleted" });
      const owner = await get("replicaset", "fg");
      assert.ok(owner.metadata.deletionTimestamp, "the owner is terminating");
      assert.deepEqual(owner.metadata.finalizers, ["foregroundDeletion"]);
      await ok("patch", "pod", "fg-pod", "--type=json", "-p", '[{"op":"remove","path":"/metadata/finalizers"}]');
      await waitUntil(async () => (await notFound("pod", "fg-pod")) && (await notFound("replicaset", "fg")), { what: () => "the dependent, then the owner, to be gone" });
    });

    it("--cascade=foreground without --wait=false returns once the whole tree is gone", async () => {
      await ownerWithPod("fg2");
      await ok("delete", "replicaset", "fg2", "--cascade=foreground");
      assert.ok(await notFound("replicaset", "fg2"));
      assert.ok(await notFound("pod", "fg2-pod"), "a foreground delete finishes only after its blocking dependents");
    });
  });
});
