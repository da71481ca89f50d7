// The controller manager: wires every control loop onto one Client (cmd wires; each
// controller is its own component under src/controllers/).
import { setMaxListeners } from "node:events";
import { EventRecorder, InformerFactory, type Client, type Clock } from "../client/index.js";
import { GarbageCollector } from "../controllers/garbagecollector/index.js";
import { NamespaceController } from "../controllers/namespace/index.js";
import { ReplicaSetController } from "../controllers/replicaset/index.js";
import { DeploymentController } from "../controllers/deployment/index.js";
import { ServiceAccountsController, TokensController, type LegacyTokenClaims } from "../controllers/serviceaccount/index.js";
import { RootCACertPublisher } from "../controllers/rootcacertpublisher/index.js";
import { TokenCleaner } from "../controllers/tokencleaner/index.js";
import { EndpointsController } from "../controllers/endpoints/index.js";
import { EndpointSliceController } from "../controllers/endpointslice/index.js";
import { NodeLifecycleController, TaintEvictionController } from "../controllers/nodelifecycle/index.js";
import { PodGCController } from "../controllers/podgc/index.js";
import { JobController } from "../controllers/job/index.js";
import { TtlAfterFinishedController } from "../controllers/ttlafterfinished/index.js";
import { CronJobController } from "../controllers/cronjob/index.js";
import { DaemonSetController } from "../controllers/daemonset/index.js";
import { ServiceLbController } from "../controllers/servicelb/index.js";
import { DisruptionController } from "../controllers/disruption/index.js";
import { PersistentVolumeController } from "../controllers/persistentvolume/index.js";
import { ResourceQuotaController } from "../controllers/resourcequota/index.js";
import { StatefulSetController } from "../controllers/statefulset/index.js";
import { HorizontalPodAutoscalerController } from "../controllers/podautoscaler/index.js";
import { ClusterRoleAggregationController } from "../controllers/clusterroleaggregation/index.js";
import { NodeIpamController } from "../controllers/nodeipam/index.js";

export interface StartControllersOptions {
  /** The controller manager's own client (system:kube-controller-manager): shared informers and controllers without an account of their own. */
  client: Client;
  /**
   * A client acting as the service account kube-system/NAME, as upstream's
   * --use-service-account-credentials: each controller then writes with only its
   * system:controller:NAME role. Absent: every controller uses `client`.
   */
  clientFor?: (serviceAccount: string) => Client;
  /** Stops every controller. */
  signal: AbortSignal;
  clock?: Clock;
  /** Told about each failed pass or list/watch failure, by controller name; the work is retried. */
  onError?: (controller: string, key: string, err: unknown) => void;
  /** --node-monitor-grace-period in ms (node lifecycle; default 50 s). */
  nodeMonitorGracePeriodMs?: number;
  /** --terminated-pod-gc-threshold (pod GC; default 12500). */
  terminatedPodGCThreshold?: number;
  /** The cluster CA and the legacy token signer: the tokens controller and root CA publisher run only with these. */
  serviceAccountTokens?: ServiceAccountTokenSettings;
  /** Where the local-path provisioner puts volumes on a node (k8ts server: DATA_DIR/storage); the default StorageClass is made with it. */
  localStoragePath?: string;
  /** --cluster-cidr: the node IPAM controller gives each Node a /24 of it (default 10.42.0.0/16). */
  clusterCidr?: string;
}

/** What the tokens controller and the root CA publisher need from the server. */
export interface ServiceAccountTokenSettings {
  /** The cluster CA, PEM (`ca.crt` of token Secrets and of every namespace's kube-root-ca.crt). */
  rootCA: string;
  signToken(claims: LegacyTokenClaims): Promise<string>;
}

/** What every controller is built from: one Client, shared informers, an event recorder per controller. */
export interface ControllerContext {
  client: Client;
  informers: InformerFactory;
  clock?: Clock;
  /** An EventRecorder reporting as `component` (e.g. "deployment-controller"). */
  events(component: string): EventRecorder;
  onError(key: string, err: unknown): void;
  /** Settings from flags that single controllers read; unset means upstream's default. */
  nodeMonitorGracePeriodMs?: number;
  terminatedPodGCThreshold?: number;
  serviceAccountTokens?: ServiceAccountTokenSettings;
  localStoragePath?: string;
  clusterCidr?: string;
}

export interface RunnableController {
  /** Runs until the signal aborts. Informers come from the context's factory, which the manager starts. */
  start(signal: AbortSignal): Promise<void>;
}

/** A controller left out for want of its settings. */
const idle: RunnableController = { start: async () => undefined };

/**
 * Every controller of `k8ts server`, by name: an explicit map, not registration by import.
 * To add one: build it from the context here.
 */
const controllerFactories: Record<string, (ctx: ControllerContext) => RunnableController> = {
  namespace: (ctx) => new NamespaceController({ client: ctx.client, clock: ctx.clock, onError: ctx.onError }),
  garbagecollector: (ctx) => new GarbageCollector({ client: ctx.client, clock: ctx.clock, onError: ctx.onError }),
  replicaset: (ctx) => new ReplicaSetController({ client: ctx.client, informers: ctx.informers, clock: ctx.clock, events: ctx.events("replicaset-controller"), onError: ctx.onError }),
  replicationcontroller: (ctx) =>
    new ReplicaSetController({ client: ctx.client, informers: ctx.informers, kind: "ReplicationController", clock: ctx.clock, events: ctx.events("replication-controller"), onError: ctx.onError }),
  deployment: (ctx) => new DeploymentController({ client: ctx.client, informers: ctx.informers, clock: ctx.clock, events: ctx.events("deployment-controller"), onError: ctx.onError }),
  serviceaccount: (ctx) => new ServiceAccountsController({ client: ctx.client, informers: ctx.informers, clock: ctx.clock, onError: ctx.onError }),
  "serviceaccount-token": (ctx) =>
    ctx.serviceAccountTokens ? new TokensController({ client: ctx.client, informers: ctx.informers, clock: ctx.clock, rootCA: ctx.serviceAccountTokens.rootCA, signToken: ctx.serviceAccountTokens.signToken, onError: ctx.onError }) : idle,
  tokencleaner: (ctx) => new TokenCleaner({ client: ctx.client, informers: ctx.informers, clock: ctx.clock, onError: ctx.onError }),
  "root-ca-cert-publisher": (ctx) => (ctx.serviceAccountTokens ? new RootCACertPublisher({ client: ctx.client, informers: ctx.informers, clock: ctx.clock, rootCA: ctx.serviceAccountTokens.rootCA, onError: ctx.onError }) : idle),
  endpoints: (ctx) => new EndpointsController({ client: ctx.client, informers: ctx.informers, clock: ctx.clock, events: ctx.events("endpoint-controller"), onError: ctx.onError }),
  endpointslice: (ctx) => new EndpointSliceController({ client: ctx.client, informers: ctx.informers, clock: ctx.clock, events: ctx.events("endpoint-slice-controller"), onError: ctx.onError }),
  nodelifecycle: (ctx) =>
    new NodeLifecycleController({ client: ctx.client, informers: ctx.informers, clock: ctx.clock, events: ctx.events("node-controller"), nodeMonitorGracePeriodMs: ctx.nodeMonitorGracePeriodMs, onError: ctx.onError }),
  tainteviction: (ctx) => new TaintEvictionController({ client: ctx.client, informers: ctx.informers, clock: ctx.clock, events: ctx.events("taint-eviction-controller"), onError: ctx.onError }),
  nodeipam: (ctx) => new NodeIpamController({ client: ctx.client, informers: ctx.informers, clock: ctx.clock, clusterCidr: ctx.clusterCidr ?? "10.42.0.0/16", events: ctx.events("node-controller"), onError: ctx.onError }),
  podgc: (ctx) => new PodGCController({ client: ctx.client, informers: ctx.informers, clock: ctx.clock, terminatedPodThreshold: ctx.terminatedPodGCThreshold, onError: ctx.onError }),
  job: (ctx) => new JobController({ client: ctx.client, informers: ctx.informers, clock: ctx.clock, events: ctx.events("job-controller"), onError: ctx.onError }),
  ttlafterfinished: (ctx) => new TtlAfterFinishedController({ client: ctx.client, informers: ctx.informers, clock: ctx.clock, onError: ctx.onError }),
  cronjob: (ctx) => new CronJobController({ client: ctx.client, informers: ctx.informers, clock: ctx.clock, events: ctx.events("cronjob-controller"), onError: ctx.onError }),
  resourcequota: (ctx) => new ResourceQuotaController({ client: ctx.client, informers: ctx.informers, clock: ctx.clock, onError: ctx.onError }),
  persistentvolume: (ctx) => new PersistentVolumeController({ client: ctx.client, informers: ctx.informers, clock: ctx.clock, onError: ctx.onError, localPath: ctx.localStoragePath ? { nodePath: ctx.localStoragePath } : undefined }),
  disruption: (ctx) => new DisruptionController({ client: ctx.client, informers: ctx.informers, clock: ctx.clock, onError: ctx.onError }),
  servicelb: (ctx) => new ServiceLbController({ client: ctx.client, informers: ctx.informers, clock: ctx.clock, onError: ctx.onError }),
  daemonset: (ctx) => new DaemonSetController({ client: ctx.client, informers: ctx.informers, clock: ctx.clock, events: ctx.events("daemonset-controller"), onError: ctx.onError }),
  horizontalpodautoscaling: (ctx) =>
    new HorizontalPodAutoscalerController({ client: ctx.client, informers: ctx.informers, clock: ctx.clock, events: ctx.events("horizontal-pod-autoscaler"), onError: ctx.onError }),
  statefulset: (ctx) => new StatefulSetController({ client: ctx.client, informers: ctx.informers, clock: ctx.clock, events: ctx.events("statefulset-controller"), onError: ctx.onError }),
  clusterroleaggregation: (ctx) => new ClusterRoleAggregationController({ client: ctx.client, informers: ctx.informers, clock: ctx.clock, onError: ctx.onError }),
};

/**
 * The service account (in kube-system) each controller acts as, bound to its
 * system:controller:NAME role by the bootstrap policy (upstream's controller names).
 * Controllers not listed use the controller manager's own identity, as upstream's
 * token controller does.
 */
export const controllerAccounts: Record<string, string> = {
  namespace: "namespace-controller",
  garbagecollector: "generic-garbage-collector",
  replicaset: "replicaset-controller",
  replicationcontroller: "replication-controller",
  deployment: "deployment-controller",
  serviceaccount: "service-account-controller",
  tokencleaner: "token-cleaner",
  "root-ca-cert-publisher": "root-ca-cert-publisher",
  endpoints: "endpoint-controller",
  endpointslice: "endpointslice-controller",
  nodelifecycle: "node-controller",
  tainteviction: "taint-eviction-controller",
  nodeipam: "node-controller",
  podgc: "pod-garbage-collector",
  job: "job-controller",
  ttlafterfinished: "ttl-after-finished-controller",
  cronjob: "cronjob-controller",
  resourcequota: "resourcequota-controller",
  servicelb: "service-controller",
  disruption: "disruption-controller",
  persistentvolume: "persistent-volume-binder",
  daemonset: "daemon-set-controller",
  horizontalpodautoscaling: "horizontal-pod-autoscaler",
  statefulset: "statefulset-controller",
  clusterroleaggregation: "clusterrole-aggregation-controller",
};

/**
 * Starts the controllers of `k8ts server` (kube-controller-manager's role) on one
 * Client. Resolves once `signal` has aborted and every controller has stopped; a
 * controller that fails unexpectedly is reported through `onError` and the others go on.
 *
 *   const stopped = startControllers({ client, signal });
 *   ...; abort(); await stopped;
 */
export async function startControllers(options: StartControllersOptions): Promise<void> {
  const { client, signal, clock } = options;
  const report = (controller: string) => (key: string, err: unknown) => options.onError?.(controller, key, err);
  // Every controller, its workers and its informers listen on this one signal: many listeners are expected, not a leak.
  setMaxListeners(0, signal);
  const informers = new InformerFactory({ client, clock, onError: (err) => report("informers")("", err) });
  const running = Object.entries(controllerFactories).map(([name, build]) => {
    const account = controllerAccounts[name];
    const own = account && options.clientFor ? options.clientFor(account) : client;
    const ctx: ControllerContext = {
      client: own,
      informers,
      clock,
      events: (component) => new EventRecorder({ client: own, component, clock, onError: (err) => report(name)("event", err) }),
      onError: report(name),
      nodeMonitorGracePeriodMs: options.nodeMonitorGracePeriodMs,
      terminatedPodGCThreshold: options.terminatedPodGCThreshold,
      serviceAccountTokens: options.serviceAccountTokens,
      localStoragePath: options.localStoragePath,
      clusterCidr: options.clusterCidr,
    };
    return { name, controller: build(ctx) };
  });
  const done = Promise.all(
    running.map(async (c) => {
      try {
        await c.controller.start(signal);
      } catch (err) {
        report(c.name)("", err);
      }
    }),
  );
  // After every controller has asked for its informers: one list+watch per resource.
  informers.start(signal);
  await done;
}
