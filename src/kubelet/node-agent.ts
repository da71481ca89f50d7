import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { Client } from "../client/index.js";
import { ensureBuiltinImages, ensureHelmImage } from "./images/index.js";
import { startKubelet, type RunningKubelet } from "./kubelet.js";
import { startKubeletServer, type RunningKubeletServer } from "./server/index.js";
import type { Registry } from "prom-client";
import { SummaryService, criStatsProvider } from "./stats/index.js";
import { agentMetrics } from "./agent-metrics.js";
import { linkMtuOf, podMtuFor, startMasquerade, startPodNetwork, type NetworkBackend } from "./network/index.js";
import { CriRuntime, ManagedContainerd, MissingPrerequisitesError, checkNodePrerequisites, containerdPaths, findExecutable, writeCniConfig } from "./runtime/index.js";

export interface NodeAgentProcessOptions {
  client: Client;
  nodeName: string;
  /** The agent's state: containerd's files, CNI config and IPAM, pod directories. */
  dataDir: string;
  signal: AbortSignal;
  /** --container-runtime-endpoint: use this CRI socket instead of a private containerd. */
  containerRuntimeEndpoint?: string;
  clusterDNS?: string[];
  /** --cluster-domain (default cluster.local). */
  clusterDomain?: string;
  podCidr?: string;
  nodeIP?: string;
  /** --network-backend: routes to the other nodes' pod CIDRs (default auto: host-gw on a shared link, VXLAN otherwise; none: leave it to another CNI). */
  networkBackend?: NetworkBackend;
  /** The kubelet's HTTPS server (logs, exec, attach, port-forward); none when absent. */
  server?: { tls: { key: string; cert: string; ca: string }; host?: string; port?: number };
  /** Registries served beside the kubelet's on the kubelet port's /metrics (proxy, process). */
  metricsRegistries?: Registry[];
  log?: (line: string) => void;
}

export interface RunningNodeAgent {
  kubelet: RunningKubelet;
  /** Resolves when `signal` aborted and everything stopped (pods keep running in their shims). */
  done: Promise<void>;
  /** Serves a renewed kubelet serving certificate on new connections (no restart). */
  setServingCertificate(tls: { key: string; cert: string }): void;
}

/**
 * The whole node agent on a real machine: checks the prerequisites (one line naming the
 * apt packages), starts or adopts a private containerd (or uses
 * `--container-runtime-endpoint`), connects CRI, imports k8ts's own busybox and pause
 * images, registers the Node, writes the CNI config for its pod CIDR, and runs the kubelet.
 */
export async function startNodeAgent(options: NodeAgentProcessOptions): Promise<RunningNodeAgent> {
  const log = options.log ?? ((line: string) => console.log(line));
  const missing = checkNodePrerequisites({ managedContainerd: !options.containerRuntimeEndpoint });
  if (missing) throw new MissingPrerequisitesError(missing);
  const nodeDir = join(options.dataDir, "agent");
  await mkdir(nodeDir, { recursive: true, mode: 0o700 });

  let containerd: ManagedContainerd | undefined;
  let endpoint = options.containerRuntimeEndpoint;
  if (!endpoint) {
    containerd = new ManagedContainerd({ dataDir: nodeDir, log });
    await containerd.start(options.signal);
    endpoint = containerd.endpoint;
  }
  const runtime = new CriRuntime({ endpoint });
  const version = await runtime.start({ signal: options.signal });
  log(`agent: container runtime ${version.runtimeName} ${version.runtimeVersion} at ${endpoint}`);
  await ensureBuiltinImages({ runtime, endpoint, signal: options.signal });
  // The HelmChart controller's Jobs run k8ts.local/helm: built in the background (helm is ~60 MB), only if a helm binary is found.
  ensureHelmImage({ runtime, endpoint, signal: options.signal }).then(
    (h) => log(h.skipped ? `agent: images: no helm image: ${h.skipped}` : h.imported.length ? `agent: images: imported ${h.imported.join(", ")}` : `agent: images: ${h.present.join(", ")} present`),
    (err: unknown) => log(`agent: images: helm image not imported: ${err instanceof Error ? err.message : String(err)}`),
  );

  const cniConfDir = containerdPaths(nodeDir).cniConfDir;
  let kubelet: RunningKubelet | undefined;
  let masquerade = false;
  let linkMtu: number | undefined;
  let server: RunningKubeletServer | undefined;
  if (options.server) {
    server = await startKubeletServer({
      runtime,
      getPod: (ns, name) => kubelet?.podManager.informer.get(`${ns}/${name}`),
      ...options.server,
      stats: new SummaryService({ nodeName: options.nodeName, provider: criStatsProvider({ runtime, fsPath: nodeDir }) }),
      metrics: agentMetrics(runtime, options.metricsRegistries),
      onError: (err) => log(`agent: kubelet server: ${err instanceof Error ? err.message : String(err)}`),
    });
    log(`agent: kubelet server on ${options.server.host ?? "0.0.0.0"}:${server.port}`);
  }
  kubelet = await startKubelet({
    client: options.client,
    runtime,
    nodeName: options.nodeName,
    dataDir: nodeDir,
    signal: options.signal,
    clusterDNS: options.clusterDNS,
    clusterDomain: options.clusterDomain,
    podCidr: options.podCidr,
    // The server's controller manager allocates spec.podCIDR from --cluster-cidr.
    podCidrFromController: true,
    nodeIP: options.nodeIP,
    logRoot: "/var/log/pods",
    kubeletPort: server?.port,
    onRegistered: async (node) => {
      const podCidr = node.spec?.podCIDR;
      if (!podCidr) throw new Error(`node ${options.nodeName} has no spec.podCIDR`);
      // Pods keep their IPs towards other nodes' pods: the agent masquerades only traffic
      // leaving the pod CIDRs (nftables), before the first pod starts; without nft, the bridge plugin does.
      if ((options.networkBackend ?? "auto") !== "none" && findExecutable("nft")) {
        masquerade = await startMasquerade(podCidr).then(
          () => true,
          (err: unknown) => (log(`agent: pod masquerade not in nftables, the CNI bridge masquerades: ${err instanceof Error ? err.message : String(err)}`), false),
        );
      }
      // Pods get the link's MTU, less VXLAN's 50 bytes with the vxlan backend (flannel's), so encapsulated packets fit the link.
      const nodeIP = node.status?.addresses?.find((a) => a.type === "InternalIP")?.address;
      linkMtu = nodeIP ? await linkMtuOf(nodeIP).catch(() => undefined) : undefined;
      writeCniConfig({ confDir: cniConfDir, podCidr, ipamDataDir: join(nodeDir, "cni", "ipam"), ipMasq: !masquerade, mtu: podMtuFor(options.networkBackend ?? "auto", linkMtu) });
      log(`agent: node ${options.nodeName} registered, pod CIDR ${podCidr}`);
    },
    onError: (err) => log(`agent: ${err instanceof Error ? err.message : String(err)}`),
  }).catch(async (err: unknown) => {
    await server?.close();
    throw err;
  });
  const running = kubelet;
  const network = startPodNetwork({ client: options.client, nodeName: options.nodeName, backend: options.networkBackend, masquerade, linkMtu, signal: options.signal, log });
  const done = Promise.all([running.done, network.done]).then(() => undefined).finally(async () => {
    await server?.close();
    runtime.close();
    await containerd?.stop();
  });
  return { kubelet: running, done, setServingCertificate: (tls) => server?.server.setSecureContext({ key: tls.key, cert: tls.cert, ca: options.server?.tls.ca }) };
}
