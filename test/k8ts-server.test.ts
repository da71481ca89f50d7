// End to end: the real `k8ts server` process (bin/k8ts.js, after `npm run build`) driven by
// the official kubectl from `npm run tools`, stopped with SIGTERM and started again.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { stat } from "node:fs/promises";
import { kubectl, kubectlBin, startK8tsServer, type K8tsServerProcess } from "./harness/index.js";

describe("k8ts server process", { skip: existsSync(kubectlBin) ? false : "run `npm run tools` for kubectl" }, () => {
  let server: K8tsServerProcess;

  before(async () => {
    server = await startK8tsServer({ extraArgs: ["--store", "sqlite"] });
  });
  after(async () => {
    await server.kill();
    await server.cleanup();
  });

  it("prints the kubeconfig path and writes it 0600", async () => {
    assert.match(server.output(), new RegExp(`^kubeconfig: ${server.kubeconfig}$`, "m"));
    assert.equal((await stat(server.kubeconfig)).mode & 0o777, 0o600);
  });

  // kubectl 1.35 posts the SelfSubjectReview as application/vnd.kubernetes.protobuf.
  it("kubectl auth whoami shows kubernetes-admin in system:masters", async () => {
    const r = await kubectl(server, ["auth", "whoami", "-o", "json"]);
    assert.equal(r.code, 0, r.stderr);
    const review = JSON.parse(r.stdout) as { status: { userInfo: { username: string; groups?: string[] } } };
    assert.equal(review.status.userInfo.username, "kubernetes-admin");
    assert.ok(review.status.userInfo.groups?.includes("system:masters"), JSON.stringify(review.status.userInfo));
  });

  it("kubectl get namespaces lists the system namespaces", async () => {
    const r = await kubectl(server, ["get", "namespaces", "-o", "name"]);
    assert.equal(r.code, 0, r.stderr);
    for (const ns of ["default", "kube-system", "kube-public", "kube-node-lease"]) assert.match(r.stdout, new RegExp(`^namespace/${ns}$`, "m"));
  });

  it("exits 0 on SIGTERM and restarts on the same data dir with its objects", async () => {
    // apply sends JSON (kubectl create would send protobuf, see the whoami TODO).
    const created = await kubectl(server, ["apply", "-f", "-"], {
      stdin: JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "kept", namespace: "default" }, data: { a: "1" } }),
    });
    assert.equal(created.code, 0, created.stderr);
    assert.equal(await server.stop(), 0, server.output());
    assert.match(server.output(), /^stopped$/m);

    server = await startK8tsServer({ dataDir: server.dataDir, extraArgs: ["--store", "sqlite"] });
    const got = await kubectl(server, ["get", "configmap", "kept", "-o", "jsonpath={.data.a}"]);
    assert.equal(got.code, 0, got.stderr);
    assert.equal(got.stdout, "1");
  });
});
