// The pure decisions of the DaemonSet controller over a snapshot of nodes and daemon pods:
// which nodes need a pod, which pods go (manage / podsShouldBeOnNode), which old pods a
// rolling update replaces (rollingUpdate), and the status (updateDaemonSetStatus) — after
// pkg/controller/daemon/daemon_controller.go and update.go.
import type { DaemonSet, DaemonSetStatus, Node, Pod } from "../../api/index.js";
import { byCreationScheduledFirst, isPodAvailable, isPodReady } from "./_pods.js";
import { controllerRevisionHashLabel, templateGenerationLabel } from "./history.js";
import { nodeShouldRunDaemonPod } from "./node-eligibility.js";

export interface Snapshot {
  ds: DaemonSet;
  nodes: readonly Node[];
  /** Daemon pods by target node (spec.nodeName or their node affinity). */
  nodeToPods: ReadonlyMap<string, readonly Pod[]>;
  /** Template hash of the current revision. */
  hash: string;
  nowMs: number;
}

export interface Plan {
  /** Node names that get a new daemon pod. */
  create: string[];
  /** Pods to delete. */
  delete: Pod[];
  /** Failed pods found (each gets a FailedDaemonPod event). */
  failed: { pod: Pod; node: string }[];
}

/** Whether a surge is configured: RollingUpdate with maxSurge > 0 (util.AllowsSurge). */
export function allowsSurge(ds: DaemonSet): boolean {
  const ru = ds.spec?.updateStrategy?.type === "RollingUpdate" ? ds.spec.updateStrategy.rollingUpdate : undefined;
  if (!ru || ru.maxSurge === undefined) return false;
  return scaledValue(ru.maxSurge, 100, true) > 0;
}

/** intstr.GetScaledValueFromIntOrPercent. */
export function scaledValue(v: number | string | undefined, total: number, roundUp: boolean): number {
  if (v === undefined) return 0;
  if (typeof v === "number") return v;
  const m = /^(\d+)%$/.exec(v);
  if (!m) return Number.parseInt(v, 10) || 0;
  const x = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(x) : Math.floor(x);
}

/** The pod was made from the current template (util.IsPodUpdated). */
export function isPodUpdated(pod: Pod, hash: string, generation: number | undefined): boolean {
  const labels = pod.metadata.labels ?? {};
  const templateMatches = generation !== undefined && labels[templateGenerationLabel] === String(generation);
  const hashMatches = hash.length > 0 && labels[controllerRevisionHashLabel] === hash;
  return hashMatches || templateMatches;
}

/**
 * podsShouldBeOnNode for every node, plus unscheduled pods aimed at nodes that are gone.
 * `inBackoff(node)` says whether failed pods on that node were killed too recently.
 */
export function manage(snap: Snapshot, inBackoff: (node: string) => boolean): Plan {
  const { ds, nodes, nodeToPods, hash, nowMs } = snap;
  const plan: Plan = { create: [], delete: [], failed: [] };
  const surge = allowsSurge(ds);
  const minReady = ds.spec?.minReadySeconds ?? 0;
  for (const node of nodes) {
    const name = node.metadata.name ?? "";
    const { shouldRun, shouldContinueRunning } = nodeShouldRunDaemonPod(node, ds);
    const pods = nodeToPods.get(name);
    const exists = pods !== undefined && pods.length > 0;
    if (shouldRun && !exists) {
      plan.create.push(name);
    } else if (shouldContinueRunning && pods) {
      const running: Pod[] = [];
      for (const pod of pods) {
        if (pod.metadata.deletionTimestamp) continue;
        if (pod.status?.phase === "Failed") {
          // The kubelet may keep rejecting the pod: back off before killing it again.
          if (inBackoff(name)) continue;
          plan.failed.push({ pod, node: name });
          plan.delete.push(pod);
        } else if (pod.status?.phase === "Succeeded") {
          plan.delete.push(pod);
        } else {
          running.push(pod);
        }
      }
      running.sort(byCreationScheduledFirst);
      if (!surge) {
        // More than one pod on a node: keep the oldest.
        plan.delete.push(...running.slice(1));
        continue;
      }
      if (running.length === 0) {
        if (shouldRun) plan.create.push(name);
        continue;
      }
      // With surge, two pods may share a node while the new one becomes available.
      let oldestNew: Pod | undefined;
      let oldestOld: Pod | undefined;
      for (const pod of running) {
        if (pod.metadata.labels?.[controllerRevisionHashLabel] === hash) {
          if (!oldestNew) {
            oldestNew = pod;
            continue;
          }
        } else if (!oldestOld) {
          oldestOld = pod;
          continue;
        }
        plan.delete.push(pod);
      }
      if (oldestNew && oldestOld && (!isPodReady(oldestOld) || isPodAvailable(oldestNew, minReady, nowMs))) plan.delete.push(oldestOld);
    } else if (!shouldContinueRunning && pods) {
      for (const pod of pods) if (!pod.metadata.deletionTimestamp) plan.delete.push(pod);
    }
  }
  // Unscheduled pods aimed at nodes that no longer exist (getUnscheduledPodsWithoutNode).
  const known = new Set(nodes.map((n) => n.metadata.name ?? ""));
  for (const [name, pods] of nodeToPods) {
    if (known.has(name)) continue;
    for (const pod of pods) if (!pod.spec?.nodeName && !pod.metadata.deletionTimestamp) plan.delete.push(pod);
  }
  return plan;
}

/** The new and old pod on a node; `ok` false when there are two of either (findUpdatedPodsOnNode). */
function updatedPodsOnNode(ds: DaemonSet, pods: readonly Pod[], hash: string): { newPod?: Pod; oldPod?: Pod; ok: boolean } {
  let newPod: Pod | undefined;
  let oldPod: Pod | undefined;
  for (const pod of pods) {
    if (pod.metadata.deletionTimestamp) continue;
    if (isPodUpdated(pod, hash, ds.metadata.generation)) {
      if (newPod) return { ok: false };
      newPod = pod;
    } else {
      if (oldPod) return { ok: false };
      oldPod = pod;
    }
  }
  return { newPod, oldPod, ok: true };
}

/** maxSurge, maxUnavailable and the desired count (updatedDesiredNodeCounts). */
export function desiredNodeCounts(snap: Snapshot): { maxSurge: number; maxUnavailable: number; desired: number; nodeToPods: Map<string, readonly Pod[]> } {
  const nodeToPods = new Map(snap.nodeToPods);
  let desired = 0;
  for (const node of snap.nodes) {
    if (!nodeShouldRunDaemonPod(node, snap.ds).shouldRun) continue;
    desired++;
    const name = node.metadata.name ?? "";
    if (!nodeToPods.has(name)) nodeToPods.set(name, []);
  }
  const ru = snap.ds.spec?.updateStrategy?.rollingUpdate;
  let maxUnavailable = scaledValue(ru?.maxUnavailable, desired, true);
  const maxSurge = allowsSurge(snap.ds) ? scaledValue(ru?.maxSurge, desired, true) : 0;
  // An impossible configuration falls back to maxUnavailable = 1, as upstream.
  if (maxUnavailable === 0 && maxSurge === 0) maxUnavailable = 1;
  return { maxSurge, maxUnavailable, desired, nodeToPods };
}

/**
 * One step of a RollingUpdate (update.go rollingUpdate). Without surge: delete old pods
 * while fewer than maxUnavailable daemon pods are unavailable (the manage pass then makes
 * new ones). With surge: start new pods beside available old ones, up to maxSurge at once,
 * and delete an old pod once its replacement is available.
 */
export function rollingUpdate(snap: Snapshot, eligible: (node: string) => boolean): Plan {
  const { ds, hash, nowMs } = snap;
  const minReady = ds.spec?.minReadySeconds ?? 0;
  const available = (p: Pod): boolean => isPodAvailable(p, minReady, nowMs);
  const { maxSurge, maxUnavailable, desired, nodeToPods } = desiredNodeCounts(snap);
  const nodeNames = [...nodeToPods.keys()].sort();
  const podsOf = (n: string): readonly Pod[] => nodeToPods.get(n) ?? [];

  if (maxSurge === 0) {
    let unavailable = 0;
    const replacements: Pod[] = [];
    const candidates: Pod[] = [];
    for (const node of nodeNames) {
      const { newPod, oldPod, ok } = updatedPodsOnNode(ds, podsOf(node), hash);
      if (!ok || (!newPod && !oldPod) || (newPod && oldPod)) {
        unavailable++; // the manage pass creates or trims here
      } else if (newPod) {
        if (!available(newPod)) unavailable++;
      } else if (oldPod) {
        if (!available(oldPod)) {
          replacements.push(oldPod);
          unavailable++;
        } else if (unavailable < maxUnavailable) {
          candidates.push(oldPod);
        }
      }
    }
    const room = Math.min(Math.max(maxUnavailable - unavailable, 0), candidates.length);
    return { create: [], delete: [...replacements, ...candidates.slice(0, room)], failed: [] };
  }

  const toDelete: Pod[] = [];
  const shouldNotRun: Pod[] = [];
  const candidateNodes: string[] = [];
  const allowedNodes: string[] = [];
  let surging = 0;
  let numAvailable = 0;
  for (const node of nodeNames) {
    const { newPod, oldPod, ok } = updatedPodsOnNode(ds, podsOf(node), hash);
    if (!ok) {
      surging++;
      continue;
    }
    if (oldPod ? available(oldPod) : newPod ? available(newPod) : false) numAvailable++;
    if (!oldPod) continue;
    if (!newPod) {
      if (!available(oldPod)) {
        if (!eligible(node)) toDelete.push(oldPod);
        else allowedNodes.push(node);
      } else if (!eligible(node)) {
        shouldNotRun.push(oldPod);
      } else if (surging < maxSurge) {
        candidateNodes.push(node);
      }
    } else if (!available(newPod)) {
      surging++;
    } else {
      toDelete.push(oldPod);
    }
  }
  // Pods on nodes that no longer fit go only once enough others are available.
  const deletable = Math.min(Math.max(numAvailable - desired, 0), shouldNotRun.length);
  toDelete.push(...shouldNotRun.slice(0, deletable));
  const room = Math.min(Math.max(maxSurge - surging, 0), candidateNodes.length);
  return { create: [...allowedNodes, ...candidateNodes.slice(0, room)], delete: toDelete, failed: [] };
}

/** The status counters over nodes (updateDaemonSetStatus); observedGeneration and collisionCount are the caller's. */
export function computeStatus(snap: Snapshot): DaemonSetStatus & { numberAvailable: number; updatedNumberScheduled: number; numberUnavailable: number } {
  const { ds, nodes, nodeToPods, hash, nowMs } = snap;
  const minReady = ds.spec?.minReadySeconds ?? 0;
  let desired = 0;
  let current = 0;
  let misscheduled = 0;
  let ready = 0;
  let updated = 0;
  let availableCount = 0;
  for (const node of nodes) {
    const { shouldRun } = nodeShouldRunDaemonPod(node, ds);
    const pods = nodeToPods.get(node.metadata.name ?? "") ?? [];
    const scheduled = pods.length > 0;
    if (shouldRun) {
      desired++;
      if (!scheduled) continue;
      current++;
      const pod = [...pods].sort(byCreationScheduledFirst)[0] as Pod;
      if (isPodReady(pod)) {
        ready++;
        if (isPodAvailable(pod, minReady, nowMs)) availableCount++;
      }
      if (isPodUpdated(pod, hash, ds.metadata.generation)) updated++;
    } else if (scheduled) {
      misscheduled++;
    }
  }
  return {
    desiredNumberScheduled: desired,
    currentNumberScheduled: current,
    numberMisscheduled: misscheduled,
    numberReady: ready,
    updatedNumberScheduled: updated,
    numberAvailable: availableCount,
    numberUnavailable: desired - availableCount,
  };
}
