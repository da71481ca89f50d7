import type { KindRegistry, RestHandler, RestRequest, RestResponse, TokenServices } from "../api/index.js";
import { bootstrapTokenAuthenticator, serviceAccountTokens, type ServiceAccountTokenOptions, type ServiceAccountTokens } from "./tokens/index.js";
import { decodeKubernetesProtobuf, metricsV1beta1Resources, type ResourceMetricsSource } from "../api/index.js";
import { resourceMetricsRoute } from "./resource-metrics.js";
import { metricsRoute, trackStorageObjects } from "./metrics.js";
import type { Store } from "../storage/index.js";
import { ApiServer } from "./api-server.js";
import { AuthorizerChain, PolicyCache, reconcileBootstrapPolicy } from "./authorization/index.js";
import { startCrdController } from "./crd/index.js";
import type { WatchSettings } from "./context.js";
import { advertiseAddressFor, bootstrapCluster, reconcileKubernetesService } from "./bootstrap.js";
import { repairAllocations } from "./allocation/repair.js";
import { servicePoolsOf, type ServiceNetworkOptions } from "./allocation/service-pools.js";
import type { AllocationPool } from "./allocation/pools.js";
import { servicePools } from "../api/index.js";
import { startCompactor } from "./compactor.js";
import { WatchCache } from "./watch-cache/watch-cache.js";
import { EtcdStore } from "../storage/index.js";
import { resourcePrefix } from "./object-store.js";
import type { AdmissionPlugin } from "./admission-chain.js";
import { ensureSystemPriorityClasses } from "./admission/index.js";
import { WebhookConfigurations, webhookAdmissionPlugins } from "./webhooks/index.js";
import { AdmissionPolicies, validatingAdmissionPolicyPlugin } from "./admission-policy/index.js";
import { Aggregator } from "./aggregator/index.js";
import { startHttpsEdge } from "./http-server.js";
import type { TokenAuthenticator } from "./authn.js";
import { serveDiscovery } from "./discovery.js";
import { serveOpenApi } from "./openapi.js";
import { connectRoute, connectUpgradeHandler, type KubeletClientTls } from "./connect.js";

export interface StartApiServerOptions {
  store: Store;
  registry: KindRegistry;
  tls: { key: string; cert: string; ca: string };
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  tokens?: TokenAuthenticator;
  watch?: Partial<WatchSettings>;
  /** How often history is compacted (default 5 minutes, as upstream). */
  compactionIntervalMs?: number;
  /** --service-cluster-ip-range and --service-node-port-range. */
  serviceNetwork?: ServiceNetworkOptions;
  /** The address the `kubernetes` Endpoints name; default: advertiseAddressFor(host). When `host` is loopback, the server listens there too, so pods reach it. */
  advertiseAddress?: string;
  /** The client certificate for kubelets (logs, exec, attach, port-forward, nodes/proxy). */
  kubeletClient?: KubeletClientTls;
  /** metrics.k8s.io/v1beta1 from this source (k8ts server's metrics pipeline); absent: the group is not served. */
  resourceMetrics?: ResourceMetricsSource;
  /** GET /metrics: Prometheus text of this process's components (default: the API server's own). */
  metrics?: () => Promise<{ contentType: string; text: string }>;
  /** Service-account token signing (--service-account-key-file, --service-account-issuer, --api-audiences); without a key, one for this process only. */
  serviceAccount?: Pick<ServiceAccountTokenOptions, "signingKey" | "publicKeys" | "issuer" | "apiAudiences">;
  /** Admission plugins after NamespaceLifecycle (k8ts server: builtinAdmissionPlugins(); default none); the webhooks always come last. */
  admission?: readonly AdmissionPlugin[];
  /** Serve watches and LISTs from the watch cache (default true); false: every read goes to the store. */
  watchCache?: boolean;
}

export interface RunningApiServer {
  /** https://host:port */
  url: string;
  /** The in-process transport: the same handler the HTTPS edge calls. */
  handler: RestHandler;
  /** Service-account tokens: the legacy Secret token signer for the tokens controller. */
  serviceAccountTokens: ServiceAccountTokens;
  /** Serves a new certificate on new connections from now on (renewal; no restart). */
  setServingCertificate(tls: { key: string; cert: string }): void;
  close(): Promise<void>;
}

/** Builds the API server, bootstraps a new cluster's objects and serves it over HTTPS. */
export async function startApiServer(options: StartApiServerOptions): Promise<RunningApiServer> {
  const allocationPools = servicePoolsOf(options.serviceNetwork);
  // Bearer tokens: service-account JWTs first, then join tokens (bootstrap-token Secrets, then the caller's).
  const others = [bootstrapTokenAuthenticator(options), ...(options.tokens ? [options.tokens] : [])];
  const saTokens = serviceAccountTokens({ store: options.store, registry: options.registry, ...options.serviceAccount, others });
  // Authorization (Node, RBAC) reads a cache of the RBAC objects and the node graph, kept by store watches.
  const policy = new PolicyCache({ store: options.store });
  const policyStop = new AbortController();
  await policy.start(policyStop.signal);
  // Upstream's order: the built-in plugins, MutatingAdmissionWebhook, ValidatingAdmissionPolicy,
  // ValidatingAdmissionWebhook, and ResourceQuota last, so a refused request charges no quota.
  const webhookConfigs = new WebhookConfigurations(options.store);
  const admissionPolicies = new AdmissionPolicies(options.store);
  const [mutatingWebhooks, validatingWebhooks] = webhookAdmissionPlugins(webhookConfigs);
  const builtin = options.admission ?? [];
  const admission = [
    ...builtin.filter((p) => p.name !== "ResourceQuota"),
    mutatingWebhooks!,
    validatingAdmissionPolicyPlugin(admissionPolicies),
    validatingWebhooks!,
    ...builtin.filter((p) => p.name === "ResourceQuota"),
  ];
  // The JWKS URI names this server as clients outside reach it (known once the edge listens).
  let externalUrl = "";
  const issuerDiscovery = saTokens.issuerDiscovery(() => `${externalUrl}/openid/v1/jwks`);
  const apiServer = createApiServer({ ...options, admission, allocationPools, tokenServices: saTokens, issuerDiscovery, authorizer: new AuthorizerChain(policy) });
  // One store watch feeds every resource's cache; loaded before the server answers.
  const watchCache = options.watchCache === false ? undefined : new WatchCache({ store: options.store });
  if (watchCache) {
    await watchCache.start([...new Set(options.registry.all().map(resourcePrefix))]);
    apiServer.parts.watchCache = watchCache;
  }
  // Several servers can share only an etcd store: there, a claim another server is still writing the object for must not be freed.
  await repairAllocations(options.store, options.registry, { leakGraceMs: options.store instanceof EtcdStore ? 60_000 : 0 });
  await bootstrapCluster(apiServer.handle);
  await reconcileBootstrapPolicy(apiServer.handle);
  await ensureSystemPriorityClasses(apiServer.handle);
  const stop = new AbortController();
  await Promise.all([webhookConfigs.start(stop.signal), admissionPolicies.start(stop.signal)]);
  // CRDs already stored are served before the server answers; later ones within moments.
  await startCrdController({ store: options.store, registry: options.registry, handler: apiServer.handle, signal: stop.signal });
  // APIServices: Local ones for what this server serves, remote ones proxied (aggregator/).
  await new Aggregator({ store: options.store, registry: options.registry, handler: apiServer.handle, parts: () => apiServer.parts, proxyClient: options.kubeletClient, signal: stop.signal }).start();
  startCompactor(options.store, { intervalMs: options.compactionIntervalMs, signal: stop.signal, onError: (err) => console.error("k8ts apiserver: compaction:", err) });
  trackStorageObjects(options.store, options.registry, { signal: stop.signal });
  const edgeOptions = {
    handler: apiServer.handle,
    tls: options.tls,
    host: options.host,
    port: options.port,
    tokens: saTokens.authenticate,
    decodeProtobuf: (raw: Buffer) => decodeKubernetesProtobuf(raw, options.registry),
    upgrade: connectUpgradeHandler({ parts: apiServer.parts, tls: options.kubeletClient, tokens: saTokens.authenticate, authorize: (r) => apiServer.authorize(r) }),
  };
  const edge = await startHttpsEdge(edgeOptions);
  const edges = [edge];
  const advertised = options.advertiseAddress ?? advertiseAddressFor(options.host);
  const port = Number(new URL(edge.url).port);
  externalUrl = `https://${advertised.includes(":") ? `[${advertised}]` : advertised}:${port}`;
  const closeEdges = () => Promise.all(edges.map((e) => e.close())).then(() => undefined);
  try {
    // Bound to loopback only, the server also listens on the advertised address: the
    // `kubernetes` Service sends pods there.
    if (isLoopback(options.host) && !isLoopback(advertised)) edges.push(await startHttpsEdge({ ...edgeOptions, host: advertised, port }));
    await reconcileKubernetesService(apiServer.handle, { clusterIP: allocationPools.get(servicePools.IPv4)!.valueAt(0), address: advertised, port });
  } catch (err) {
    stop.abort();
    policyStop.abort();
    await closeEdges();
    throw err;
  }
  return {
    url: edge.url,
    handler: apiServer.handle,
    serviceAccountTokens: saTokens,
    setServingCertificate: (tls) => {
      for (const e of edges) e.server.setSecureContext({ key: tls.key, cert: tls.cert, ca: options.tls.ca });
    },
    close: () => {
      stop.abort();
      void watchCache?.close();
      policyStop.abort();
      return closeEdges();
    },
  };
}

function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || host.startsWith("127.");
}

export function createApiServer(options: {
  store: Store;
  registry: KindRegistry;
  watch?: Partial<WatchSettings>;
  now?: () => Date;
  allocationPools?: ReadonlyMap<string, AllocationPool>;
  kubeletClient?: KubeletClientTls;
  /** TokenRequest signing and TokenReview (see tokens/). */
  tokenServices?: TokenServices;
  /** /.well-known/openid-configuration and /openid/v1/jwks (service-account issuer discovery). */
  issuerDiscovery?: (req: RestRequest) => Promise<RestResponse | undefined>;
  /** The authorizer chain every request passes; absent: everything is allowed. */
  authorizer?: AuthorizerChain;
  admission?: readonly AdmissionPlugin[];
  resourceMetrics?: ResourceMetricsSource;
  metrics?: () => Promise<{ contentType: string; text: string }>;
}): ApiServer {
  if (options.resourceMetrics) for (const rt of metricsV1beta1Resources) if (!options.registry.get(rt.group, rt.version, rt.plural)) options.registry.add(rt);
  return new ApiServer({
    store: options.store,
    registry: options.registry,
    watch: options.watch,
    now: options.now,
    allocationPools: options.allocationPools,
    tokens: options.tokenServices,
    authorizer: options.authorizer,
    admission: options.admission,
    extraRoutes: [(req) => serveDiscovery(req, options.registry), (req) => serveOpenApi(req, options.registry), connectRoute({ store: options.store, registry: options.registry }, options.kubeletClient), ...(options.resourceMetrics ? [resourceMetricsRoute(options.resourceMetrics)] : []), metricsRoute(options.metrics), ...(options.issuerDiscovery ? [options.issuerDiscovery] : [])],
  });
}
