// PodSecurity: namespace labels pick a level; enforce refuses with upstream's message,
// warn adds upstream's warnings, bad labels are refused, tightening a namespace warns.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Pod } from "../../src/api/index.js";
import { podSecurityAdmission } from "../../src/apiserver/index.js";
import { resources } from "../../src/client/index.js";
import { isApiError } from "../../src/machinery/index.js";
import { startTestApiServer, type TestApiServer } from "../harness/index.js";
import { createNamespace, expectForbidden, pod } from "./_helpers.js";

const restrictedContainer = {
  name: "app",
  image: "busybox",
  securityContext: { allowPrivilegeEscalation: false, runAsNonRoot: true, capabilities: { drop: ["ALL"] }, seccompProfile: { type: "RuntimeDefault" } },
};

/** A raw request, to read the Warning headers the typed client does not surface. */
async function post(server: TestApiServer, path: string, body: unknown, method = "POST"): Promise<{ status: number; body: { message?: string }; warnings: string[] }> {
  const res = await server.handler({ method: method as "POST", path, query: {}, body, user: { username: "admin", groups: ["system:masters"] }, ...(method === "PATCH" ? { contentType: "application/merge-patch+json" } : {}) });
  const header = res.headers?.Warning ?? [];
  const warnings = (Array.isArray(header) ? header : [header]).map((h) => JSON.parse(h.replace(/^299 - /, "")) as string);
  return { status: res.status, body: res.body as { message?: string }, warnings };
}

describe("PodSecurity admission", () => {
  let server: TestApiServer;
  before(async () => {
    server = await startTestApiServer({ store: "memory", admission: [podSecurityAdmission()] });
    await createNamespace(server.client, "restricted", { "pod-security.kubernetes.io/enforce": "restricted" });
    await createNamespace(server.client, "baseline", { "pod-security.kubernetes.io/enforce": "baseline", "pod-security.kubernetes.io/warn": "restricted" });
    await createNamespace(server.client, "open");
  });
  after(() => server.close());

  it("refuses a privileged pod in a restricted namespace with upstream's message, listing every check in order", async () => {
    const p = pod("priv", "restricted", { containers: [{ name: "app", image: "busybox", securityContext: { privileged: true } }] });
    await expectForbidden(
      () => server.client.create(resources.pods, p),
      'pods "priv" is forbidden: violates PodSecurity "restricted:latest": privileged (container "app" must not set securityContext.privileged=true), allowPrivilegeEscalation != false (container "app" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container "app" must set securityContext.capabilities.drop=["ALL"]), runAsNonRoot != true (pod or container "app" must set securityContext.runAsNonRoot=true), seccompProfile (pod or container "app" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
    );
  });

  it("admits a pod that meets the restricted level", async () => {
    const created = (await server.client.create(resources.pods, pod("ok", "restricted", { containers: [restrictedContainer] }))) as Pod;
    assert.equal(created.metadata.name, "ok");
  });

  it("enforces baseline checks: host namespaces, hostPath, host ports, capabilities, sysctls", async () => {
    const p = pod("hosty", "baseline", {
      hostNetwork: true,
      hostPID: true,
      volumes: [{ name: "root", hostPath: { path: "/" } }],
      containers: [{ name: "app", image: "busybox", ports: [{ containerPort: 80, hostPort: 80 }], securityContext: { capabilities: { add: ["SYS_ADMIN", "NET_RAW", "CHOWN"] } } }],
      securityContext: { sysctls: [{ name: "kernel.msgmax", value: "1" }, { name: "net.ipv4.tcp_syncookies", value: "1" }] },
    });
    await expectForbidden(
      () => server.client.create(resources.pods, p),
      'pods "hosty" is forbidden: violates PodSecurity "baseline:latest": non-default capabilities (container "app" must not include "NET_RAW", "SYS_ADMIN" in securityContext.capabilities.add), host namespaces (hostNetwork=true, hostPID=true), hostPath volumes (volume "root"), hostPort (container "app" uses hostPort 80), forbidden sysctls (kernel.msgmax)',
    );
  });

  it("warns about the warn level while admitting at the enforce level", async () => {
    const res = await post(server, "/api/v1/namespaces/baseline/pods", pod("warned", "baseline"));
    assert.equal(res.status, 201);
    assert.deepEqual(res.warnings, [
      'would violate PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container "app" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container "app" must set securityContext.capabilities.drop=["ALL"]), runAsNonRoot != true (pod or container "app" must set securityContext.runAsNonRoot=true), seccompProfile (pod or container "app" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
    ]);
  });

  it("warns, never refuses, for workload templates", async () => {
    const deployment = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "web" },
      spec: { selector: { matchLabels: { app: "web" } }, template: { metadata: { labels: { app: "web" } }, spec: { hostNetwork: true, containers: [{ name: "app", image: "busybox" }] } } },
    };
    const res = await post(server, "/apis/apps/v1/namespaces/baseline/deployments", deployment);
    assert.equal(res.status, 201, res.body.message);
    assert.equal(res.warnings.length, 1);
    assert.match(res.warnings[0], /^would violate PodSecurity "restricted:latest": host namespaces \(hostNetwork=true\), allowPrivilegeEscalation != false/);
  });

  it("checks pods against an older policy version when the label names one", async () => {
    await createNamespace(server.client, "old", { "pod-security.kubernetes.io/enforce": "restricted", "pod-security.kubernetes.io/enforce-version": "v1.21" });
    // Before 1.22 restricted did not require dropping capabilities, nor (before 1.23) forbid runAsUser=0.
    const p = pod("old", "old", { containers: [{ name: "app", image: "busybox", securityContext: { allowPrivilegeEscalation: false, runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } } }] });
    await server.client.create(resources.pods, p);
    await expectForbidden(() => server.client.create(resources.pods, pod("old2", "old")), /^pods "old2" is forbidden: violates PodSecurity "restricted:v1\.21": allowPrivilegeEscalation != false/);
  });

  it("refuses namespaces with bad labels", async () => {
    await assert.rejects(
      server.client.create(resources.namespaces, { apiVersion: "v1", kind: "Namespace", metadata: { name: "bad", labels: { "pod-security.kubernetes.io/enforce": "strict", "pod-security.kubernetes.io/warn-version": "1.30" } } }),
      (err: unknown) =>
        isApiError(err) &&
        err.code === 422 &&
        err.message === 'Namespace "bad" is invalid: [metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: "strict": must be one of privileged, baseline, restricted, metadata.labels[pod-security.kubernetes.io/warn-version]: Invalid value: "1.30": must be "latest" or "v1.x"]',
    );
  });

  it("warns about existing pods when a namespace's enforce level tightens, and changes nothing else", async () => {
    for (const name of ["a", "b", "c"]) await server.client.create(resources.pods, pod(name, "open"));
    await server.client.create(resources.pods, pod("h", "open", { hostIPC: true }));
    const res = await post(server, "/api/v1/namespaces/open", { metadata: { labels: { "pod-security.kubernetes.io/enforce": "baseline" } } }, "PATCH");
    assert.equal(res.status, 200, res.body.message);
    assert.deepEqual(res.warnings, ['existing pods in namespace "open" violate the new PodSecurity enforce level "baseline:latest"', "h: host namespaces"]);
    const res2 = await post(server, "/api/v1/namespaces/open", { metadata: { labels: { "pod-security.kubernetes.io/enforce": "restricted" } } }, "PATCH");
    assert.deepEqual(res2.warnings, [
      'existing pods in namespace "open" violate the new PodSecurity enforce level "restricted:latest"',
      "a (and 2 other pods): allowPrivilegeEscalation != false, unrestricted capabilities, runAsNonRoot != true, seccompProfile",
      "h: host namespaces, allowPrivilegeEscalation != false, unrestricted capabilities, runAsNonRoot != true, seccompProfile",
    ]);
    assert.equal((await server.client.list(resources.pods, { namespace: "open" })).items.length, 4);
  });
});
