/**
 * The disruption controller (upstream's pkg/controller/disruption): keeps each
 * PodDisruptionBudget's status — how many selected pods are expected, how many must
 * stay healthy, how many are, and so how many disruptions are allowed — which the
 * eviction API spends. Pods an eviction took (status.disruptedPods) do not count as
 * healthy until they are gone or two minutes have passed.
 */
import type { KubeObject, Pod, PodDisruptionBudget, PodDisruptionBudgetStatus } from "../../api/index.js";
import { isApiError, labelSelectorFromObject } from "../../machinery/index.js";
import { WorkQueue, keyOf, realClock, resource, runWorkers, splitKey, type Client, type Clock, type Informer, type InformerFactory, type ReconcileResult } from "../../client/index.js";

const pdbsRes = resource<PodDisruptionBudget>("policy", "v1", "poddisruptionbudgets", "PodDisruptionBudget", true);
const podsRes = resource<Pod>("", "v1", "pods", "Pod", true);

/** How long an eviction's mark on a pod is honoured (upstream's DeletionTimeout). */
export const disruptedPodTimeoutMs = 2 * 60_000;

export interface DisruptionControllerOptions {
  client: Client;
  informers: InformerFactory;
  clock?: Clock;
  workers?: number;
  onError?: (key: string, err: unknown) => void;
}

type Replicas = { spec?: { replicas?: number }; metadata: KubeObject["metadata"] };

export class DisruptionController {
  private readonly client: Client;
  private readonly clock: Clock;
  readonly pdbs: Informer<PodDisruptionBudget>;
  readonly pods: Informer<Pod>;
  private readonly queue: WorkQueue;

  constructor(private readonly options: DisruptionControllerOptions) {
    this.client = options.client;
    this.clock = options.clock ?? realClock;
    this.queue = new WorkQueue({ clock: this.clock, name: "disruption" });
    this.pdbs = options.informers.informer(pdbsRes);
    this.pods = options.informers.informer(podsRes);
    this.pdbs.addHandler({ add: (p) => this.queue.add(keyOf(p)), update: (_, p) => this.queue.add(keyOf(p)) });
    const podChanged = (pod: Pod): void => {
      for (const pdb of this.pdbs.list()) if (pdb.metadata.namespace === pod.metadata.namespace && selects(pdb, pod)) this.queue.add(keyOf(pdb));
    };
    this.pods.addHandler({ add: podChanged, update: (a, b) => (podChanged(a), podChanged(b)), delete: podChanged });
  }

  async start(signal: AbortSignal): Promise<void> {
    const synced = await Promise.all([this.pdbs.waitForSync(signal), this.pods.waitForSync(signal)]);
    if (synced.every(Boolean)) await runWorkers(this.queue, (key, s) => this.reconcile(key, s), { workers: this.options.workers ?? 2, signal, onError: this.options.onError });
    this.queue.shutDown();
  }

  async reconcile(key: string, signal: AbortSignal): Promise<ReconcileResult | void> {
    const pdb = this.pdbs.get(key);
    if (!pdb || pdb.metadata.deletionTimestamp) return;
    const { namespace } = splitKey(key);
    const pods = this.pods.list().filter((p) => p.metadata.namespace === namespace && selects(pdb, p));
    const now = this.clock.now();
    const { expected, desired } = await this.budget(pdb, pods, signal);
    const disrupted: Record<string, string> = {};
    let nextExpiry: number | undefined;
    for (const [name, at] of Object.entries(pdb.status?.disruptedPods ?? {})) {
      const pod = pods.find((p) => p.metadata.name === name);
      const expires = Date.parse(at) + disruptedPodTimeoutMs;
      if (!pod || pod.metadata.deletionTimestamp || expires <= now) continue;
      disrupted[name] = at;
      nextExpiry = Math.min(nextExpiry ?? expires, expires);
    }
    const healthy = pods.filter((p) => !p.metadata.deletionTimestamp && !disrupted[p.metadata.name ?? ""] && isReady(p)).length;
    const allowed = Math.max(0, healthy - desired);
    const status: PodDisruptionBudgetStatus = {
      observedGeneration: pdb.metadata.generation,
      ...(Object.keys(disrupted).length ? { disruptedPods: disrupted } : {}),
      disruptionsAllowed: allowed,
      currentHealthy: healthy,
      desiredHealthy: desired,
      expectedPods: expected,
      conditions: [condition(pdb, allowed > 0, new Date(now))],
    };
    const old = pdb.status;
    const same = old && JSON.stringify({ ...old, conditions: old.conditions?.map(({ lastTransitionTime: _, ...c }) => c) }) === JSON.stringify({ ...status, conditions: status.conditions?.map(({ lastTransitionTime: _, ...c }) => c) });
    if (!same) {
      try {
        await this.client.updateStatus(pdbsRes, { ...pdb, status }, { signal });
      } catch (err) {
        if (isApiError(err, "NotFound")) return;
        throw err;
      }
    }
    if (nextExpiry !== undefined) return { requeueAfterMs: Math.max(1000, nextExpiry - now) };
  }

  /** expectedPods and desiredHealthy, as upstream's getExpectedPodCount. */
  private async budget(pdb: PodDisruptionBudget, pods: Pod[], signal: AbortSignal): Promise<{ expected: number; desired: number }> {
    const { minAvailable, maxUnavailable } = pdb.spec ?? {};
    if (maxUnavailable !== undefined) {
      const expected = await this.expectedScale(pods, signal);
      return { expected, desired: Math.max(0, expected - scaled(maxUnavailable, expected, true)) };
    }
    if (minAvailable !== undefined && typeof minAvailable === "number") return { expected: pods.length, desired: minAvailable };
    if (minAvailable !== undefined) {
      const expected = await this.expectedScale(pods, signal);
      return { expected, desired: scaled(minAvailable, expected, true) };
    }
    return { expected: pods.length, desired: pods.length };
  }

  /** The replicas of the controllers of the selected pods, each counted once (a Deployment for its ReplicaSets). */
  private async expectedScale(pods: Pod[], signal: AbortSignal): Promise<number> {
    const seen = new Map<string, number>();
    let orphans = 0;
    for (const pod of pods) {
      const ref = pod.metadata.ownerReferences?.find((o) => o.controller);
      if (!ref) {
        orphans++;
        continue;
      }
      const owner = await this.controllerReplicas(pod.metadata.namespace ?? "", ref.apiVersion, ref.kind, ref.name, signal);
      if (!owner) {
        orphans++;
        continue;
      }
      seen.set(owner.key, owner.replicas);
    }
    return [...seen.values()].reduce((a, b) => a + b, 0) + orphans;
  }

  private async controllerReplicas(namespace: string, apiVersion: string, kind: string, name: string, signal: AbortSignal): Promise<{ key: string; replicas: number } | undefined> {
    const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
    const plural = { ReplicaSet: "replicasets", StatefulSet: "statefulsets", ReplicationController: "replicationcontrollers", Deployment: "deployments" }[kind];
    if (!plural) return undefined;
    try {
      const obj = await this.client.get(resource<Replicas & KubeObject>(group ?? "", version ?? "", plural, kind, true), name, { namespace, signal });
      const parent = kind === "ReplicaSet" ? obj.metadata.ownerReferences?.find((o) => o.controller && o.kind === "Deployment") : undefined;
      if (parent) return this.controllerReplicas(namespace, parent.apiVersion, parent.kind, parent.name, signal);
      return { key: `${kind}/${name}`, replicas: obj.spec?.replicas ?? 1 };
    } catch (err) {
      if (isApiError(err, "NotFound")) return undefined;
      throw err;
    }
  }
}

/** An int, or a percentage of `total` rounded up (intstr.GetScaledValueFromIntOrPercent). */
function scaled(v: number | string, total: number, roundUp: boolean): number {
  if (typeof v === "number") return v;
  const pct = Number(v.replace(/%$/, ""));
  const exact = (pct * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

function isReady(pod: Pod): boolean {
  return (pod.status?.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True");
}

function selects(pdb: PodDisruptionBudget, pod: Pod): boolean {
  const sel = pdb.spec?.selector;
  if (!sel || (Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0)) return false;
  try {
    return labelSelectorFromObject(sel).matches(pod.metadata.labels ?? {});
  } catch {
    return false;
  }
}

function condition(pdb: PodDisruptionBudget, allowed: boolean, now: Date) {
  const old = pdb.status?.conditions?.find((c) => c.type === "DisruptionAllowed");
  const status = allowed ? "True" : "False";
  return {
    type: "DisruptionAllowed",
    status,
    reason: allowed ? "SufficientPods" : "InsufficientPods",
    message: "",
    observedGeneration: pdb.metadata.generation,
    lastTransitionTime: old && old.status === status ? old.lastTransitionTime : now.toISOString().replace(/\.\d{3}Z$/, "Z"),
  };
}
