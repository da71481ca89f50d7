import type { FieldError } from "../machinery/index.js";
import type { KubeObject } from "./object.js";
import type { RestHandler, UserInfo } from "./rest.js";
import type { AuthorizerServices } from "./authorizer.js";
import type { Definitions } from "./schema.js";

/**
 * An entry in the kind registry: everything the generic API server needs to serve one
 * resource. Nothing in the API server is written for one resource alone; what differs
 * between resources is here, as data and small functions.
 */
export interface ResourceType {
  group: string;
  version: string;
  kind: string;
  /** Lower-case plural used in URLs: "pods". */
  plural: string;
  /** Lower-case singular: "pod". */
  singular: string;
  /** Stored in another version, converted by a webhook (CRDs with `conversion.strategy: Webhook`). */
  conversionWebhook?: AsyncVersionConversion;
  /**
   * Served by another API server (an APIService's): every request for this resource is
   * handed to this handler after authentication and authorization; nothing is stored here.
   */
  proxy?: RestHandler;
  /** Where /openapi/v2 differs from `definitions` (CRDs: upstream's ToStructuralOpenAPIV2), the v2 forms by name. */
  openapiV2Definitions?: Definitions;
  namespaced: boolean;
  shortNames?: string[];
  /** e.g. ["all"] for `kubectl get all`. */
  categories?: string[];
  /** Verbs served; defaults to all eight. */
  verbs?: Verb[];
  /** Name of the object's schema in `definitions`. */
  definition: string;
  /** The schemas this resource brings (its own and the types it uses), by upstream name. */
  definitions: Definitions;
  subresources?: Subresources;
  strategy?: Strategy;
  /**
   * Served in another version than it is stored (autoscaling/v1 HPAs are stored as v2):
   * the API server turns each request into one on the storage version's entry and each
   * answer back (objects, lists, watch events).
   */
  conversion?: VersionConversion;
}

/** How a served version maps onto the storage version of the same resource. */
export interface VersionConversion {
  storageVersion: string;
  toStorage(obj: KubeObject): KubeObject;
  fromStorage(obj: KubeObject): KubeObject;
}

/**
 * Custom resources whose CRD converts through a webhook (upstream's CRD webhook converter):
 * the request is served in its own version (decoding, defaults, validation), the API
 * server converts what it stores to the storage version and what it answers (objects,
 * lists, watch events) back to the request's. Throw an ApiError to fail the request.
 */
export interface AsyncVersionConversion {
  /** "group/version" of stored objects. */
  storageApiVersion: string;
  /** The objects in `apiVersion`, in order; objects already there are passed through. */
  convert(objects: KubeObject[], apiVersion: string): Promise<KubeObject[]>;
}

export type Verb = "get" | "list" | "watch" | "create" | "update" | "patch" | "delete" | "deletecollection";

export const allVerbs: Verb[] = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

export interface Subresources {
  /** `/status`: writes there change only `.status`; writes to the main resource leave `.status` alone. */
  status?: boolean;
  /** `/scale`, as the `autoscaling/v1` Scale kind. Paths are dotted JSON paths, as in CRD's scale subresource. */
  scale?: { specReplicasPath: string; statusReplicasPath: string; labelSelectorPath?: string };
  /** Subresources with their own behaviour (pods/binding, pods/eviction…). */
  custom?: Record<string, CustomSubresource>;
  /** Subresources that connect the client to something behind the API server (pods/log, pods/exec, nodes/proxy…). */
  connect?: Record<string, ConnectSubresource>;
}

/**
 * A "connect" subresource (upstream's rest.Connecter): the entry says where the request
 * goes; the API server carries it there with its kubelet client certificate — a
 * streamed response body (pods/log, nodes/proxy) or, for an upgrade request, the raw
 * upgraded connection (pods/exec, pods/attach, pods/portforward).
 */
export interface ConnectSubresource {
  /** For discovery: the options kind ("PodExecOptions") or the parent's kind (pods/log). */
  kind: string;
  /** For discovery: "get" and/or "create" (POST), as upstream lists them. */
  verbs: Verb[];
  /** Only upgrade requests (exec, attach, portforward); a plain request gets 400 "Upgrade request required". */
  upgradeOnly?: boolean;
  /** Path segments after the subresource name are part of the request (nodes/{name}/proxy/{path}). */
  subpath?: boolean;
  /** Where to connect; undefined answers 200 with an empty body (logs of an unscheduled pod). Throw an ApiError to refuse. */
  location(parent: KubeObject, request: ConnectRequest): Promise<ConnectLocation | undefined>;
}

export interface ConnectRequest {
  /** The query as sent (repeated parameters such as `command` kept apart). */
  query: URLSearchParams;
  /** The rest of the path after the subresource ("" or "/stats/summary"). */
  subpath: string;
  /** Reads another object, e.g. the pod's Node; undefined when absent. */
  get(ref: { group: string; version: string; plural: string; namespace?: string; name: string }): Promise<KubeObject | undefined>;
}

/** An HTTPS endpoint on a kubelet: host, port and the path with its query ("/containerLogs/ns/pod/c?follow=true"). */
export interface ConnectLocation {
  host: string;
  port: number;
  path: string;
}

/**
 * A subresource that turns a request into a change of its parent object, e.g.
 * `pods/binding` sets `spec.nodeName`. The API server stores the result with the usual
 * compare-and-swap and retries on conflict.
 */
export interface CustomSubresource {
  /** The kind of the request body, for discovery: "Binding", "Eviction". */
  kind: string;
  group?: string;
  version?: string;
  verbs: Verb[];
  /** For create: given the current parent and the request body, what to do. Throw an ApiError to refuse. */
  create?(parent: KubeObject, body: KubeObject): SubresourceAction;
  /** For update (PUT): the parent as it should be stored, given the current parent and the body (e.g. namespaces/finalize). */
  update?(parent: KubeObject, body: KubeObject): KubeObject;
  /**
   * For create answered without changing the parent (serviceaccounts/token): the body of
   * the 201 answer, given the parent as stored and the request body. Throw an ApiError to refuse.
   */
  respond?(parent: KubeObject, body: KubeObject, env: RequestEnv): Promise<KubeObject>;
  /**
   * For create: checks (and records) what the action depends on in other objects before
   * it is taken, e.g. pods/eviction against PodDisruptionBudgets. Throw an ApiError to refuse.
   */
  guard?(parent: KubeObject, body: KubeObject, env: RequestEnv): Promise<void>;
}

/**
 * What the server lends an entry that answers a request itself (reviews,
 * serviceaccounts/token): who asks, the time, reads of other objects, and the server's
 * credential services. Services a server was started without are undefined.
 */
export interface RequestEnv {
  user: UserInfo | undefined;
  now: Date;
  /** Reads one object as stored; undefined when absent. */
  get(ref: { group: string; version: string; plural: string; namespace?: string; name: string }): Promise<KubeObject | undefined>;
  tokens?: TokenServices;
  /** The server's authorizer chain (SubjectAccessReview and the other reviews). */
  authorizer?: AuthorizerServices;
  /** Every object of a resource in a namespace ("" for all or cluster-scoped), as stored. */
  list?(ref: { group: string; version: string; plural: string; namespace?: string }): Promise<KubeObject[]>;
  /** Writes an object's status, failing with 409 when it changed since it was read (its resourceVersion). */
  updateStatus?(ref: { group: string; version: string; plural: string }, obj: KubeObject): Promise<KubeObject>;
  /** True for dry-run requests: nothing may be written. */
  dryRun?: boolean;
}

/** The server's service-account token signer and its token authenticators (TokenRequest, TokenReview). */
export interface TokenServices {
  /** Signs a service-account token with these claims; `expirationSeconds` counted from `now`. */
  issue(claims: ServiceAccountTokenClaims): Promise<string>;
  /** The audiences the API server identifies as (--api-audiences): a token without audiences gets these. */
  apiAudiences: readonly string[];
  /** Who a bearer token belongs to, for these audiences (empty: the API's); undefined with a reason when not authenticated. */
  review(token: string, audiences: readonly string[]): Promise<TokenReviewResult>;
}

export interface ServiceAccountTokenClaims {
  serviceAccount: { namespace: string; name: string; uid: string };
  audiences: readonly string[];
  expirationSeconds: number;
  pod?: { name: string; uid: string };
  secret?: { name: string; uid: string };
  node?: { name: string; uid: string };
  /** Seconds after which using the token is logged as stale though still valid (`warnafter`, extended kube-api-access tokens). */
  warnAfterSeconds?: number;
}

export type TokenReviewResult = { authenticated: true; user: UserInfo; audiences: string[] } | { authenticated: false; error: string };

export type SubresourceAction =
  | { action: "update"; object: KubeObject; response?: unknown }
  | { action: "delete"; gracePeriodSeconds?: number; response?: unknown };

/** What a write is: for validation and field resets. */
export interface WriteContext {
  operation: "create" | "update";
  /** "" for the main resource, "status" for the status subresource. */
  subresource: string;
}

export interface Strategy {
  /** Fill upstream's defaults in place (pkg/apis/<group>/v1/defaults.go). Runs on every write, before validation. */
  defaults?(obj: KubeObject): void;
  /** Semantic validation beyond the schema's types; field paths as upstream ("spec.containers[0].image"). */
  validate?(obj: KubeObject, old: KubeObject | undefined, ctx: WriteContext): FieldError[];
  /** Server-side printing columns and cells for `as=Table`. */
  table?: TableConvertor;
  /** Field selectors supported besides metadata.name and metadata.namespace, e.g. "spec.nodeName". */
  fieldSelectors?: Record<string, (obj: KubeObject) => string | undefined>;
  /** On create: set server-owned fields (e.g. pod status.phase = Pending). */
  prepareForCreate?(obj: KubeObject): void;
  /** On update of the main resource: keep server-owned fields from `old`. */
  prepareForUpdate?(obj: KubeObject, old: KubeObject): void;
  /**
   * Graceful deletion: the grace period to apply when deleting, given the request's
   * `gracePeriodSeconds` (undefined when absent). Returning 0 or undefined deletes at once.
   * Pods: default spec.terminationGracePeriodSeconds; 0 when not yet scheduled.
   */
  gracePeriod?(obj: KubeObject, requested: number | undefined): number | undefined;
  /** Does this write change the spec (so generation bumps)? Defaults to "anything but metadata and status changed". */
  specChanged?(obj: KubeObject, old: KubeObject): boolean;
  /**
   * Custom resources: `validate` checks JSON types against the schema (422 Invalid with
   * the field, as upstream's CRD validator), so decoding neither type-checks (400) nor
   * normalizes nulls.
   */
  typesCheckedByValidation?: boolean;
  /** Custom resources: strategic merge patch is refused (415), as upstream serves them only JSON, merge and apply patches. */
  noStrategicMergePatch?: boolean;
  /**
   * What a stored object looks like when read, without changing it in place (CRDs: the
   * schema's defaults, as upstream defaults objects decoded from storage). Applied to every
   * object the API server returns.
   */
  fromStorage?(obj: KubeObject): KubeObject;
  /** Set metadata.generation (1 on create, +1 on spec change), as upstream does for pods, deployments, jobs… */
  tracksGeneration?: boolean;
  /** With a status subresource, create normally drops `.status`; nodes keep what the kubelet sends. */
  keepStatusOnCreate?: boolean;
  /**
   * Deletion requested and nothing else holds it: return an object to store instead of
   * deleting (e.g. a namespace turns Terminating and waits for its content to go).
   */
  onDelete?(obj: KubeObject): KubeObject | undefined;
  /** With deletionTimestamp set: may the object go now? (checked after every update; metadata.finalizers are checked generically) */
  readyToDelete?(obj: KubeObject): boolean;
  /**
   * A create-only resource that is never stored (selfsubjectreviews; later tokenreviews,
   * subjectaccessreviews): after decoding, defaulting and validation, create answers 201
   * with what this returns, given the requesting user, and writes nothing.
   */
  respondToCreate?(obj: KubeObject, user: UserInfo | undefined, env: RequestEnv): KubeObject | Promise<KubeObject>;
  /**
   * Claims, through `allocator`, the cluster-wide unique values this write needs and
   * fills them in (a Service's ClusterIPs and NodePorts). Runs after validation, on
   * create (`old` undefined) and on updates of the main resource. Throw an ApiError to
   * refuse; whatever was claimed is then given back.
   */
  allocate?(obj: KubeObject, old: KubeObject | undefined, allocator: Allocator): Promise<void>;
  /** The unique values a stored object holds: released when a write drops them and when the object is removed. */
  allocations?(obj: KubeObject): Allocation[];
}

/** One value of a pool, e.g. { pool: "service-ipv4", value: "10.43.0.10" }. */
export interface Allocation {
  pool: string;
  value: string;
}

/**
 * Claims on unique values (ClusterIPs, NodePorts), kept by the API server beside the
 * objects that hold them. A claim is atomic (create-if-absent in the store): two
 * concurrent writes never get the same value. Claims made for a write that then fails
 * are given back by the API server; a strategy never releases anything itself.
 * Pools are configured by the server (`--service-cluster-ip-range`…); a strategy names
 * them. Dry runs check and pick values but keep nothing.
 *
 *   const r = await allocator.claim("service-node-port", "30080");
 *   if (!r.ok) errs.push(fieldError.invalid("spec.ports[0].nodePort", 30080, r.reason));
 */
export interface Allocator {
  /** Is this pool served here (e.g. no "service-ipv6" on an IPv4-only cluster)? */
  has(pool: string): boolean;
  /** The pool's range as upstream prints it: "10.43.0.0/16", "30000-32767". */
  range(pool: string): string;
  /** Claims `value` for the object being written; already its own counts as claimed. */
  claim(pool: string, value: string): Promise<ClaimResult>;
  /** Claims any free value (upstream's AllocateNext); undefined when the pool is full. */
  claimNext(pool: string): Promise<string | undefined>;
}

/** `reason` in upstream's words: "provided IP is already allocated", "the provided IP (…) is not in the valid range…". */
export type ClaimResult = { ok: true } | { ok: false; reason: string };

export interface TableColumn {
  name: string;
  type: "string" | "integer" | "number" | "boolean" | "date";
  format?: string;
  description: string;
  /** 0 = always shown; 1 = only with -o wide. */
  priority: number;
}

export interface TableConvertor {
  columns: TableColumn[];
  /** Cells in column order. Dates are RFC 3339 strings. */
  cells(obj: KubeObject, now: Date): unknown[];
}
