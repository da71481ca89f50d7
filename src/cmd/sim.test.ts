import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { parseSimFlags } from "./sim.js";

describe("k8ts sim flags", () => {
  it("takes --server and --token, with upstream-like defaults for the rest", async () => {
    const o = await parseSimFlags(["--server", "https://127.0.0.1:6443", "--token", "K8TSabc", "--nodes", "3"]);
    assert.ok(o !== "help");
    assert.equal(o.nodes, 3);
    assert.equal(o.transport.server, "https://127.0.0.1:6443");
    assert.equal(o.transport.token, "K8TSabc:sim-node-0");
    assert.equal(o.joinToken, "K8TSabc");
    assert.equal(o.transport.insecureSkipTlsVerify, true);
    assert.equal(o.podsPerNode, 110);
    assert.equal(o.cpus, 8);
    assert.equal(o.memoryBytes, 32 * 1024 ** 3);
    assert.deepEqual(o.behaviour, { startupDelayMs: 500, runDurationMs: 1000, exitCode: 0 });
    assert.equal(o.watchPerNode, false);
  });

  it("reads a kubeconfig, and opens a socket per node for --watch-per-node", async () => {
    const dir = await mkdtemp(join(tmpdir(), "k8ts-sim-flags-"));
    try {
      const file = join(dir, "kubeconfig.yaml");
      await writeFile(file, "apiVersion: v1\nkind: Config\ncurrent-context: c\ncontexts: [{name: c, context: {cluster: k, user: u}}]\nclusters: [{name: k, cluster: {server: 'https://10.0.0.1:6443', insecure-skip-tls-verify: true}}]\nusers: [{name: u, user: {token: t0}}]\n");
      const o = await parseSimFlags(["--kubeconfig", file, "--nodes", "5000", "--watch-per-node", "--startup-delay", "0s", "--memory", "16Gi", "--exit-code", "3"]);
      assert.ok(o !== "help");
      assert.equal(o.transport.server, "https://10.0.0.1:6443");
      assert.equal(o.transport.token, "t0");
      assert.ok((o.transport.maxSockets ?? 0) > 5000);
      assert.equal(o.behaviour.startupDelayMs, 0);
      assert.equal(o.behaviour.exitCode, 3);
      assert.equal(o.memoryBytes, 16 * 1024 ** 3);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("refuses bad command lines with a message naming the flag", async () => {
    await assert.rejects(parseSimFlags(["--server", "https://x"]), /--nodes is required/);
    await assert.rejects(parseSimFlags(["--nodes", "2"]), /--kubeconfig or --server is required/);
    await assert.rejects(parseSimFlags(["--server", "https://x", "--nodes", "2"]), /--token is required/);
    await assert.rejects(parseSimFlags(["--server", "https://x", "--token", "t", "--nodes", "0"]), /--nodes: "0"/);
    await assert.rejects(parseSimFlags(["--server", "https://x", "--token", "t", "--nodes", "2", "--startup-delay", "soon"]), /--startup-delay: "soon" is not a duration/);
    await assert.rejects(parseSimFlags(["--server", "https://x", "--token", "t", "--nodes", "2", "--memory", "lots"]), /--memory: "lots"/);
  });

  it("answers --help", async () => {
    assert.equal(await parseSimFlags(["--help"]), "help");
  });
});
