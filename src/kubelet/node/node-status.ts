import type { Node, NodeCondition, NodeStatus } from "../../api/index.js";
import type { MachineInfo } from "./machine-info.js";

/** The version the kubelet reports in nodeInfo.kubeletVersion. */
export const kubeletVersion = "v1.35.0-k8ts";
/** Upstream's default --max-pods. */
export const defaultMaxPods = 110;
/** The kubelet's port, reported in daemonEndpoints. */
export const kubeletPort = 10250;

/** Signals that feed the node's conditions, sampled on each status tick. */
export interface NodeHealth {
  /** Runtime and network readiness; a message when not ready (upstream's "container runtime network not ready: …"). */
  runtimeReady: boolean;
  runtimeMessage?: string;
  memoryPressure: boolean;
  diskPressure: boolean;
  pidPressure: boolean;
  /** The pod network (CNI config) is in place. */
  networkReady: boolean;
}

export interface NodeStatusInput {
  machine: MachineInfo;
  health: NodeHealth;
  containerRuntimeVersion: string;
  maxPods?: number;
  /** The port of the kubelet's HTTPS server (default 10250). */
  kubeletPort?: number;
  /** Time of this tick, RFC 3339. */
  now: string;
  /** The conditions last written, so lastTransitionTime only moves on a change. */
  previous?: NodeCondition[];
}

// Upstream's default hard eviction thresholds (memory.available<100Mi, nodefs.available<10%)
// are subtracted from capacity to give allocatable, as the kubelet's node allocatable does.
const evictionMemoryBytes = 100 * 1024 * 1024;

/** The node's status as the kubelet computes it (pkg/kubelet/nodestatus/setters.go). */
export function computeNodeStatus(input: NodeStatusInput): NodeStatus {
  const { machine } = input;
  const capacity: Record<string, string> = {
    cpu: String(machine.cpus),
    memory: `${Math.floor(machine.memoryBytes / 1024)}Ki`,
    pods: String(input.maxPods ?? defaultMaxPods),
    "ephemeral-storage": `${Math.floor(machine.ephemeralStorageBytes / 1024)}Ki`,
    "hugepages-1Gi": "0",
    "hugepages-2Mi": "0",
  };
  const allocatable: Record<string, string> = {
    ...capacity,
    memory: `${Math.floor(Math.max(0, machine.memoryBytes - evictionMemoryBytes) / 1024)}Ki`,
    "ephemeral-storage": String(Math.floor(machine.ephemeralStorageBytes * 0.9)),
  };
  const addresses = [];
  if (machine.internalIP) addresses.push({ type: "InternalIP", address: machine.internalIP });
  addresses.push({ type: "Hostname", address: machine.hostname });
  return {
    capacity,
    allocatable,
    conditions: computeNodeConditions(input),
    addresses,
    daemonEndpoints: { kubeletEndpoint: { Port: input.kubeletPort ?? kubeletPort } },
    nodeInfo: {
      machineID: machine.machineID,
      systemUUID: machine.systemUUID,
      bootID: machine.bootID,
      kernelVersion: machine.kernelVersion,
      osImage: machine.osImage,
      containerRuntimeVersion: input.containerRuntimeVersion,
      kubeletVersion,
      kubeProxyVersion: "",
      operatingSystem: machine.operatingSystem,
      architecture: machine.architecture,
    },
  };
}

interface ConditionSpec {
  type: string;
  status: "True" | "False";
  reason: string;
  message: string;
}

/** The conditions with upstream's reasons and messages (setters.go ReadyCondition, MemoryPressureCondition…). */
export function computeNodeConditions(input: NodeStatusInput): NodeCondition[] {
  const h = input.health;
  const specs: ConditionSpec[] = [
    h.memoryPressure
      ? { type: "MemoryPressure", status: "True", reason: "KubeletHasInsufficientMemory", message: "kubelet has insufficient memory available" }
      : { type: "MemoryPressure", status: "False", reason: "KubeletHasSufficientMemory", message: "kubelet has sufficient memory available" },
    h.diskPressure
      ? { type: "DiskPressure", status: "True", reason: "KubeletHasDiskPressure", message: "kubelet has disk pressure" }
      : { type: "DiskPressure", status: "False", reason: "KubeletHasNoDiskPressure", message: "kubelet has no disk pressure" },
    h.pidPressure
      ? { type: "PIDPressure", status: "True", reason: "KubeletHasInsufficientPID", message: "kubelet has insufficient PID available" }
      : { type: "PIDPressure", status: "False", reason: "KubeletHasSufficientPID", message: "kubelet has sufficient PID available" },
    readyCondition(h),
    h.networkReady
      ? { type: "NetworkUnavailable", status: "False", reason: "RouteCreated", message: "the k8ts agent configured the pod network (CNI bridge)" }
      : { type: "NetworkUnavailable", status: "True", reason: "NoRouteCreated", message: "the pod network (CNI config) is not in place yet" },
  ];
  return specs.map((s) => {
    const prev = input.previous?.find((c) => c.type === s.type);
    const lastTransitionTime = prev && prev.status === s.status && prev.lastTransitionTime ? prev.lastTransitionTime : input.now;
    return { ...s, lastHeartbeatTime: input.now, lastTransitionTime };
  });
}

function readyCondition(h: NodeHealth): ConditionSpec {
  if (!h.runtimeReady) {
    return { type: "Ready", status: "False", reason: "KubeletNotReady", message: h.runtimeMessage ?? "container runtime is down" };
  }
  if (!h.networkReady) {
    return { type: "Ready", status: "False", reason: "KubeletNotReady", message: "container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized" };
  }
  return { type: "Ready", status: "True", reason: "KubeletReady", message: "kubelet is posting ready status" };
}

/**
 * Whether a freshly computed status differs from the stored one in anything but heartbeat
 * times (upstream writes on change, and otherwise every nodeStatusReportFrequency).
 */
export function nodeStatusChanged(stored: NodeStatus | undefined, fresh: NodeStatus): boolean {
  return JSON.stringify(stripHeartbeats(stored)) !== JSON.stringify(stripHeartbeats(fresh));
}

function stripHeartbeats(status: NodeStatus | undefined): unknown {
  if (!status) return undefined;
  const { conditions, images: _images, ...rest } = status;
  const conds = [...(conditions ?? [])]
    .map((c) => ({ type: c.type, status: c.status, reason: c.reason, message: c.message }))
    .sort((a, b) => a.type.localeCompare(b.type));
  return sortKeys({ ...rest, conditions: conds });
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) out[k] = sortKeys((v as Record<string, unknown>)[k]);
    return out;
  }
  return v;
}

/** Pick 10.244.<n>.0/24 with the smallest n no other node holds (upstream's node IPAM does this in the controller manager). */
export function pickPodCidr(nodes: Node[], self: string): string {
  const mine = nodes.find((n) => n.metadata.name === self)?.spec?.podCIDR;
  if (mine) return mine;
  const used = new Set<number>();
  for (const n of nodes) {
    const m = /^10\.244\.(\d+)\.0\/24$/.exec(n.spec?.podCIDR ?? "");
    if (m) used.add(Number(m[1]));
  }
  let i = 0;
  while (used.has(i)) i++;
  return `10.244.${i}.0/24`;
}
