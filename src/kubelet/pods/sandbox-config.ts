import type { Pod } from "../../api/index.js";
import { NamespaceMode, Protocol, type PodSandboxConfig, type PortMapping } from "../runtime/index.js";
import type { PodDnsConfig } from "./dns.js";
import { gracePeriodAnnotation, podNameLabel, podNamespaceLabel, podUidLabel } from "./labels.js";

/** The pod's log directory, as upstream's /var/log/pods/<namespace>_<name>_<uid>. */
export function podLogDirectory(logRoot: string, pod: Pod): string {
  return `${logRoot}/${pod.metadata.namespace}_${pod.metadata.name}_${pod.metadata.uid}`;
}

/** The cgroup parent of a pod (cgroupfs driver). */
export function podCgroupParent(uid: string): string {
  return `/k8ts/pod${uid}`;
}

/** The sandbox config of a pod (kuberuntime_sandbox.go generatePodSandboxConfig). */
export function sandboxConfig(pod: Pod, opts: { attempt: number; logRoot: string; dns: PodDnsConfig }): PodSandboxConfig {
  const spec = pod.spec;
  const hostNetwork = spec?.hostNetwork === true;
  const labels: Record<string, string> = {
    ...pod.metadata.labels,
    [podNameLabel]: pod.metadata.name ?? "",
    [podNamespaceLabel]: pod.metadata.namespace ?? "",
    [podUidLabel]: pod.metadata.uid ?? "",
  };
  const annotations: Record<string, string> = { ...pod.metadata.annotations };
  if (spec?.terminationGracePeriodSeconds !== undefined) annotations[gracePeriodAnnotation] = String(spec.terminationGracePeriodSeconds);
  const sc = spec?.securityContext;
  return {
    metadata: { name: pod.metadata.name ?? "", uid: pod.metadata.uid ?? "", namespace: pod.metadata.namespace ?? "", attempt: opts.attempt },
    hostname: hostNetwork ? "" : podHostname(pod),
    logDirectory: podLogDirectory(opts.logRoot, pod),
    dnsConfig: opts.dns,
    portMappings: portMappings(pod),
    labels,
    annotations,
    linux: {
      cgroupParent: podCgroupParent(pod.metadata.uid ?? ""),
      securityContext: {
        namespaceOptions: {
          network: hostNetwork ? NamespaceMode.NODE : NamespaceMode.POD,
          pid: spec?.hostPID ? NamespaceMode.NODE : spec?.shareProcessNamespace ? NamespaceMode.POD : NamespaceMode.CONTAINER,
          ipc: spec?.hostIPC ? NamespaceMode.NODE : NamespaceMode.POD,
        },
        runAsUser: sc?.runAsUser !== undefined ? { value: sc.runAsUser } : undefined,
        runAsGroup: sc?.runAsGroup !== undefined ? { value: sc.runAsGroup } : undefined,
        supplementalGroups: sc?.supplementalGroups,
        privileged: (spec?.containers ?? []).some((c) => c.securityContext?.privileged) || (spec?.initContainers ?? []).some((c) => c.securityContext?.privileged),
      },
      sysctls: Object.fromEntries((sc?.sysctls ?? []).map((s) => [s.name, s.value])),
    },
  };
}

/** The pod's hostname: spec.hostname or the pod name, cut to 63 characters (GeneratePodHostNameAndDomain). */
export function podHostname(pod: Pod): string {
  const name = pod.spec?.hostname || pod.metadata.name || "";
  return name.length > 63 ? name.slice(0, 63).replace(/[-.]+$/, "") : name;
}

/** hostPort mappings of every container port that names one (hostNetwork: the port is the host's already). */
export function portMappings(pod: Pod): PortMapping[] {
  const out: PortMapping[] = [];
  if (pod.spec?.hostNetwork) return out;
  for (const c of pod.spec?.containers ?? []) {
    for (const p of c.ports ?? []) {
      if (!p.hostPort) continue;
      out.push({ protocol: protocolOf(p.protocol), containerPort: p.containerPort, hostPort: p.hostPort, hostIp: p.hostIP ?? "" });
    }
  }
  return out;
}

function protocolOf(p: string | undefined): Protocol {
  return p === "UDP" ? Protocol.UDP : p === "SCTP" ? Protocol.SCTP : Protocol.TCP;
}
