import { randomBytes, timingSafeEqual } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import type { UserInfo } from "../api/index.js";
import { Client, failoverTransport, type Client as ClientType } from "../client/index.js";
import { isNetworkBackend, networkBackends, startNodeAgent, type NetworkBackend, type RunningNodeAgent } from "../kubelet/index.js";
import { agentMetricsRegistries } from "./monitoring.js";
import { isNetpolMode, netpolModes, startNetworkPolicy, type NetpolMode } from "../netpol/index.js";
import { isProxyMode, proxyModes, startProxy, type ProxyMode } from "../proxy/index.js";

/**
 * The join token: a random secret the server writes to DATA_DIR/join-token and prints.
 * An agent presents `Bearer <token>:<node name>` and is authenticated as
 * `system:node:<node name>` in group `system:nodes` (upstream's node identity; the
 * security issue replaces this shared secret with bootstrap tokens and node certificates).
 */
export async function ensureJoinToken(dataDir: string): Promise<string> {
  const path = join(dataDir, "join-token");
  try {
    const existing = (await readFile(path, "utf8")).trim();
    if (existing) return existing;
  } catch {
    // not there yet
  }
  const token = `K8TS${randomBytes(24).toString("hex")}`;
  await writeFile(path, `${token}\n`, { mode: 0o600 });
  return token;
}

/** A TokenAuthenticator for startApiServer's `tokens`: `<join token>:<node name>` → system:node:<name>. */
export function joinTokenAuthenticator(joinToken: string): (bearer: string) => UserInfo | undefined {
  const want = Buffer.from(joinToken);
  return (bearer) => {
    const colon = bearer.indexOf(":");
    if (colon < 0) return undefined;
    const got = Buffer.from(bearer.slice(0, colon));
    const node = bearer.slice(colon + 1);
    if (got.length !== want.length || !timingSafeEqual(got, want)) return undefined;
    if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(node)) return undefined;
    return { username: `system:node:${node}`, groups: ["system:nodes"] };
  };
}

export interface AgentOptions {
  server: string;
  token: string;
  nodeName: string;
  dataDir: string;
  /** PEM of the cluster CA; without it the server's certificate is not verified. */
  caCert?: string;
  containerRuntimeEndpoint?: string;
  clusterDNS?: string[];
  podCidr?: string;
  nodeIP?: string;
  /** --network-backend (default auto). */
  networkBackend?: NetworkBackend;
  /** --proxy-mode (default nftables). */
  proxyMode?: ProxyMode;
  /** --network-policy-mode (default auto: nftables when nft works, else iptables). */
  networkPolicyMode?: NetpolMode;
  log?: (line: string) => void;
}

/** The node's default name, as upstream: the lower-cased hostname. */
export function defaultNodeName(): string {
  return hostname().toLowerCase();
}

/** `k8ts agent`: the node agent against a remote API server over HTTPS with the join token. */
export async function runAgent(options: AgentOptions, signal: AbortSignal): Promise<void> {
  const log = options.log ?? ((line: string) => console.log(line));
  // --server A,B,C: the agent fails over between the servers of an HA control plane.
  const transport = failoverTransport(options.server.split(",").map((s) => s.trim()).filter(Boolean), {
    token: `${options.token}:${options.nodeName}`,
    ca: options.caCert,
    insecureSkipTlsVerify: !options.caCert,
    // Its writes' field manager is "kubelet", as upstream's.
    userAgent: "kubelet/k8ts",
  });
  const client: ClientType = new Client({ transport });
  let agent: RunningNodeAgent | undefined;
  try {
    agent = await startNodeAgent({
      metricsRegistries: agentMetricsRegistries(),
      client,
      nodeName: options.nodeName,
      dataDir: options.dataDir,
      signal,
      containerRuntimeEndpoint: options.containerRuntimeEndpoint,
      clusterDNS: options.clusterDNS,
      podCidr: options.podCidr,
      nodeIP: options.nodeIP,
      networkBackend: options.networkBackend,
      log,
    });
    const proxy = startProxy({ client, nodeName: options.nodeName, mode: options.proxyMode, signal, log });
    const netpol = startNetworkPolicy({ client, nodeName: options.nodeName, mode: options.networkPolicyMode, signal, log });
    log(`agent: node ${options.nodeName} running against ${options.server}`);
    await Promise.all([agent.done, proxy.done, netpol.done]);
  } finally {
    transport.close();
  }
}

export const agentUsage = `Usage: k8ts agent --server URL --token TOKEN [flags]

Agent flags:
  --server URL[,URL...]                 the API server (https://host:6443); several servers of one cluster: fail over between them
  --token TOKEN                         the join token the server printed (DATA_DIR/join-token)
  --node-name NAME                      this node's name (default: the hostname)
  --data-dir DIR                        the agent's state (default /var/lib/k8ts as root, ~/.k8ts otherwise)
  --ca-file FILE                        the cluster CA (DATA_DIR/pki/ca.crt on the server); without it the server is not verified
  --container-runtime-endpoint SOCKET   use this CRI socket instead of a private containerd
  --cluster-dns IP[,IP]                 nameservers for dnsPolicy ClusterFirst pods (default 10.43.0.10, the server's kube-dns Service)
  --pod-cidr CIDR                       this node's pod CIDR (default: kept from the Node, else a /24 of the server's --cluster-cidr from its node IPAM)
  --node-ip IP                          the node's InternalIP (default: the first non-loopback IPv4)
  --network-backend auto|host-gw|vxlan|none   routes to other nodes' pod CIDRs: host-gw to nodes on a shared link, VXLAN (k8ts.vxlan, UDP 8472) to the rest (default auto)
  --proxy-mode nftables|iptables|ipvs|userspace   how the service proxy programs the node (default nftables;
                            ipvs needs the kernel's ip_vs and ipvsadm)
  --network-policy-mode auto|nftables|iptables   where NetworkPolicy rules go (default auto: nftables when nft works,
                            else iptables; K8TS_NETWORK_POLICY_MODE sets the default)
`;

/** Parses `k8ts agent` flags; throws Error with a usage message on bad input. */
export async function parseAgentFlags(args: string[], env: { isRoot: boolean; home: string }): Promise<AgentOptions | "help"> {
  const { parseArgs } = await import("node:util");
  const { values } = parseArgs({
    args,
    strict: true,
    allowPositionals: false,
    options: {
      server: { type: "string" },
      token: { type: "string" },
      "node-name": { type: "string" },
      "data-dir": { type: "string" },
      "ca-file": { type: "string" },
      "container-runtime-endpoint": { type: "string" },
      "cluster-dns": { type: "string" },
      "pod-cidr": { type: "string" },
      "node-ip": { type: "string" },
      "network-backend": { type: "string", default: "auto" },
      "proxy-mode": { type: "string", default: "nftables" },
      "network-policy-mode": { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) return "help";
  if (!values.server) throw new Error("--server is required");
  if (!values.token) throw new Error("--token is required");
  const proxyMode = values["proxy-mode"];
  if (!isProxyMode(proxyMode)) throw new Error(`--proxy-mode: "${proxyMode}" is not one of ${proxyModes.join(", ")}`);
  const networkPolicyMode = values["network-policy-mode"];
  if (networkPolicyMode !== undefined && !isNetpolMode(networkPolicyMode)) throw new Error(`--network-policy-mode: "${networkPolicyMode}" is not one of ${netpolModes.join(", ")}`);
  const networkBackend = values["network-backend"];
  if (!isNetworkBackend(networkBackend)) throw new Error(`--network-backend: "${networkBackend}" is not one of ${networkBackends.join(", ")}`);
  const { resolve } = await import("node:path");
  return {
    server: values.server,
    token: values.token.trim(),
    nodeName: (values["node-name"] ?? defaultNodeName()).toLowerCase(),
    dataDir: resolve(values["data-dir"] ?? (env.isRoot ? "/var/lib/k8ts" : join(env.home, ".k8ts"))),
    caCert: values["ca-file"] ? await readFile(values["ca-file"], "utf8") : undefined,
    containerRuntimeEndpoint: values["container-runtime-endpoint"],
    clusterDNS: (values["cluster-dns"] ?? "10.43.0.10").split(",").filter(Boolean),
    podCidr: values["pod-cidr"],
    nodeIP: values["node-ip"],
    networkBackend,
    proxyMode,
    networkPolicyMode,
  };
}
