import type { Container, Pod } from "../../api/index.js";
import { parseQuantity } from "../../machinery/index.js";
import type { ContainerConfig, LinuxContainerResources, LinuxContainerSecurityContext, Mount } from "../runtime/index.js";
import { MountPropagation, NamespaceMode } from "../runtime/index.js";
import type { MountedVolume } from "../volumes/index.js";
import { ContainerConfigError, expand } from "./env.js";
import {
  containerNameLabel,
  containerRestartCountAnnotation,
  containerTypeAnnotation,
  gracePeriodAnnotation,
  podNameLabel,
  podNamespaceLabel,
  podUidLabel,
  terminationMessagePathAnnotation,
  terminationMessagePolicyAnnotation,
} from "./labels.js";

export interface ContainerConfigInput {
  pod: Pod;
  container: Container;
  kind: "init" | "app";
  restartCount: number;
  env: Array<{ key: string; value: string }>;
  volumes: Map<string, MountedVolume>;
  /** The kubelet-managed /etc/hosts of the pod (absent for hostNetwork pods). */
  etcHostsPath?: string;
  /** A file on the node bound at terminationMessagePath. */
  terminationMessageHostPath?: string;
}

/** The CRI container config (kuberuntime_container.go generateContainerConfig). */
export function containerConfig(input: ContainerConfigInput): ContainerConfig {
  const { pod, container: c } = input;
  const lookup = new Map(input.env.map((e) => [e.key, e.value]));
  const get = (name: string) => lookup.get(name);
  const annotations: Record<string, string> = {
    [containerRestartCountAnnotation]: String(input.restartCount),
    [terminationMessagePathAnnotation]: c.terminationMessagePath ?? "/dev/termination-log",
    [terminationMessagePolicyAnnotation]: c.terminationMessagePolicy ?? "File",
    [containerTypeAnnotation]: input.kind,
  };
  if (pod.spec?.terminationGracePeriodSeconds !== undefined) annotations[gracePeriodAnnotation] = String(pod.spec.terminationGracePeriodSeconds);
  return {
    metadata: { name: c.name, attempt: input.restartCount },
    image: { image: c.image ?? "" },
    command: (c.command ?? []).map((s) => expand(s, get)),
    args: (c.args ?? []).map((s) => expand(s, get)),
    workingDir: c.workingDir ?? "",
    envs: input.env,
    mounts: containerMounts(input),
    labels: {
      [podNameLabel]: pod.metadata.name ?? "",
      [podNamespaceLabel]: pod.metadata.namespace ?? "",
      [podUidLabel]: pod.metadata.uid ?? "",
      [containerNameLabel]: c.name,
    },
    annotations,
    logPath: `${c.name}/${input.restartCount}.log`,
    stdin: c.stdin ?? false,
    stdinOnce: c.stdinOnce ?? false,
    tty: c.tty ?? false,
    linux: { resources: linuxResources(c), securityContext: securityContext(pod, c) },
  };
}

function containerMounts(input: ContainerConfigInput): Mount[] {
  const { container: c } = input;
  const out: Mount[] = [];
  for (const m of c.volumeMounts ?? []) {
    const vol = input.volumes.get(m.name);
    if (!vol) throw new ContainerConfigError(`cannot find volume "${m.name}" to mount into container "${c.name}"`);
    let hostPath = vol.hostPath;
    const sub = m.subPathExpr ? expand(m.subPathExpr, (n) => input.env.find((e) => e.key === n)?.value) : m.subPath;
    if (sub) {
      if (sub.startsWith("/") || sub.split("/").includes("..")) throw new ContainerConfigError(`invalid subpath "${sub}"`);
      hostPath = `${vol.hostPath}/${sub}`;
    }
    out.push({
      containerPath: m.mountPath,
      hostPath,
      readonly: m.readOnly === true || vol.readOnly,
      propagation: m.mountPropagation === "Bidirectional" ? MountPropagation.PROPAGATION_BIDIRECTIONAL : m.mountPropagation === "HostToContainer" ? MountPropagation.PROPAGATION_HOST_TO_CONTAINER : MountPropagation.PROPAGATION_PRIVATE,
    });
  }
  const mounted = new Set(out.map((m) => m.containerPath));
  if (input.etcHostsPath && !mounted.has("/etc/hosts")) out.push({ containerPath: "/etc/hosts", hostPath: input.etcHostsPath, readonly: false });
  const tmp = c.terminationMessagePath ?? "/dev/termination-log";
  if (input.terminationMessageHostPath && tmp && !mounted.has(tmp)) out.push({ containerPath: tmp, hostPath: input.terminationMessageHostPath, readonly: false });
  return out;
}

/** Upstream's cgroup arithmetic (pkg/kubelet/cm/helpers_linux.go): shares from requests, CFS quota from limits. */
export const cpuPeriodUs = 100_000;
const minShares = 2;
const maxShares = 262_144;

export function linuxResources(c: Container): LinuxContainerResources {
  const out: LinuxContainerResources = {};
  const reqCpu = c.resources?.requests?.cpu ?? c.resources?.limits?.cpu;
  const milliReq = reqCpu ? parseQuantity(reqCpu).milliValue() : 0;
  out.cpuShares = milliReq === 0 ? minShares : Math.min(maxShares, Math.max(minShares, Math.floor((milliReq * 1024) / 1000)));
  const limCpu = c.resources?.limits?.cpu;
  if (limCpu) {
    const milli = parseQuantity(limCpu).milliValue();
    out.cpuPeriod = cpuPeriodUs;
    out.cpuQuota = Math.max(1000, Math.floor((milli * cpuPeriodUs) / 1000));
  }
  const limMem = c.resources?.limits?.memory;
  if (limMem) out.memoryLimitInBytes = String(parseQuantity(limMem).value());
  return out;
}

function securityContext(pod: Pod, c: Container): LinuxContainerSecurityContext {
  const psc = pod.spec?.securityContext;
  const sc = c.securityContext;
  const out: LinuxContainerSecurityContext = {
    privileged: sc?.privileged ?? false,
    readonlyRootfs: sc?.readOnlyRootFilesystem ?? false,
    namespaceOptions: {
      network: pod.spec?.hostNetwork ? NamespaceMode.NODE : NamespaceMode.POD,
      pid: pod.spec?.hostPID ? NamespaceMode.NODE : pod.spec?.shareProcessNamespace ? NamespaceMode.POD : NamespaceMode.CONTAINER,
      ipc: pod.spec?.hostIPC ? NamespaceMode.NODE : NamespaceMode.POD,
    },
    noNewPrivs: sc?.allowPrivilegeEscalation === false,
    supplementalGroups: psc?.supplementalGroups,
  };
  const uid = sc?.runAsUser ?? psc?.runAsUser;
  if (uid !== undefined) out.runAsUser = { value: uid };
  const gid = sc?.runAsGroup ?? psc?.runAsGroup;
  if (gid !== undefined) out.runAsGroup = { value: gid };
  if (sc?.capabilities) out.capabilities = { addCapabilities: sc.capabilities.add ?? [], dropCapabilities: sc.capabilities.drop ?? [] };
  return out;
}
