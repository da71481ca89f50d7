// The aggregation layer against a real in-process API server and an HTTPS "aggregated
// API server" in this process behind a Service: Local APIServices for built-in groups,
// a remote APIService becoming Available, its resources in discovery and served through
// the proxy (with the user in X-Remote-* headers), kubectl 1.35 listing them, and the
// APIService turning unavailable (503 for its resources) when its Service goes.
import assert from "node:assert/strict";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { APIService } from "../../src/api/index.js";
import { resource, resources } from "../../src/client/index.js";
import { issueServingCertificate, ensurePki } from "../../src/cmd/pki.js";
import { writeKubeconfig } from "../../src/cmd/kubeconfig.js";
import { isApiError } from "../../src/machinery/index.js";
import { kubectlBin, run, startTestApiServer, type TestApiServer } from "../harness/index.js";

const apiServices = resource<APIService>("apiregistration.k8s.io", "v1", "apiservices", "APIService", false);
const group = "wardle.k8ts.test";

async function eventually<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ""}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("API aggregation (APIService)", () => {
  let api: TestApiServer;
  let wardle: Server;
  let port = 0;
  let caBundle = "";
  let kubeconfig = "";
  const seenUsers: string[] = [];

  before(async () => {
    api = await startTestApiServer({ store: "memory" });
    const pki = await ensurePki(join(api.dataDir, "wardle-pki"), { bindAddress: "127.0.0.1" });
    const serving = await issueServingCertificate(pki.ca, { commonName: `api.default.svc`, sans: [`api.default.svc`] });
    caBundle = Buffer.from(pki.ca.cert).toString("base64");
    wardle = createServer({ key: serving.key, cert: serving.cert }, (req, res) => {
      seenUsers.push(`${req.headers["x-remote-user"] ?? ""}|${[req.headers["x-remote-group"]].flat().join(",")}`);
      const path = (req.url ?? "").split("?")[0];
      res.setHeader("content-type", "application/json");
      if (path === `/apis/${group}/v1alpha1`) {
        res.end(JSON.stringify({ kind: "APIResourceList", apiVersion: "v1", groupVersion: `${group}/v1alpha1`, resources: [{ name: "flunders", singularName: "flunder", namespaced: true, kind: "Flunder", verbs: ["get", "list", "create"], shortNames: ["fl"] }] }));
        return;
      }
      if (path === `/apis/${group}/v1alpha1/namespaces/default/flunders`) {
        res.end(JSON.stringify({ kind: "FlunderList", apiVersion: `${group}/v1alpha1`, metadata: { resourceVersion: "7" }, items: [{ kind: "Flunder", apiVersion: `${group}/v1alpha1`, metadata: { name: "flunder-one", namespace: "default", creationTimestamp: "2026-01-01T00:00:00Z" } }] }));
        return;
      }
      res.statusCode = 404;
      res.end(JSON.stringify({ kind: "Status", apiVersion: "v1", status: "Failure", reason: "NotFound", code: 404, message: "not here" }));
    });
    await new Promise<void>((resolve) => wardle.listen(0, "127.0.0.1", resolve));
    port = (wardle.address() as AddressInfo).port;
    kubeconfig = await writeKubeconfig(join(api.dataDir, "kubeconfig.yaml"), { server: api.url, caCert: api.pki.ca.cert, clientCert: api.pki.admin.cert, clientKey: api.pki.admin.key });
  });

  after(async () => {
    wardle?.closeAllConnections();
    await new Promise<void>((r) => (wardle ? wardle.close(() => r()) : r()));
    await api?.close();
  });

  it("keeps a Local, Available APIService for every built-in group/version", async () => {
    const local = await eventually("v1.apps Available", async () => {
      const s = await api.client.get(apiServices, "v1.apps");
      return s.status?.conditions?.find((c) => c.type === "Available" && c.status === "True") ? s : undefined;
    });
    assert.equal(local.spec?.service, undefined);
    assert.deepEqual([local.spec?.groupPriorityMinimum, local.spec?.versionPriority, local.status?.conditions?.[0]?.reason], [17800, 15, "Local"]);
    assert.ok((await api.client.list(apiServices)).items.some((s) => s.metadata.name === "v1."));
  });

  it("validates APIServices as upstream", async () => {
    await assert.rejects(
      () => api.client.create(apiServices, { apiVersion: "apiregistration.k8s.io/v1", kind: "APIService", metadata: { name: "wrong.name" }, spec: { group, version: "v1alpha1", groupPriorityMinimum: 0, versionPriority: 1000 } }),
      (err: unknown) =>
        isApiError(err) &&
        err.code === 422 &&
        /metadata.name: Invalid value: "wrong.name": must be v1alpha1.wardle.k8ts.test/.test(err.message) &&
        /spec.groupPriorityMinimum: Invalid value: 0: must be positive and less than 20000/.test(err.message) &&
        /spec.versionPriority: Invalid value: 1000: must be positive and less than 1000/.test(err.message),
    );
  });

  it("a remote APIService becomes Available, its resources are discovered and proxied with the user named", async () => {
    await api.client.create(resources.services, { apiVersion: "v1", kind: "Service", metadata: { name: "api", namespace: "default" }, spec: { ports: [{ name: "https", port: 443, targetPort: port }] } });
    await api.client.create(resources.endpointslices, {
      apiVersion: "discovery.k8s.io/v1",
      kind: "EndpointSlice",
      metadata: { name: "api-1", namespace: "default", labels: { "kubernetes.io/service-name": "api" } },
      addressType: "IPv4",
      endpoints: [{ addresses: ["127.0.0.1"], conditions: { ready: true } }],
      ports: [{ name: "https", port, protocol: "TCP" }],
    });
    await api.client.create(apiServices, {
      apiVersion: "apiregistration.k8s.io/v1",
      kind: "APIService",
      metadata: { name: `v1alpha1.${group}` },
      spec: { group, version: "v1alpha1", service: { namespace: "default", name: "api" }, caBundle, groupPriorityMinimum: 2000, versionPriority: 200 },
    });
    const available = await eventually("the APIService Available", async () => {
      const s = await api.client.get(apiServices, `v1alpha1.${group}`);
      return s.status?.conditions?.find((c) => c.type === "Available" && c.status === "True");
    });
    assert.deepEqual([available.reason, available.message], ["Passed", "all checks passed"]);

    const groups = await api.handler({ method: "GET", path: "/apis", query: {}, user: { username: "kubernetes-admin", groups: ["system:masters"] } });
    assert.ok(JSON.stringify(groups.body).includes(`"${group}/v1alpha1"`), "the group is listed in /apis");

    const r = await run(kubectlBin, ["--kubeconfig", kubeconfig, "get", "flunders", "-n", "default", "-o", "name"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), `flunder.${group}/flunder-one`);
    assert.ok(seenUsers.some((u) => u.startsWith("kubernetes-admin|") && u.includes("system:masters")), seenUsers.join("; "));
    const short = await run(kubectlBin, ["--kubeconfig", kubeconfig, "get", "fl", "-n", "default", "-o", "name"]);
    assert.equal(short.stdout.trim(), `flunder.${group}/flunder-one`, short.stderr);
  });

  it("when its Service goes, the APIService is unavailable (ServiceNotFound) and its resources answer 503", async () => {
    await api.client.delete(resources.services, "api", { namespace: "default" });
    const c = await eventually("Available False", async () => {
      const s = await api.client.get(apiServices, `v1alpha1.${group}`);
      return s.status?.conditions?.find((x) => x.type === "Available" && x.status === "False");
    });
    assert.deepEqual([c.reason, c.message], ["ServiceNotFound", `service/api in "default" is not present`]);
    const res = await api.handler({ method: "GET", path: `/apis/${group}/v1alpha1/namespaces/default/flunders`, query: {}, user: { username: "kubernetes-admin", groups: ["system:masters"] } });
    assert.equal(res.status, 503);
    await api.client.delete(apiServices, `v1alpha1.${group}`);
    await eventually("its resources gone from the registry", async () => !api.registry.get(group, "v1alpha1", "flunders"));
  });
});
