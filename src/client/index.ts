// The public face of client: Client over a transport, informers, work queue, leader election.
export { Client, patchContentTypes, statusOf } from "./client.js";
export type {
  ClientOptions,
  WatchEvent,
  PatchType,
  GetOptions,
  ListOptions,
  WriteOptions,
  CreateOptions,
  UpdateOptions,
  PatchOptions,
  Preconditions,
  DeleteOptions,
  DeleteCollectionOptions,
  WatchOptions,
  SubresourceOptions,
} from "./client.js";
export { resources, resource, resourcePath, apiVersionOfResource } from "./resources.js";
export type { Resource } from "./resources.js";
export { inProcessTransport, loopbackUser } from "./transport.js";
export { PortChannel, portTransport, servePortRequests } from "./port-transport.js";
export type { Transport } from "./transport.js";
export { httpTransport } from "./http-transport.js";
export { failoverTransport } from "./failover-transport.js";
export type { HttpTransport, HttpTransportOptions } from "./http-transport.js";
export { loadKubeconfig } from "./kubeconfig.js";
export { realClock, FakeClock } from "./clock.js";
export type { Clock, Timer } from "./clock.js";
export { WorkQueue } from "./workqueue.js";
export { workqueueRegistry } from "./workqueue-metrics.js";
export { ExponentialRateLimiter, BucketRateLimiter, MaxOfRateLimiter, defaultControllerRateLimiter } from "./rate-limiter.js";
export type { RateLimiter } from "./rate-limiter.js";
export { runWorkers, TerminalError, isTerminalError } from "./workers.js";
export type { Reconcile, ReconcileResult, RunWorkersOptions } from "./workers.js";
export { Informer, keyOf, splitKey, namespaceIndex } from "./informer.js";
export type { InformerOptions, InformerHandlers, IndexFunc } from "./informer.js";
export { LeaderElector, formatMicroTime } from "./leader-election.js";
export type { LeaderElectionOptions, Lease, LeaseSpec } from "./leader-election.js";
export { discoverResources, GroupDiscoveryFailedError, isGroupDiscoveryFailedError } from "./discovery.js";
export type { DiscoveredResource } from "./discovery.js";
export { InformerFactory, ensureIndex } from "./informer-factory.js";
export { Expectations } from "./expectations.js";
export { EventRecorder } from "./event-recorder.js";
export type { EventType } from "./event-recorder.js";
