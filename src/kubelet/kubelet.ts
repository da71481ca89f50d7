import { setMaxListeners } from "node:events";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { ConfigMap, Node, PersistentVolume, PersistentVolumeClaim, Pod, Secret, Service } from "../api/index.js";
import { EventRecorder, realClock, resource, type Client, type Clock } from "../client/index.js";
import { isApiError } from "../machinery/index.js";
import { readMachineInfo, type MachineInfo } from "./node/machine-info.js";
import { NodeAgent } from "./node/node-agent.js";
import type { NodeHealth } from "./node/node-status.js";
import { parseResolvConf, type DnsSettings } from "./pods/dns.js";
import { PodManager } from "./pods/pod-manager.js";
import { PodSyncer } from "./pods/pod-sync.js";
import { Prober } from "./probes/index.js";
import type { ContainerRuntime } from "./runtime/index.js";
import { TokenManager, VolumeManager } from "./volumes/index.js";

const configMaps = resource<ConfigMap>("", "v1", "configmaps", "ConfigMap", true);
const secrets = resource<Secret>("", "v1", "secrets", "Secret", true);
const services = resource<Service>("", "v1", "services", "Service", true);

export interface KubeletOptions {
  client: Client;
  runtime: ContainerRuntime;
  nodeName: string;
  /** Pod directories (volumes, etc-hosts) under `<dataDir>/pods`. */
  dataDir: string;
  signal: AbortSignal;
  clock?: Clock;
  /** --cluster-dns: the cluster DNS service IPs (none until the DNS issue lands). */
  clusterDNS?: string[];
  clusterDomain?: string;
  /** --pod-cidr: otherwise kept from the Node or picked as 10.244.<n>.0/24. */
  podCidr?: string;
  /** Without --pod-cidr, wait for the node IPAM controller to set spec.podCIDR (real agents) instead of picking one. */
  podCidrFromController?: boolean;
  /** --node-ip: the InternalIP (default: the first non-loopback IPv4). */
  nodeIP?: string;
  /** Root of pod log directories (default `<dataDir>/logs/pods`; upstream /var/log/pods). */
  logRoot?: string;
  /** Node labels besides the well-known ones. */
  labels?: Record<string, string>;
  /** Machine facts (tests pass their own). */
  machine?: MachineInfo;
  /** Whether the pod network (CNI) is in place; default: the runtime's NetworkReady condition. */
  networkReady?: () => boolean;
  /** emptyDir medium Memory as tmpfs (default true). */
  tmpfs?: boolean;
  podWorkers?: number;
  /** The port of the kubelet's HTTPS server (logs, exec…), reported in the Node's daemonEndpoints. */
  kubeletPort?: number;
  /** Called once the Node is registered, before pods start (the agent writes the CNI config for spec.podCIDR here). */
  onRegistered?: (node: Node) => Promise<void> | void;
  onError?: (err: unknown) => void;
}

export interface RunningKubelet {
  /** The registered Node (spec.podCIDR set). */
  node: Node;
  nodeAgent: NodeAgent;
  podManager: PodManager;
  /** Resolves once `signal` has aborted and every loop has stopped (pods keep running). */
  done: Promise<void>;
}

/**
 * Starts the node agent: registers the Node, then runs the Lease renewer, node status
 * updates and the pod workers until `signal` aborts. Stopping the agent leaves pods
 * running; the next start re-adopts them.
 *
 *   const kubelet = await startKubelet({ client, runtime, nodeName: "node-1", dataDir, signal });
 *   kubelet.node.spec?.podCIDR; // "10.244.0.0/24"
 *   await kubelet.done;
 */
export async function startKubelet(options: KubeletOptions): Promise<RunningKubelet> {
  const { client, runtime, nodeName, signal } = options;
  const clock = options.clock ?? realClock;
  // Every loop, worker and probe sleeps on this one signal; that many listeners is by design.
  setMaxListeners(0, signal);
  const onError = options.onError ?? ((err: unknown) => console.error(`k8ts kubelet: ${err instanceof Error ? err.message : String(err)}`));
  const machine = options.machine ?? (await readMachineInfo({ dataDir: options.dataDir, nodeIP: options.nodeIP }));

  const health = async (): Promise<NodeHealth> => {
    try {
      const st = await runtime.status({}, { timeoutMs: 5000 });
      const conds = st.status?.conditions ?? [];
      const rt = conds.find((c) => c.type === "RuntimeReady");
      const net = conds.find((c) => c.type === "NetworkReady");
      const networkReady = options.networkReady ? options.networkReady() : net?.status !== false;
      return {
        runtimeReady: rt?.status !== false,
        runtimeMessage: rt?.status === false ? `container runtime is down: ${rt.reason} ${rt.message}`.trim() : undefined,
        networkReady,
        memoryPressure: false,
        diskPressure: false,
        pidPressure: false,
      };
    } catch (err) {
      return { runtimeReady: false, runtimeMessage: `container runtime is down: ${err instanceof Error ? err.message : String(err)}`, networkReady: false, memoryPressure: false, diskPressure: false, pidPressure: false };
    }
  };
  const runtimeVersion = async () => {
    const v = await runtime.version({}).catch(() => undefined);
    return v ? `${v.runtimeName}://${v.runtimeVersion}` : "";
  };

  const nodeAgent = new NodeAgent({ client, nodeName, machine, health, containerRuntimeVersion: runtimeVersion, podCidr: options.podCidr, podCidrFromController: options.podCidrFromController, labels: options.labels, kubeletPort: options.kubeletPort, clock, onError });
  const node = await nodeAgent.register(signal);
  await options.onRegistered?.(node);

  const recorder = new EventRecorder({ client, component: "kubelet", host: nodeName, clock, onError: () => undefined });
  const events = (pod: Pod, type: "Normal" | "Warning", reason: string, message: string) => recorder.event({ ...pod, apiVersion: "v1", kind: "Pod" }, type, reason, message);
  const getOrUndefined = async <T>(p: Promise<T>): Promise<T | undefined> => {
    try {
      return await p;
    } catch (err) {
      if (isApiError(err, "NotFound")) return undefined;
      throw err;
    }
  };
  const allocatable = () => nodeAgent.current()?.status?.allocatable ?? {};

  // Projected service-account tokens: bound to their pod, reused until 80% of their life (token manager).
  const tokens = new TokenManager({
    clock,
    request: async (namespace, serviceAccount, spec) => {
      const req = { apiVersion: "authentication.k8s.io/v1", kind: "TokenRequest", spec };
      const res = await client.createSubresource<{ status?: { token?: string; expirationTimestamp?: string } }>(resource("", "v1", "serviceaccounts", "ServiceAccount", true), serviceAccount, req, { namespace, subresource: "token" });
      if (!res.status?.token || !res.status.expirationTimestamp) throw new Error("the TokenRequest answer has no token");
      return { token: res.status.token, expirationTimestamp: res.status.expirationTimestamp };
    },
  });
  const volumes = new VolumeManager({
    dataDir: options.dataDir,
    nodeAllocatable: allocatable,
    tmpfs: options.tmpfs,
    onWarning: (pod, reason, message) => events(pod, "Warning", reason, message),
    sources: {
      configMap: (ns, name) => getOrUndefined(client.get(configMaps, name, { namespace: ns })),
      secret: (ns, name) => getOrUndefined(client.get(secrets, name, { namespace: ns })),
      serviceAccountToken: (pod, audience, expirationSeconds) => tokens.get(pod, audience, expirationSeconds),
      forgetPod: (uid) => tokens.forgetPod(uid),
      async persistentVolumeClaim(ns, name) {
        const claim = await getOrUndefined(client.get(resource<PersistentVolumeClaim>("", "v1", "persistentvolumeclaims", "PersistentVolumeClaim", true), name, { namespace: ns }));
        const volumeName = claim?.spec?.volumeName;
        const volume = volumeName ? await getOrUndefined(client.get(resource<PersistentVolume>("", "v1", "persistentvolumes", "PersistentVolume", false), volumeName)) : undefined;
        return { claim, volume };
      },
    },
  });

  let podManager: PodManager | undefined;
  const prober = new Prober({ runtime, clock, onChange: (uid) => podManager?.wake(uid), onEvent: (pod, reason, message) => events(pod, "Warning", reason, message) });
  const hostResolv = parseResolvConf(await readFile("/etc/resolv.conf", "utf8").catch(() => ""));
  const dns: DnsSettings = { clusterDNS: options.clusterDNS ?? [], clusterDomain: options.clusterDomain ?? "cluster.local", host: hostResolv };
  const syncer = new PodSyncer({
    client,
    runtime,
    clock,
    volumes,
    prober,
    events,
    dns,
    logRoot: options.logRoot ?? join(options.dataDir, "logs", "pods"),
    hostIP: () => machine.internalIP,
    envSources: async (pod) => {
      const ns = pod.metadata.namespace ?? "default";
      const cms = new Map<string, ConfigMap | undefined>();
      const secs = new Map<string, Secret | undefined>();
      const names = (kind: "configMap" | "secret") => {
        const out = new Set<string>();
        for (const c of [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])]) {
          for (const e of c.env ?? []) {
            const n = kind === "configMap" ? e.valueFrom?.configMapKeyRef?.name : e.valueFrom?.secretKeyRef?.name;
            if (n) out.add(n);
          }
          for (const f of c.envFrom ?? []) {
            const n = kind === "configMap" ? f.configMapRef?.name : f.secretRef?.name;
            if (n) out.add(n);
          }
        }
        return out;
      };
      for (const n of names("configMap")) cms.set(n, await getOrUndefined(client.get(configMaps, n, { namespace: ns })));
      for (const n of names("secret")) secs.set(n, await getOrUndefined(client.get(secrets, n, { namespace: ns })));
      const svcList = pod.spec?.enableServiceLinks === false ? [] : (await client.list(services, { namespace: ns })).items;
      const master = await getOrUndefined(client.get(services, "kubernetes", { namespace: "default" }));
      return { configMap: (n) => cms.get(n), secret: (n) => secs.get(n), services: svcList, masterService: master, nodeAllocatable: allocatable() };
    },
  });
  podManager = new PodManager({ client, runtime, syncer, nodeName, clock, workers: options.podWorkers, onError });

  const done = Promise.all([nodeAgent.run(signal), podManager.run(signal)]).then(async () => {
    prober.stopAll();
    await recorder.flush().catch(() => undefined);
  });
  return { node, nodeAgent, podManager, done };
}
