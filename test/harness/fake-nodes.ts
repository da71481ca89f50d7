import type { KubeObject } from "../../src/api/index.js";
import { Client, Informer, resources } from "../../src/client/index.js";
import { isApiError } from "../../src/machinery/index.js";

/**
 * Stand-in kubelets for control-loop tests (named as fakes: real containers come with the
 * node agent): each fake node registers a Ready Node, renews its Lease in kube-node-lease,
 * turns pods bound to it Running and Ready (or Succeeded/Failed, as `podOutcome` says),
 * and finishes graceful deletions as a kubelet would. `stop(name)` makes a node go silent,
 * as a crashed machine does.
 */
export interface FakeNodesOptions {
  client: Client;
  names: string[];
  cpu?: string;
  memory?: string;
  pods?: string;
  labels?: Record<string, string>;
  /** What happens to a pod bound to a fake node; default "run" (Running and Ready forever). */
  podOutcome?: (pod: KubeObject) => "run" | "succeed" | "fail";
  /** How long a "succeed"/"fail" pod runs first. */
  runMs?: number;
  leaseRenewMs?: number;
}

export interface FakeNodes {
  /** The node stops renewing its Lease and stops touching its pods. */
  stop(name: string): void;
  /** Ends every fake node (their Node objects stay). */
  close(): Promise<void>;
}

const nowTime = () => new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
const microTime = () => new Date().toISOString().replace(/Z$/, "000Z");

export async function startFakeNodes(options: FakeNodesOptions): Promise<FakeNodes> {
  const { client } = options;
  const stop = new AbortController();
  const silent = new Set<string>();
  const names = new Set(options.names);
  for (const [i, name] of options.names.entries()) {
    await registerNode(client, name, i, options);
  }
  const renew = async () => {
    for (const name of names) {
      if (silent.has(name)) continue;
      await renewLease(client, name).catch(() => undefined);
    }
  };
  await renew();
  const leaseTimer = setInterval(() => void renew(), options.leaseRenewMs ?? 5000);

  const pods = new Informer({ client, resource: resources.pods });
  const handled = new Set<string>();
  const onPod = (pod: KubeObject) => {
    const node = (pod.spec as { nodeName?: string }).nodeName;
    if (!node || !names.has(node) || silent.has(node) || stop.signal.aborted) return;
    const key = `${pod.metadata.namespace}/${pod.metadata.name}/${pod.metadata.uid}`;
    if (pod.metadata.deletionTimestamp) {
      void client.delete(resources.pods, pod.metadata.name!, { namespace: pod.metadata.namespace, gracePeriodSeconds: 0 }).catch(() => undefined);
      return;
    }
    const phase = (pod.status as { phase?: string } | undefined)?.phase;
    if (handled.has(key) || phase === "Succeeded" || phase === "Failed") return;
    handled.add(key);
    void runPod(client, pod, node, options, stop.signal).catch(() => handled.delete(key));
  };
  pods.addHandler({ add: onPod, update: (_, p) => onPod(p) });
  const informerDone = pods.start(stop.signal);
  await pods.waitForSync(stop.signal);

  return {
    stop(name) {
      silent.add(name);
    },
    async close() {
      clearInterval(leaseTimer);
      stop.abort();
      await informerDone.catch(() => undefined);
    },
  };
}

async function registerNode(client: Client, name: string, index: number, options: FakeNodesOptions): Promise<void> {
  const capacity = { cpu: options.cpu ?? "4", memory: options.memory ?? "8Gi", pods: options.pods ?? "110" };
  const node: KubeObject = {
    apiVersion: "v1",
    kind: "Node",
    metadata: { name, labels: { "kubernetes.io/hostname": name, "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64", ...options.labels } },
    spec: {},
    status: {
      capacity,
      allocatable: capacity,
      conditions: [{ type: "Ready", status: "True", reason: "KubeletReady", message: "fake kubelet is posting ready status", lastHeartbeatTime: nowTime(), lastTransitionTime: nowTime() }],
      addresses: [
        { type: "InternalIP", address: `10.0.0.${index + 10}` },
        { type: "Hostname", address: name },
      ],
      nodeInfo: { kubeletVersion: "v1.35.0", kubeProxyVersion: "v1.35.0", operatingSystem: "linux", architecture: "amd64", containerRuntimeVersion: "fake://1", osImage: "fake", kernelVersion: "fake", machineID: name, systemUUID: name, bootID: name },
    },
  };
  try {
    await client.create(resources.nodes, node);
  } catch (err) {
    if (!isApiError(err, "AlreadyExists")) throw err;
  }
}

async function renewLease(client: Client, name: string): Promise<void> {
  const spec = { holderIdentity: name, leaseDurationSeconds: 40, renewTime: microTime() };
  try {
    await client.patch(resources.leases, name, { spec }, { namespace: "kube-node-lease", type: "merge" });
  } catch (err) {
    if (!isApiError(err, "NotFound")) throw err;
    await client.create(resources.leases, { apiVersion: "coordination.k8s.io/v1", kind: "Lease", metadata: { name, namespace: "kube-node-lease" }, spec });
  }
}

let podIpCounter = 0;

async function runPod(client: Client, pod: KubeObject, node: string, options: FakeNodesOptions, signal: AbortSignal): Promise<void> {
  const containers = ((pod.spec as { containers?: { name: string; image: string }[] }).containers ?? []).map((c) => c.name);
  const images = Object.fromEntries(((pod.spec as { containers?: { name: string; image: string }[] }).containers ?? []).map((c) => [c.name, c.image]));
  const started = nowTime();
  podIpCounter++;
  const podIP = `10.244.${Math.floor(podIpCounter / 250) % 250}.${(podIpCounter % 250) + 2}`;
  const condition = (type: string, status: string) => ({ type, status, lastProbeTime: null, lastTransitionTime: started });
  const running = {
    phase: "Running",
    hostIP: `10.0.0.1`,
    podIP,
    podIPs: [{ ip: podIP }],
    startTime: started,
    conditions: [condition("PodReadyToStartContainers", "True"), condition("Initialized", "True"), condition("Ready", "True"), condition("ContainersReady", "True"), condition("PodScheduled", "True")],
    containerStatuses: containers.map((name) => ({ name, ready: true, started: true, restartCount: 0, image: images[name], imageID: `fake://${images[name]}`, containerID: `fake://${pod.metadata.uid}-${name}`, state: { running: { startedAt: started } } })),
  };
  await client.patch(resources.pods, pod.metadata.name!, { status: running }, { namespace: pod.metadata.namespace, type: "merge", subresource: "status" });
  const outcome = options.podOutcome?.(pod) ?? "run";
  if (outcome === "run") return;
  await new Promise((r) => setTimeout(r, options.runMs ?? 200));
  if (signal.aborted) return;
  const exitCode = outcome === "succeed" ? 0 : 1;
  const finished = nowTime();
  const terminated = {
    phase: outcome === "succeed" ? "Succeeded" : "Failed",
    conditions: [condition("PodReadyToStartContainers", "False"), condition("Initialized", "True"), condition("Ready", "False"), condition("ContainersReady", "False"), condition("PodScheduled", "True")],
    containerStatuses: containers.map((name) => ({
      name,
      ready: false,
      started: false,
      restartCount: 0,
      image: images[name],
      imageID: `fake://${images[name]}`,
      containerID: `fake://${pod.metadata.uid}-${name}`,
      state: { terminated: { exitCode, reason: exitCode === 0 ? "Completed" : "Error", startedAt: started, finishedAt: finished } },
    })),
  };
  await client.patch(resources.pods, pod.metadata.name!, { status: terminated }, { namespace: pod.metadata.namespace, type: "merge", subresource: "status" });
}
