import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { builtinRegistry, type RestHandler, type UserInfo } from "../api/index.js";
import { Client, EventRecorder, InformerFactory, inProcessTransport } from "../client/index.js";
import { dnsServiceIP, ensureKubeDnsService, startClusterDns } from "../dns/index.js";
import { startControllers } from "./controllers.js";
import { componentUsers, nodeUser, serviceAccountUser, userAgentOf } from "./identities.js";
import type { LegacyTokenClaims } from "../controllers/serviceaccount/index.js";
import { defaultNodeName, ensureJoinToken, joinTokenAuthenticator } from "./agent.js";
import { startNodeAgent } from "../kubelet/index.js";
import { startNetworkPolicy, type NetpolMode } from "../netpol/index.js";
import { startProxy, type ProxyMode } from "../proxy/index.js";
import { startScheduler } from "../scheduler/index.js";
import { advertiseAddressFor, builtinAdmissionPlugins, defaultServiceClusterIPRange, startApiServer, type StartApiServerOptions } from "../apiserver/index.js";
import { EtcdStore, MemoryStore, SqliteStore, parseEndpoints, type Store } from "../storage/index.js";
import { type LeaderElectionTimings, leaderIdentity, runLeaderElected } from "./leader.js";
import { readFile } from "node:fs/promises";
import { serverUrl, writeKubeconfig } from "./kubeconfig.js";
import { mergeKubeconfig } from "./user-kubeconfig.js";
import { ensurePki, ensureServiceAccountKey } from "./pki.js";
import { startDeploy } from "./deploy.js";
import { ensureKubeletPki } from "./kubelet-pki.js";
import { CertificateRenewer } from "./cert-renewal.js";
import { ServerMonitoring, agentMetricsRegistries } from "./monitoring.js";
import { instrumentStore, serializedWatchLine } from "../apiserver/index.js";
import { startControlLoopsThread, type ControlLoopsThread } from "./control-loops-thread.js";

/**
 * `k8ts server`: the control plane of one cluster on this machine.
 *
 * Start-up order: data dir → PKI (created once, reused after) → admin kubeconfig → store
 * → API server. Shutdown is the reverse: stop serving, then close the store, so every
 * acknowledged write is already durable when the process exits.
 *
 *   const ac = new AbortController();
 *   process.once("SIGTERM", () => ac.abort());
 *   await runServer({ dataDir, bindAddress: "127.0.0.1", port: 6443, store: "sqlite", disableAgent: false }, ac.signal);
 */
export interface ServerOptions {
  dataDir: string;
  bindAddress: string;
  /** 0 picks a free port (tests). */
  port: number;
  store: StoreBackend;
  /** Do not run the local node agent (real containers through containerd). */
  disableAgent: boolean;
  /** --proxy-mode of the local agent's service proxy (default nftables). */
  proxyMode?: ProxyMode;
  /** --network-policy-mode of the local agent (default auto: nftables when nft works). */
  networkPolicyMode?: NetpolMode;
  /** The local agent's node name (default: the hostname). */
  nodeName?: string;
  /** Where progress lines go; default stdout. */
  log?: (line: string) => void;
  /** --node-monitor-grace-period in ms (default 50 s). */
  nodeMonitorGracePeriodMs?: number;
  /** --terminated-pod-gc-threshold (default 12500). */
  terminatedPodGCThreshold?: number;
  /** --service-cluster-ip-range (default 10.43.0.0/16). */
  serviceClusterIPRange?: string;
  /** --cluster-cidr: the node IPAM controller hands each Node a /24 of it (default 10.42.0.0/16). */
  clusterCidr?: string;
  /** --service-node-port-range (default 30000-32767). */
  serviceNodePortRange?: string;
  /** --cluster-dns-port: where the cluster DNS listens on the bind address (0: a free port); undefined: no cluster DNS. */
  clusterDnsPort?: number;
  /** --cluster-domain (default cluster.local). */
  clusterDomain?: string;
  /** --advertise-address: where pods and other machines reach the API server and cluster DNS (default: advertiseAddressFor(bindAddress)). */
  advertiseAddress?: string;
  /** --kubelet-port: the local agent's HTTPS port (default 10250; 0: a free port). */
  kubeletPort?: number;
  /** --user-kubeconfig: a kubeconfig to merge the admin context into (the invoking user's ~/.kube/config by default with the default data dir). */
  userKubeconfig?: { path: string; uid?: number; gid?: number };
  /** --metric-resolution: how often the metrics pipeline scrapes kubelets (default 15 s). */
  metricResolutionMs?: number;
  /** --datastore-endpoint: etcd members (`etcd://h1:2379,h2:2379`, `https://…`); set, it replaces `store`. */
  datastoreEndpoint?: string;
  /** --datastore-cafile/--datastore-certfile/--datastore-keyfile: PEM files for etcd over https. */
  datastoreTls?: { caFile?: string; certFile?: string; keyFile?: string };
  /** --leader-elect: run the scheduler and controller manager only while holding their Lease (default: on with etcd). */
  leaderElect?: boolean;
  /** --leader-elect-lease-duration/-renew-deadline/-retry-period (default 15 s/10 s/2 s). */
  leaderElection?: Partial<LeaderElectionTimings>;
  /** --watch-cache (default true): serve watches and LISTs from the API server's watch cache. */
  watchCache?: boolean;
  /** Certificates in DATA_DIR/pki with less than this left are renewed, at start and while running (default 90 days, as k3s). */
  certificateRenewBeforeMs?: number;
  /** How often the certificates are checked (default 1 hour). */
  certificateCheckIntervalMs?: number;
  /** --control-loops-thread: run the scheduler and controllers in a worker thread, a second core (default true). */
  controlLoopsThread?: boolean;
}

export interface RunningServer {
  /** The URL clients on this machine use (also in the kubeconfig). */
  url: string;
  kubeconfigPath: string;
  /** Stop serving, then close the store. Safe to call more than once. */
  close(): Promise<void>;
}

/** The store backends, picked by `--store`; an explicit map, not registration by import side effect. */
const storeBackends = {
  sqlite: (dataDir: string): Promise<Store> => openSqlite(dataDir),
  memory: async (): Promise<Store> => new MemoryStore(),
} satisfies Record<string, (dataDir: string) => Promise<Store>>;

export type StoreBackend = keyof typeof storeBackends;

export const storeBackendNames = Object.keys(storeBackends) as StoreBackend[];

export function isStoreBackend(name: string): name is StoreBackend {
  return Object.hasOwn(storeBackends, name);
}

/** Starts the server and returns once it serves; `close()` stops it. */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const log = options.log ?? ((line: string) => console.log(line));
  await mkdir(options.dataDir, { recursive: true, mode: 0o700 });

  const advertiseAddress = options.advertiseAddress ?? advertiseAddressFor(options.bindAddress);
  const serviceRange = options.serviceClusterIPRange ?? defaultServiceClusterIPRange;
  // Pods reach the API server as 10.43.0.1 (the `kubernetes` Service) and at the advertised address.
  const pki = await ensurePki(join(options.dataDir, "pki"), { bindAddress: options.bindAddress, extraSans: [advertiseAddress, nthServiceIP(serviceRange, 1)] });
  const nodeName = options.nodeName ?? defaultNodeName();
  const kubeletPki = await ensureKubeletPki(pki, { nodeName });
  const saKey = await ensureServiceAccountKey(join(options.dataDir, "pki"));
  // One object for every user of the kubelet client certificate: a renewal updates it in place.
  const kubeletClientTls = { cert: kubeletPki.apiserverClient.cert, key: kubeletPki.apiserverClient.key };

  const joinToken = await ensureJoinToken(options.dataDir);
  const store = options.datastoreEndpoint ? await openEtcd(options.datastoreEndpoint, options.datastoreTls) : await storeBackends[options.store](options.dataDir);
  const monitoring = new ServerMonitoring();
  let api: ApiServing;
  try {
    api = await serveApi({
      store,
      watchCache: options.watchCache,
      tls: { key: pki.serving.key, cert: pki.serving.cert, ca: pki.ca.cert },
      host: options.bindAddress,
      port: options.port,
      tokens: joinTokenAuthenticator(joinToken),
      serviceAccount: { signingKey: saKey.privateKey, publicKeys: [saKey.publicKey] },
      advertiseAddress,
      serviceNetwork: { clusterIPRange: options.serviceClusterIPRange, nodePortRange: options.serviceNodePortRange },
      kubeletClient: kubeletClientTls,
      resourceMetrics: monitoring.resourceMetrics,
      metrics: monitoring.metrics,
    });
  } catch (err) {
    await store.close();
    throw err;
  }

  // The kubeconfig names the port actually bound (differs from the flag only for port 0).
  const url = serverUrl(options.bindAddress, Number(new URL(api.url).port));
  const kubeconfigPath = await writeKubeconfig(join(options.dataDir, "kubeconfig.yaml"), {
    server: url,
    caCert: pki.ca.cert,
    clientCert: pki.admin.cert,
    clientKey: pki.admin.key,
  });
  log(`kubeconfig: ${kubeconfigPath}`);
  if (options.userKubeconfig) {
    try {
      const backup = mergeKubeconfig(options.userKubeconfig.path, await readFile(kubeconfigPath, "utf8"), options.userKubeconfig);
      log(`kubeconfig: context k8ts merged into ${options.userKubeconfig.path}${backup ? ` (previous file kept as ${backup})` : ""}`);
    } catch (err) {
      log(`kubeconfig: could not merge into ${options.userKubeconfig.path}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  if (options.datastoreEndpoint) log(`store: etcd (${parseEndpoints(options.datastoreEndpoint).endpoints.join(", ")})`);
  else log(`store: ${options.store}${options.store === "sqlite" ? ` (${sqlitePath(options.dataDir)})` : ""}`);
  log(`listening: ${api.url}`);
  log(`join token: ${joinToken} (${join(options.dataDir, "join-token")}); on another machine: k8ts agent --server ${url} --token ${joinToken}`);

  // The control loops talk to the API through the in-process transport: same verbs, no HTTP.
  const controllersStop = new AbortController();
  const client = new Client({ transport: inProcessTransport(api.handler) });
  // Each component acts as its own user, with only what its bootstrap role grants.
  const clientAs = (user: UserInfo) => new Client({ transport: inProcessTransport(api.handler, { user, userAgent: userAgentOf(user) }) });
  // The metrics pipeline (metrics-server's role): every server scrapes, so any of them answers metrics.k8s.io.
  const metricsDone = monitoring.start({ client, tls: kubeletClientTls, signal: controllersStop.signal, intervalMs: options.metricResolutionMs, log });
  // With several servers on one etcd, only the holder of a component's Lease runs it.
  const leaderElect = options.leaderElect ?? options.datastoreEndpoint !== undefined;
  const identity = leaderIdentity();
  const elected = (lease: string, run: (signal: AbortSignal) => Promise<void>): Promise<void> =>
    leaderElect ? runLeaderElected({ client, lease, identity, timings: options.leaderElection, signal: controllersStop.signal, log, run }) : run(controllersStop.signal);
  // On a second core (unless --control-loops-thread false): the same components, in a worker thread (control-loops-thread.ts).
  let controlLoops: ControlLoopsThread | undefined;
  if (options.controlLoopsThread ?? true) {
    controlLoops = startControlLoopsThread({
      handler: api.handler,
      settings: {
        leaderElect,
        identity,
        leaderElection: options.leaderElection,
        nodeMonitorGracePeriodMs: options.nodeMonitorGracePeriodMs,
        terminatedPodGCThreshold: options.terminatedPodGCThreshold,
        localStoragePath: join(options.dataDir, "storage"),
        clusterCidr: options.clusterCidr,
        rootCA: pki.ca.cert,
      },
      signToken: (claims) => api.serviceAccountTokens.signLegacy(claims),
      watchLine: serializedWatchLine,
      log,
    });
    monitoring.addControlLoopsMetrics(controlLoops.metrics);
    log("control loops: scheduler and controllers in a worker thread");
  }
  const controllersDone = controlLoops ? Promise.resolve() : elected("kube-controller-manager", (signal) =>
    startControllers({
      client: clientAs(componentUsers.controllerManager),
      clientFor: (account) => clientAs(serviceAccountUser("kube-system", account)),
      signal,
      nodeMonitorGracePeriodMs: options.nodeMonitorGracePeriodMs,
      terminatedPodGCThreshold: options.terminatedPodGCThreshold,
      serviceAccountTokens: { rootCA: pki.ca.cert, signToken: (claims) => api.serviceAccountTokens.signLegacy(claims) },
      localStoragePath: join(options.dataDir, "storage"),
      clusterCidr: options.clusterCidr,
      onError: (controller, key, err) => log(`controller ${controller}: ${key}: ${err instanceof Error ? err.message : String(err)}`),
    }),
  );
  // k3s's start-up deployments: DATA_DIR/server/manifests and HelmCharts, on the loopback client (charts install anything).
  const deployDone = elected("k8ts-deploy", (signal) => startDeploy({ client, dataDir: options.dataDir, signal, log })).catch((err: unknown) =>
    log(`manifests: stopped: ${err instanceof Error ? err.message : String(err)}`),
  );
  if (options.clusterDnsPort !== undefined) await startDns(options, advertiseAddress, client, controllersStop.signal, log);
  const schedulerDone = controlLoops ? Promise.resolve() : elected("kube-scheduler", (signal) =>
    startScheduler({
      client: clientAs(componentUsers.scheduler),
      signal,
      onError: (key, err) => log(`scheduler: ${key}: ${err instanceof Error ? err.message : String(err)}`),
    }),
  ).catch((err: unknown) => log(`scheduler stopped: ${err instanceof Error ? err.message : String(err)}`));

  // The local node agent, over the in-process client; a machine without containerd gets one line and no agent.
  const agentStop = new AbortController();
  let agentDone: Promise<void> = Promise.resolve();
  let setKubeletServing: ((tls: { key: string; cert: string }) => void) | undefined;
  if (!options.disableAgent) {
    try {
      const agent = await startNodeAgent({
        client: clientAs(nodeUser(nodeName)),
        nodeName,
        dataDir: options.dataDir,
        signal: agentStop.signal,
        log,
        // ClusterFirst pods ask the kube-dns Service (10.43.0.10), which the proxy sends to this server's DNS.
        clusterDNS: options.clusterDnsPort !== undefined ? [dnsServiceIP(serviceRange)] : undefined,
        clusterDomain: options.clusterDomain,
        server: { tls: { key: kubeletPki.kubeletServing.key, cert: kubeletPki.kubeletServing.cert, ca: pki.ca.cert }, port: options.kubeletPort },
        metricsRegistries: agentMetricsRegistries(),
      });
      setKubeletServing = agent.setServingCertificate;
      const proxy = startProxy({ client: clientAs(componentUsers.proxy), nodeName, mode: options.proxyMode, signal: agentStop.signal, log });
      const netpol = startNetworkPolicy({ client: clientAs(componentUsers.proxy), nodeName, mode: options.networkPolicyMode, signal: agentStop.signal, log });
      agentDone = Promise.all([agent.done, proxy.done, netpol.done]).then(
        () => undefined,
        (err: unknown) => log(`agent stopped: ${err instanceof Error ? err.message : String(err)}`),
      );
    } catch (err) {
      log(`agent: not started: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  // Certificates near expiry are renewed now and while running, and put to use without a restart.
  const renewer = new CertificateRenewer({
    dir: pki.dir,
    ca: pki.ca,
    renewBeforeMs: options.certificateRenewBeforeMs,
    checkIntervalMs: options.certificateCheckIntervalMs,
    log,
    events: { recorder: new EventRecorder({ client, component: "k8ts-server", host: nodeName }), object: { apiVersion: "v1", kind: "Node", metadata: { name: nodeName } } },
    certificates: [
      { name: "apiserver", apply: (pair) => api.setServingCertificate(pair) },
      {
        name: "admin",
        apply: async (pair) => {
          await writeKubeconfig(kubeconfigPath, { server: url, caCert: pki.ca.cert, clientCert: pair.cert, clientKey: pair.key });
          if (options.userKubeconfig) mergeKubeconfig(options.userKubeconfig.path, await readFile(kubeconfigPath, "utf8"), options.userKubeconfig);
        },
      },
      {
        name: "apiserver-kubelet-client",
        apply: (pair) => {
          kubeletClientTls.cert = pair.cert;
          kubeletClientTls.key = pair.key;
        },
      },
      { name: "kubelet", apply: (pair) => setKubeletServing?.(pair) },
    ],
  });
  renewer.announce(pki.renewed, (name) => (name === "apiserver" ? pki.serving.cert : name === "admin" ? pki.admin.cert : undefined));
  const renewalDone = renewer.run(controllersStop.signal);

  let closing: Promise<void> | undefined;
  return {
    url,
    kubeconfigPath,
    close: () => {
      closing ??= (async () => {
        try {
          agentStop.abort();
          await agentDone;
          controllersStop.abort();
          await renewalDone;
          await controllersDone;
          await deployDone;
          await schedulerDone;
          await controlLoops?.stop();
          await metricsDone;
          await api.close();
        } finally {
          await store.close();
        }
      })();
      return closing;
    },
  };
}

/**
 * The cluster DNS on the advertised address (where pods reach it), and the kube-dns Service (ClusterIP: the 10th
 * address of the service range) pointing at it. A DNS that cannot listen (port taken)
 * is reported and left out: the API server runs on without it.
 */
async function startDns(options: ServerOptions, address: string, client: Client, signal: AbortSignal, log: (line: string) => void): Promise<void> {
  const informers = new InformerFactory({ client, onError: (err) => log(`cluster dns: informers: ${err instanceof Error ? err.message : String(err)}`) });
  try {
    const dns = await startClusterDns(
      { informers, host: address, port: options.clusterDnsPort ?? 0, zone: options.clusterDomain, onError: (err) => log(`cluster dns: ${String(err)}`) },
      signal,
    );
    informers.start(signal);
    await ensureKubeDnsService(client, { clusterIP: dnsServiceIP(options.serviceClusterIPRange ?? defaultServiceClusterIPRange), address, port: dns.port, signal });
    log(`cluster dns: ${address}:${dns.port} (udp, tcp), zone ${options.clusterDomain ?? "cluster.local"}`);
  } catch (err) {
    log(`cluster dns: not started: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Runs the server until `signal` aborts, then shuts it down cleanly. */
export async function runServer(options: ServerOptions, signal: AbortSignal): Promise<void> {
  const log = options.log ?? ((line: string) => console.log(line));
  const server = await startServer(options);
  await new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener("abort", () => resolve(), { once: true });
  });
  log("shutting down");
  await server.close();
  log("stopped");
}

/** The database file of the sqlite backend, inside the data dir. */
export function sqlitePath(dataDir: string): string {
  return join(dataDir, "db", "state.db");
}

/** The etcd store for --datastore-endpoint, with its client certificate files when given. */
async function openEtcd(spec: string, tls: ServerOptions["datastoreTls"]): Promise<Store> {
  const { endpoints } = parseEndpoints(spec);
  const read = (file: string | undefined) => (file ? readFile(file) : Promise.resolve(undefined));
  const [ca, cert, key] = await Promise.all([read(tls?.caFile), read(tls?.certFile), read(tls?.keyFile)]);
  return EtcdStore.open({ endpoints, tls: { ca, cert, key } });
}

async function openSqlite(dataDir: string): Promise<Store> {
  await mkdir(join(dataDir, "db"), { recursive: true, mode: 0o700 });
  return SqliteStore.open({ path: sqlitePath(dataDir) });
}

interface ApiServing {
  url: string;
  handler: RestHandler;
  serviceAccountTokens: { signLegacy(claims: LegacyTokenClaims): Promise<string> };
  setServingCertificate(tls: { key: string; cert: string }): void;
  close(): Promise<void>;
}

/** The one place `k8ts server` starts the API server: every built-in kind, over HTTPS. */
function serveApi(options: Omit<StartApiServerOptions, "registry">): Promise<ApiServing> {
  return startApiServer({ ...options, store: instrumentStore(options.store), registry: builtinRegistry(), admission: builtinAdmissionPlugins() });
}

/** The n-th address of a service CIDR (1: the `kubernetes` Service's ClusterIP). */
function nthServiceIP(cidr: string, n: number): string {
  const [base] = cidr.split("/");
  const parts = (base ?? "").split(".").map(Number);
  const v = (((parts[0]! << 24) >>> 0) + (parts[1]! << 16) + (parts[2]! << 8) + parts[3]! + n) >>> 0;
  return [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255].join(".");
}
