import assert from "node:assert/strict";
import { lstat, mkdtemp, readFile, readdir, readlink, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import type { ConfigMap, Pod } from "../../api/index.js";
import { writeAtomically } from "./atomic-writer.js";
import { VolumeManager } from "./volume-manager.js";

describe("volumes", () => {
  it("writes atomically through ..data and removes keys that went away", async () => {
    const dir = await mkdtemp(join(tmpdir(), "k8ts-aw-"));
    try {
      assert.equal(await writeAtomically(dir, new Map([["a", { data: Buffer.from("1"), mode: 0o644 }], ["sub/b", { data: Buffer.from("2"), mode: 0o600 }]])), true);
      assert.equal(await readlink(join(dir, "a")), "..data/a");
      assert.equal(await readFile(join(dir, "sub/b"), "utf8"), "2");
      assert.equal((await lstat(join(dir, "..data", "sub", "b"))).mode & 0o777, 0o600);
      assert.equal(await writeAtomically(dir, new Map([["a", { data: Buffer.from("1"), mode: 0o644 }], ["sub/b", { data: Buffer.from("2"), mode: 0o600 }]])), false);
      assert.equal(await writeAtomically(dir, new Map([["a", { data: Buffer.from("3"), mode: 0o644 }]])), true);
      assert.equal(await readFile(join(dir, "a"), "utf8"), "3");
      const names = (await readdir(dir)).filter((n) => !n.startsWith(".."));
      assert.deepEqual(names, ["a"]);
      assert.equal((await readdir(dir)).filter((n) => n.startsWith("..") && n !== "..data").length, 1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("sets up configMap items with modes, secrets, downwardAPI, projected (skipping a token with no TokenRequest API), emptyDir and hostPath", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "k8ts-vol-"));
    const warnings: string[] = [];
    const cm: ConfigMap = { metadata: { name: "cm" }, data: { k1: "v1", k2: "v2" } };
    const vm = new VolumeManager({
      dataDir,
      tmpfs: false,
      nodeAllocatable: () => ({ memory: "1Gi" }),
      onWarning: (_p, reason, msg) => warnings.push(`${reason}: ${msg}`),
      sources: {
        configMap: async (_ns, name) => (name === "cm" ? cm : undefined),
        secret: async (_ns, name) => (name === "s" ? { metadata: { name: "s" }, data: { pw: Buffer.from("hunter2").toString("base64") } } : undefined),
        serviceAccountToken: async () => undefined,
      },
    });
    const pod: Pod = {
      metadata: { name: "p", namespace: "ns", uid: "uid-9", labels: { app: "x" } },
      spec: {
        containers: [{ name: "c", image: "x" }],
        volumes: [
          { name: "cfg", configMap: { name: "cm", items: [{ key: "k2", path: "dir/two", mode: 0o400 }] } },
          { name: "sec", secret: { secretName: "s" } },
          { name: "down", downwardAPI: { items: [{ path: "labels", fieldRef: { fieldPath: "metadata.labels" } }] } },
          { name: "proj", projected: { sources: [{ configMap: { name: "cm" } }, { serviceAccountToken: { path: "token" } }] } },
          { name: "scratch", emptyDir: {} },
          { name: "host", hostPath: { path: join(dataDir, "hp"), type: "DirectoryOrCreate" } },
        ],
      },
    };
    try {
      const v = await vm.setUp(pod);
      assert.equal(await readFile(join(v.get("cfg")!.hostPath, "dir/two"), "utf8"), "v2");
      assert.equal((await lstat(join(v.get("cfg")!.hostPath, "..data/dir/two"))).mode & 0o777, 0o400);
      assert.equal(v.get("cfg")!.readOnly, true);
      assert.equal(await readFile(join(v.get("sec")!.hostPath, "pw"), "utf8"), "hunter2");
      assert.equal(await readFile(join(v.get("down")!.hostPath, "labels"), "utf8"), 'app="x"');
      assert.deepEqual((await readdir(v.get("proj")!.hostPath)).filter((n) => !n.startsWith("..")).sort(), ["k1", "k2"]);
      assert.match(warnings.join("\n"), /FailedMount: volume "proj": skipped service account token "token"/);
      assert.equal(v.get("scratch")!.readOnly, false);
      assert.ok((await lstat(join(dataDir, "hp"))).isDirectory());
      await assert.rejects(vm.setUp({ ...pod, spec: { ...pod.spec!, volumes: [{ name: "m", configMap: { name: "missing" } }] } }), /MountVolume.SetUp failed for volume "m" : configmap "missing" not found/);
      cm.data = { k1: "v1", k2: "new" };
      assert.deepEqual(await vm.sync(pod), ["cfg", "proj"]);
      assert.equal(await readFile(join(v.get("cfg")!.hostPath, "dir/two"), "utf8"), "new");
      await vm.tearDown("uid-9");
      await assert.rejects(lstat(vm.podDir("uid-9")));
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
