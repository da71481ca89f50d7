import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { renderKubeconfig } from "./kubeconfig.js";
import { invokingUser, mergeKubeconfig } from "./user-kubeconfig.js";

const admin = (server: string) => renderKubeconfig({ server, caCert: "CA", clientCert: "CERT", clientKey: "KEY" });

describe("merging into the user's kubeconfig", () => {
  it("creates ~/.kube/config (0600) when there is none", async () => {
    const dir = await mkdtemp(join(tmpdir(), "k8ts-kc-"));
    try {
      const target = join(dir, ".kube", "config");
      assert.equal(mergeKubeconfig(target, admin("https://127.0.0.1:6443")), undefined);
      const doc = parse(await readFile(target, "utf8"));
      assert.equal(doc["current-context"], "k8ts");
      assert.equal(doc.clusters[0].cluster.server, "https://127.0.0.1:6443");
      assert.equal((await stat(target)).mode & 0o777, 0o600);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("keeps other clusters, replaces its own entries, and backs the old file up first", async () => {
    const dir = await mkdtemp(join(tmpdir(), "k8ts-kc-"));
    try {
      const target = join(dir, "config");
      const before = "apiVersion: v1\nkind: Config\nclusters:\n- name: prod\n  cluster: {server: https://prod:6443}\n- name: k8ts\n  cluster: {server: https://old:1}\nusers:\n- name: me\n  user: {token: abc}\ncontexts:\n- name: prod\n  context: {cluster: prod, user: me}\ncurrent-context: prod\n";
      await writeFile(target, before);
      const backup = mergeKubeconfig(target, admin("https://127.0.0.1:7443"));
      assert.equal(await readFile(backup!, "utf8"), before);
      const doc = parse(await readFile(target, "utf8"));
      assert.deepEqual(doc.clusters.map((c: { name: string }) => c.name), ["prod", "k8ts"]);
      assert.equal(doc.clusters[1].cluster.server, "https://127.0.0.1:7443");
      assert.deepEqual(doc.users.map((u: { name: string }) => u.name), ["me", "admin"]);
      assert.deepEqual(doc.contexts.map((c: { name: string }) => c.name), ["prod", "k8ts"]);
      assert.equal(doc["current-context"], "k8ts");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("finds the user behind sudo", () => {
    const root = invokingUser({ HOME: "/root" });
    assert.deepEqual(root, { home: "/root" });
    const viaSudo = invokingUser({ HOME: "/root", SUDO_USER: "root", SUDO_UID: "0" });
    assert.deepEqual(viaSudo, { home: "/root" }, "sudo from root is root");
  });
});
