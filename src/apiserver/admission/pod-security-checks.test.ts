// The Pod Security Standards checks, table-driven from upstream's check_*_test.go cases:
// each pod and the exact reason (detail) upstream reports for it.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { ObjectMeta, PodSpec } from "../../api/index.js";
import { evaluatePod, forbiddenDetail, latest } from "./pod-security-checks.js";

const c = (name: string, extra: Record<string, unknown> = {}) => ({ name, image: "busybox", ...extra });
const restrictedSC = { allowPrivilegeEscalation: false, runAsNonRoot: true, capabilities: { drop: ["ALL"] }, seccompProfile: { type: "RuntimeDefault" } };

function detail(level: "baseline" | "restricted", spec: Partial<PodSpec>, meta: ObjectMeta = {}, minor?: number): string {
  const version = minor === undefined ? latest : { latest: false as const, minor };
  return forbiddenDetail(evaluatePod({ level, version }, meta, { containers: [], ...spec } as PodSpec));
}

describe("pod security checks", () => {
  const cases: [string, "baseline" | "restricted", Partial<PodSpec>, string, ObjectMeta?][] = [
    ["privileged in two containers", "baseline", { initContainers: [c("i", { securityContext: { privileged: true } })], containers: [c("a", { securityContext: { privileged: true } }), c("b")] }, 'privileged (containers "i", "a" must not set securityContext.privileged=true)'],
    ["host ports, sorted as text", "baseline", { containers: [c("a", { ports: [{ containerPort: 1, hostPort: 8080 }, { containerPort: 2, hostPort: 443 }] }), c("b", { ports: [{ containerPort: 3, hostPort: 80 }] })] }, 'hostPort (containers "a", "b" use hostPorts 443, 80, 8080)'],
    ["SELinux type, user and role", "baseline", { securityContext: { seLinuxOptions: { type: "spc_t", user: "u" } }, containers: [c("a", { securityContext: { seLinuxOptions: { role: "r" } } })] }, 'seLinuxOptions (pod and container "a" set forbidden securityContext.seLinuxOptions: type "spc_t"; user may not be set; role may not be set)'],
    ["procMount Unmasked", "baseline", { containers: [c("a", { securityContext: { procMount: "Unmasked" } })] }, 'procMount (container "a" must not set securityContext.procMount to "Unmasked")'],
    ["seccomp Unconfined on the pod and a container", "baseline", { securityContext: { seccompProfile: { type: "Unconfined" } }, containers: [c("a", { securityContext: { seccompProfile: { type: "Unconfined" } } })] }, 'seccompProfile (pod and container "a" must not set securityContext.seccompProfile.type to "Unconfined")'],
    ["AppArmor Unconfined field and annotation", "baseline", { containers: [c("a", { securityContext: { appArmorProfile: { type: "Unconfined" } } })] }, 'forbidden AppArmor profiles (container "a" and annotation must not set AppArmor profile type to "Unconfined", "container.apparmor.security.beta.kubernetes.io/a="unconfined"")', { annotations: { "container.apparmor.security.beta.kubernetes.io/a": "unconfined" } }],
    ["Windows hostProcess", "baseline", { securityContext: { windowsOptions: { hostProcess: true } }, containers: [c("a")] }, "hostProcess (pod must not set securityContext.windowsOptions.hostProcess=true)"],
    ["probe and lifecycle hosts", "baseline", { containers: [c("a", { livenessProbe: { httpGet: { host: "10.0.0.1", port: 80 } }, lifecycle: { preStop: { tcpSocket: { host: "example.com", port: 1 } } } })] }, 'probe or lifecycle host (container "a" uses probe or lifecycle hosts "10.0.0.1", "example.com")'],
    ["safe sysctls pass, others do not", "baseline", { securityContext: { sysctls: [{ name: "net.ipv4.tcp_keepalive_time", value: "1" }, { name: "kernel.shm_rmid_forced", value: "1" }, { name: "vm.swappiness", value: "1" }] } }, "forbidden sysctls (vm.swappiness)"],
    ["restricted volume types", "restricted", { volumes: [{ name: "ok", emptyDir: {} }, { name: "h", hostPath: { path: "/" } }, { name: "n", nfs: { server: "s", path: "/" } }], containers: [c("a", { securityContext: restrictedSC })] }, 'restricted volume types (volumes "h", "n" use restricted volume types "hostPath", "nfs")'],
    ["runAsUser=0 and runAsNonRoot=false", "restricted", { securityContext: { runAsUser: 0, runAsNonRoot: false }, containers: [c("a", { securityContext: { ...restrictedSC, runAsNonRoot: undefined } })] }, "runAsNonRoot != true (pod must not set securityContext.runAsNonRoot=false), runAsUser=0 (pod must not set runAsUser=0)"],
    ["capabilities added beyond NET_BIND_SERVICE", "restricted", { containers: [c("a", { securityContext: { ...restrictedSC, capabilities: { drop: ["ALL"], add: ["NET_BIND_SERVICE", "SYS_TIME"] } } })] }, 'unrestricted capabilities (container "a" must not include "SYS_TIME" in securityContext.capabilities.add)'],
  ];
  for (const [name, level, spec, want, meta] of cases) {
    it(name, () => assert.equal(detail(level, spec, meta), want));
  }

  it("passes a pod that meets restricted, at the pod or container level", () => {
    assert.equal(detail("restricted", { securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } }, containers: [c("a", { securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } } })] }), "");
  });

  it("exempts Windows pods from the Linux-only restricted checks from v1.25 on", () => {
    const spec = { os: { name: "windows" }, securityContext: { runAsNonRoot: true }, containers: [c("a")] };
    assert.equal(detail("restricted", spec), "");
    assert.match(detail("restricted", spec, {}, 24), /^allowPrivilegeEscalation != false/);
  });

  it("applies each check from the version that introduced it", () => {
    const spec = { securityContext: { runAsNonRoot: true, runAsUser: 0, seccompProfile: { type: "RuntimeDefault" } }, containers: [c("a", { securityContext: { allowPrivilegeEscalation: false } })] };
    assert.equal(detail("restricted", spec, {}, 21), "");
    assert.equal(detail("restricted", spec, {}, 22), 'unrestricted capabilities (container "a" must set securityContext.capabilities.drop=["ALL"])');
    assert.match(detail("restricted", spec, {}, 23), /runAsUser=0 \(pod must not set runAsUser=0\)$/);
    assert.equal(detail("baseline", { securityContext: { sysctls: [{ name: "net.ipv4.tcp_rmem", value: "1" }] } }, {}, 31), "forbidden sysctls (net.ipv4.tcp_rmem)");
    assert.equal(detail("baseline", { securityContext: { sysctls: [{ name: "net.ipv4.tcp_rmem", value: "1" }] } }, {}, 32), "");
  });

  it("lets privileged through everything", () => {
    assert.deepEqual(evaluatePod({ level: "privileged", version: latest }, {}, { hostNetwork: true, containers: [c("a", { securityContext: { privileged: true } })] } as PodSpec), []);
  });
});
