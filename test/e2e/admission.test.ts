// End to end: the built-in admission plugins of the real `k8ts server`, driven by the
// official kubectl 1.35 — a ResourceQuota stops the pod over its limit, a restricted
// namespace refuses a privileged pod, a LimitRange fills default requests, a pod gets its
// priority from a PriorityClass, and a pod gets the kube-api-access volume.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { kubectlJson, kubectlOk, kubectlRun, needsKubectl, startServer, tableRows } from "./_fixtures.js";

const podYaml = (name: string, namespace: string, extra = "") => `apiVersion: v1
kind: Pod
metadata: {name: ${name}, namespace: ${namespace}}
spec:
${extra}  containers: [{name: c, image: busybox, resources: {requests: {cpu: 10m, memory: 10Mi}, limits: {cpu: 20m, memory: 20Mi}}}]
`;

async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe("admission plugins with kubectl", needsKubectl, () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  before(async () => {
    server = await startServer();
  });
  after(() => server?.close());

  it("a ResourceQuota stops the pod over its limit with upstream's message, and kubectl shows its usage", async () => {
    await kubectlOk(server, ["create", "namespace", "quota"]);
    await kubectlOk(server, ["create", "quota", "pods", "-n", "quota", "--hard=pods=2,requests.cpu=1"]);
    await waitFor("quota status", async () => (await kubectlJson(server, ["get", "quota", "pods", "-n", "quota"])).status?.used);
    await kubectlOk(server, ["apply", "-f", "-"], { stdin: podYaml("p1", "quota") });
    await kubectlOk(server, ["apply", "-f", "-"], { stdin: podYaml("p2", "quota") });
    const third = await kubectlRun(server, ["apply", "-f", "-"], { stdin: podYaml("p3", "quota") });
    assert.notEqual(third.code, 0);
    assert.match(third.stderr, /pods "p3" is forbidden: exceeded quota: pods, requested: pods=1, used: pods=2, limited: pods=2/);
    const rows = tableRows(await kubectlOk(server, ["get", "quota", "-n", "quota"]));
    assert.deepEqual(rows[0], ["NAME", "AGE", "REQUEST", "LIMIT"]);
    assert.match(rows[1]!.join(" "), /pods: 2\/2, requests\.cpu: 20m\/1/);
    const described = await kubectlOk(server, ["describe", "quota", "pods", "-n", "quota"]);
    assert.match(described, /pods\s+2\s+2/);
  });

  it("a namespace labelled enforce=restricted refuses a privileged pod with upstream's message", async () => {
    await kubectlOk(server, ["create", "namespace", "locked"]);
    const label = await kubectlRun(server, ["label", "namespace", "locked", "pod-security.kubernetes.io/enforce=restricted"]);
    assert.equal(label.code, 0, label.stderr);
    const r = await kubectlRun(server, ["apply", "-f", "-"], { stdin: `apiVersion: v1
kind: Pod
metadata: {name: priv, namespace: locked}
spec:
  containers: [{name: c, image: busybox, securityContext: {privileged: true}}]
` });
    assert.notEqual(r.code, 0);
    assert.match(
      r.stderr,
      /pods "priv" is forbidden: violates PodSecurity "restricted:latest": privileged \(container "c" must not set securityContext\.privileged=true\), allowPrivilegeEscalation != false \(container "c" must set securityContext\.allowPrivilegeEscalation=false\), unrestricted capabilities \(container "c" must set securityContext\.capabilities\.drop=\["ALL"\]\), runAsNonRoot != true \(pod or container "c" must set securityContext\.runAsNonRoot=true\), seccompProfile \(pod or container "c" must set securityContext\.seccompProfile\.type to "RuntimeDefault" or "Localhost"\)/,
    );
    // Tightening a namespace with pods in it warns about them on kubectl's stderr.
    await kubectlOk(server, ["create", "namespace", "loose"]);
    await kubectlOk(server, ["apply", "-f", "-"], { stdin: podYaml("plain", "loose") });
    const tighten = await kubectlRun(server, ["label", "namespace", "loose", "pod-security.kubernetes.io/enforce=baseline", "pod-security.kubernetes.io/warn=restricted"]);
    assert.equal(tighten.code, 0, tighten.stderr);
    const warned = await kubectlRun(server, ["run", "warned", "-n", "loose", "--image=busybox"]);
    assert.equal(warned.code, 0, warned.stderr);
    assert.match(warned.stderr, /Warning: would violate PodSecurity "restricted:latest": allowPrivilegeEscalation != false/);
  });

  it("a LimitRange fills default requests and limits", async () => {
    await kubectlOk(server, ["create", "namespace", "limited"]);
    await kubectlOk(server, ["apply", "-f", "-"], { stdin: `apiVersion: v1
kind: LimitRange
metadata: {name: defaults, namespace: limited}
spec:
  limits:
  - type: Container
    defaultRequest: {cpu: 100m, memory: 64Mi}
    default: {cpu: 200m, memory: 128Mi}
` });
    await kubectlOk(server, ["run", "filled", "-n", "limited", "--image=busybox"]);
    const pod = await kubectlJson(server, ["get", "pod", "filled", "-n", "limited"]);
    assert.deepEqual(pod.spec.containers[0].resources, { requests: { cpu: "100m", memory: "64Mi" }, limits: { cpu: "200m", memory: "128Mi" } });
    assert.equal(pod.metadata.annotations?.["kubernetes.io/limit-ranger"], "LimitRanger plugin set: cpu, memory request for container filled; cpu, memory limit for container filled");
  });

  it("a pod gets its priority from a PriorityClass; an unknown class is refused", async () => {
    await kubectlOk(server, ["create", "priorityclass", "high", "--value=1000", "--description=important"]);
    const classes = tableRows(await kubectlOk(server, ["get", "priorityclasses"]));
    assert.deepEqual(classes[0], ["NAME", "VALUE", "GLOBAL-DEFAULT", "AGE", "PREEMPTIONPOLICY"]);
    assert.deepEqual(classes.slice(1).map((r) => r[0]).sort(), ["high", "system-cluster-critical", "system-node-critical"]);
    await kubectlOk(server, ["create", "namespace", "prio"]);
    await kubectlOk(server, ["apply", "-f", "-"], { stdin: podYaml("important", "prio", "  priorityClassName: high\n") });
    const pod = await kubectlJson(server, ["get", "pod", "important", "-n", "prio"]);
    assert.equal(pod.spec.priority, 1000);
    assert.equal(pod.spec.preemptionPolicy, "PreemptLowerPriority");
    const bad = await kubectlRun(server, ["apply", "-f", "-"], { stdin: podYaml("nope", "prio", "  priorityClassName: missing\n") });
    assert.match(bad.stderr, /pods "nope" is forbidden: no PriorityClass with name missing was found/);
  });

  it("pods get the default ServiceAccount, its projected token volume and the default tolerations", async () => {
    const pod = await kubectlJson(server, ["get", "pod", "important", "-n", "prio"]);
    assert.equal(pod.spec.serviceAccountName, "default");
    const volume = pod.spec.volumes.find((v: { name: string }) => v.name.startsWith("kube-api-access-"));
    assert.ok(volume, JSON.stringify(pod.spec.volumes));
    assert.deepEqual(pod.spec.containers[0].volumeMounts, [{ name: volume.name, readOnly: true, mountPath: "/var/run/secrets/kubernetes.io/serviceaccount" }]);
    assert.deepEqual(pod.spec.tolerations.map((t: { key: string; tolerationSeconds: number }) => `${t.key}=${t.tolerationSeconds}`), ["node.kubernetes.io/not-ready=300", "node.kubernetes.io/unreachable=300"]);
    const orphan = await kubectlRun(server, ["run", "orphan", "-n", "prio", "--image=busybox", "--overrides", JSON.stringify({ spec: { serviceAccountName: "ghost" } })]);
    assert.match(orphan.stderr, /pods "orphan" is forbidden: error looking up service account prio\/ghost: serviceaccount "ghost" not found/);
  });
});
