// One sync of one Deployment (sync.go, rolling.go, recreate.go, progress.go): the
// Deployment and its ReplicaSets as last read or written in this pass.
import type { Deployment, OwnerReference, Pod, ReplicaSet } from "../../api/index.js";
import { isApiError, type MetaLabelSelector } from "../../machinery/index.js";
import { resources, type Client, type Clock, type EventRecorder, type Resource } from "../../client/index.js";
import { computeHash } from "./hash.js";
import {
  availableReplicaCount,
  actualReplicaCount,
  byCreation,
  byRevision,
  bySizeNewer,
  bySizeOlder,
  calculateStatus,
  deploymentComplete,
  deploymentProgressing,
  deploymentReplicas,
  deploymentTimedOut,
  desiredReplicasOf,
  equalIgnoreHash,
  filterActive,
  findActiveOrLatest,
  findNewReplicaSet,
  getCondition,
  hasProgressDeadline,
  hasRevisionHistoryLimit,
  isRollingUpdate,
  isSaturated,
  maxRevision,
  maxSurge,
  maxUnavailable,
  newCondition,
  newRSNewReplicas,
  podTemplateHashLabel,
  reasons,
  removeCondition,
  replicaCount,
  replicaSetProportion,
  replicasAnnotationsNeedUpdate,
  rsReplicas,
  sameStatus,
  normalizeStatus,
  setCondition,
  setDeploymentRevision,
  setNewReplicaSetAnnotations,
  setReplicasAnnotations,
} from "./util.js";

export const deployments = resources.deployments as Resource<Deployment>;
export const replicaSets = resources.replicasets as Resource<ReplicaSet>;

export interface PassContext {
  client: Client;
  events: EventRecorder;
  clock: Clock;
  signal: AbortSignal;
}

export function controllerRefTo(d: Deployment): OwnerReference {
  return { apiVersion: "apps/v1", kind: "Deployment", name: d.metadata.name ?? "", uid: d.metadata.uid ?? "", controller: true, blockOwnerDeletion: true };
}

function formatTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

export class DeploymentPass {
  /** When to look at this Deployment again (a progress-deadline check), if at all. */
  requeueAfterMs: number | undefined;

  constructor(
    private readonly ctx: PassContext,
    public d: Deployment,
    public rsList: ReplicaSet[],
    /** Pods by the uid of the ReplicaSet that owns them. */
    private readonly podMap: Map<string, Pod[]>,
  ) {}

  private now(): string {
    return formatTime(this.ctx.clock.now());
  }

  private subject(): Deployment {
    return { ...this.d, apiVersion: "apps/v1", kind: "Deployment" };
  }

  private async updateDeploymentStatus(next: Deployment): Promise<void> {
    this.d = await this.ctx.client.updateStatus(deployments, next, { signal: this.ctx.signal });
  }

  private remember(rs: ReplicaSet): ReplicaSet {
    const i = this.rsList.findIndex((r) => r.metadata.uid === rs.metadata.uid);
    if (i >= 0) this.rsList[i] = rs;
    else this.rsList.push(rs);
    return rs;
  }

  private async updateRS(rs: ReplicaSet): Promise<ReplicaSet> {
    return this.remember(await this.ctx.client.update(replicaSets, rs, { signal: this.ctx.signal }));
  }

  // --- sync.go ---------------------------------------------------------------------

  /** Unknown Progressing condition while paused / on resume, so a pause never counts against the deadline. */
  async checkPausedConditions(): Promise<void> {
    const d = this.d;
    if (!hasProgressDeadline(d)) return;
    const cond = getCondition(d.status, "Progressing");
    if (cond?.reason === reasons.timedOut) return;
    const pausedCondExists = cond?.reason === reasons.paused;
    const next = structuredClone(d);
    next.status ??= {};
    if (d.spec?.paused && !pausedCondExists) {
      setCondition(next.status, newCondition("Progressing", "Unknown", reasons.paused, "Deployment is paused", this.now()));
    } else if (!d.spec?.paused && pausedCondExists) {
      setCondition(next.status, newCondition("Progressing", "Unknown", reasons.resumed, "Deployment is resumed", this.now()));
    } else return;
    await this.updateDeploymentStatus(next);
  }

  /** getAllReplicaSetsAndSyncRevision */
  async allReplicaSets(createIfNotExisted: boolean): Promise<{ newRS: ReplicaSet | undefined; oldRSs: ReplicaSet[] }> {
    const found = findNewReplicaSet(this.d, this.rsList);
    const oldRSs = this.rsList.filter((rs) => rs.metadata.uid !== found?.metadata.uid);
    const newRS = await this.getNewReplicaSet(found, oldRSs, createIfNotExisted);
    return { newRS, oldRSs: this.current(oldRSs) };
  }

  /**
   * getNewReplicaSet: syncs the existing new ReplicaSet's annotations (revision = max old
   * revision + 1) and minReadySeconds, or creates it (`<deployment>-<hash>`, selector and
   * template labelled with pod-template-hash) when asked to.
   */
  private async getNewReplicaSet(existing: ReplicaSet | undefined, oldRSs: ReplicaSet[], create: boolean): Promise<ReplicaSet | undefined> {
    const d = this.d;
    const newRevision = maxRevision(oldRSs) + 1;
    if (existing) {
      const rsCopy = structuredClone(existing);
      const annotationsUpdated = setNewReplicaSetAnnotations(d, rsCopy, newRevision, true);
      const minReady = d.spec?.minReadySeconds ?? 0;
      if (annotationsUpdated || (rsCopy.spec?.minReadySeconds ?? 0) !== minReady) {
        rsCopy.spec = { ...rsCopy.spec!, minReadySeconds: minReady };
        return this.updateRS(rsCopy);
      }
      const next = structuredClone(d);
      let needsUpdate = setDeploymentRevision(next, rsCopy.metadata.annotations?.["deployment.kubernetes.io/revision"] ?? "");
      if (hasProgressDeadline(d) && !getCondition(d.status, "Progressing")) {
        next.status ??= {};
        setCondition(next.status, newCondition("Progressing", "True", reasons.foundNewRS, `Found new replica set "${rsCopy.metadata.name}"`, this.now()));
        needsUpdate = true;
      }
      if (needsUpdate) await this.updateDeploymentStatus(next);
      return existing;
    }
    if (!create) return undefined;

    const template = structuredClone(d.spec!.template);
    const hash = computeHash(d.spec!.template, d.status?.collisionCount);
    template.metadata = { ...template.metadata, labels: { ...template.metadata?.labels, [podTemplateHashLabel]: hash } };
    const selector: MetaLabelSelector = structuredClone(d.spec!.selector);
    selector.matchLabels = { ...selector.matchLabels, [podTemplateHashLabel]: hash };
    const newRS: ReplicaSet = {
      apiVersion: "apps/v1",
      kind: "ReplicaSet",
      metadata: { name: `${d.metadata.name}-${hash}`, namespace: d.metadata.namespace, ownerReferences: [controllerRefTo(d)], labels: { ...template.metadata.labels } },
      spec: { replicas: 0, minReadySeconds: d.spec?.minReadySeconds ?? 0, selector, template },
    };
    newRS.spec!.replicas = newRSNewReplicas(d, [...oldRSs, newRS], newRS);
    setNewReplicaSetAnnotations(d, newRS, newRevision, false);

    let created: ReplicaSet;
    let alreadyExists = false;
    try {
      created = this.remember(await this.ctx.client.create(replicaSets, newRS, { signal: this.ctx.signal }));
    } catch (err) {
      if (isApiError(err) && err.code === 409 && err.reason === "AlreadyExists") {
        alreadyExists = true;
        const rs = await this.ctx.client.get(replicaSets, newRS.metadata.name ?? "", { namespace: d.metadata.namespace, signal: this.ctx.signal });
        const ref = rs.metadata.ownerReferences?.find((r) => r.controller);
        if (ref?.uid === d.metadata.uid && equalIgnoreHash(d.spec?.template, rs.spec?.template)) {
          created = this.remember(rs);
        } else {
          // A hash collision: bump collisionCount so the next pass hashes differently.
          const next = structuredClone(d);
          next.status = { ...next.status, collisionCount: (d.status?.collisionCount ?? 0) + 1 };
          await this.updateDeploymentStatus(next).catch(() => undefined);
          throw err;
        }
      } else {
        if (isApiError(err) && (err.status.details?.causes ?? []).some((c) => c.reason === "NamespaceTerminating")) throw err;
        const msg = `Failed to create new replica set "${newRS.metadata.name}": ${err instanceof Error ? err.message : String(err)}`;
        if (hasProgressDeadline(d)) {
          const next = structuredClone(d);
          next.status ??= {};
          setCondition(next.status, newCondition("Progressing", "False", reasons.failedRSCreate, msg, this.now()));
          await this.updateDeploymentStatus(next).catch(() => undefined);
        }
        this.ctx.events.event(this.subject(), "Warning", reasons.failedRSCreate, msg);
        throw err;
      }
    }
    if (!alreadyExists && rsReplicas(created) > 0) {
      this.ctx.events.event(this.subject(), "Normal", "ScalingReplicaSet", `Scaled up replica set ${created.metadata.name} to ${rsReplicas(created)}`);
    }
    const next = structuredClone(this.d);
    let needsUpdate = setDeploymentRevision(next, String(newRevision));
    if (!alreadyExists && hasProgressDeadline(d)) {
      next.status ??= {};
      setCondition(next.status, newCondition("Progressing", "True", reasons.newReplicaSet, `Created new replica set "${created.metadata.name}"`, this.now()));
      needsUpdate = true;
    }
    if (needsUpdate) await this.updateDeploymentStatus(next);
    return created;
  }

  /** isScalingEvent: an active ReplicaSet was sized for a different spec.replicas. */
  async isScalingEvent(): Promise<boolean> {
    const { newRS, oldRSs } = await this.allReplicaSets(false);
    for (const rs of filterActive([...oldRSs, newRS])) {
      const desired = desiredReplicasOf(rs);
      if (desired === undefined) continue;
      if (desired !== deploymentReplicas(this.d)) return true;
    }
    return false;
  }

  /** sync: scaling and paused Deployments (no rollout), then cleanup when paused, then status. */
  async sync(): Promise<void> {
    const { newRS, oldRSs } = await this.allReplicaSets(false);
    await this.scale(newRS, oldRSs);
    if (this.d.spec?.paused) await this.cleanup(this.current(oldRSs));
    const fresh = this.current([...oldRSs, newRS]);
    await this.syncDeploymentStatus(fresh, newRS && this.current([newRS])[0]);
  }

  async syncStatusOnly(): Promise<void> {
    const { newRS, oldRSs } = await this.allReplicaSets(false);
    await this.syncDeploymentStatus([...oldRSs, newRS], newRS);
  }

  /** The latest copies (after this pass's writes) of these ReplicaSets. */
  private current(rss: (ReplicaSet | undefined)[]): ReplicaSet[] {
    return rss.filter((rs): rs is ReplicaSet => !!rs).map((rs) => this.rsList.find((r) => r.metadata.uid === rs.metadata.uid) ?? rs);
  }

  /** scale: proportional scaling of every active ReplicaSet when spec.replicas changes mid-rollout. */
  private async scale(newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[]): Promise<void> {
    const d = this.d;
    const want = deploymentReplicas(d);
    const activeOrLatest = findActiveOrLatest(newRS, oldRSs);
    if (activeOrLatest) {
      if (rsReplicas(activeOrLatest) === want) return;
      await this.scaleAndRecord(activeOrLatest, want);
      return;
    }
    if (isSaturated(d, newRS)) {
      for (const old of filterActive(oldRSs)) await this.scaleAndRecord(old, 0);
      return;
    }
    if (!isRollingUpdate(d)) return;
    const all = filterActive([...oldRSs, newRS]);
    const allowed = want > 0 ? want + maxSurge(d) : 0;
    const toAdd = allowed - replicaCount(all);
    let op = "";
    if (toAdd > 0) {
      all.sort(bySizeNewer);
      op = "up";
    } else if (toAdd < 0) {
      all.sort(bySizeOlder);
      op = "down";
    }
    let added = 0;
    const sizes = new Map<string, number>();
    for (const rs of all) {
      if (toAdd !== 0) {
        const p = replicaSetProportion(rs, d, toAdd, added);
        sizes.set(rs.metadata.name ?? "", rsReplicas(rs) + p);
        added += p;
      } else sizes.set(rs.metadata.name ?? "", rsReplicas(rs));
    }
    for (const [i, rs] of all.entries()) {
      const name = rs.metadata.name ?? "";
      if (i === 0 && toAdd !== 0) sizes.set(name, Math.max(0, (sizes.get(name) ?? 0) + toAdd - added));
      await this.scaleReplicaSet(rs, sizes.get(name) ?? 0, op);
    }
  }

  /** scaleReplicaSetAndRecordEvent; returns the ReplicaSet as it now is. */
  private async scaleAndRecord(rs: ReplicaSet, newScale: number): Promise<{ scaled: boolean; rs: ReplicaSet }> {
    if (rsReplicas(rs) === newScale) return { scaled: false, rs };
    return this.scaleReplicaSet(rs, newScale, rsReplicas(rs) < newScale ? "up" : "down");
  }

  /** scaleReplicaSet: spec.replicas and the desired/max annotations, with the ScalingReplicaSet event. */
  private async scaleReplicaSet(rs: ReplicaSet, newScale: number, op: string): Promise<{ scaled: boolean; rs: ReplicaSet }> {
    const d = this.d;
    const want = deploymentReplicas(d);
    const max = want + maxSurge(d);
    const sizeNeedsUpdate = rsReplicas(rs) !== newScale;
    if (!sizeNeedsUpdate && !replicasAnnotationsNeedUpdate(rs, want, max)) return { scaled: false, rs };
    const oldScale = rsReplicas(rs);
    const copy = structuredClone(rs);
    copy.spec = { ...copy.spec!, replicas: newScale };
    setReplicasAnnotations(copy, want, max);
    const updated = await this.updateRS(copy);
    if (sizeNeedsUpdate) {
      this.ctx.events.event(this.subject(), "Normal", "ScalingReplicaSet", `Scaled ${op} replica set ${updated.metadata.name} to ${newScale} from ${oldScale}`);
    }
    return { scaled: sizeNeedsUpdate, rs: updated };
  }

  /** cleanupDeployment: deletes the oldest unused ReplicaSets beyond revisionHistoryLimit. */
  private async cleanup(oldRSs: ReplicaSet[]): Promise<void> {
    const d = this.d;
    if (!hasRevisionHistoryLimit(d)) return;
    const cleanable = oldRSs.filter((rs) => !rs.metadata.deletionTimestamp);
    const diff = cleanable.length - (d.spec?.revisionHistoryLimit ?? 0);
    if (diff <= 0) return;
    cleanable.sort(byRevision);
    for (const rs of cleanable.slice(0, diff)) {
      if ((rs.status?.replicas ?? 0) !== 0 || rsReplicas(rs) !== 0 || (rs.metadata.generation ?? 0) > (rs.status?.observedGeneration ?? 0) || rs.metadata.deletionTimestamp) continue;
      try {
        await this.ctx.client.delete(replicaSets, rs.metadata.name ?? "", { namespace: rs.metadata.namespace, signal: this.ctx.signal });
      } catch (err) {
        if (!(isApiError(err) && err.code === 404)) throw err;
      }
    }
  }

  /** syncDeploymentStatus: writes calculateStatus if it differs. */
  private async syncDeploymentStatus(allRSs: (ReplicaSet | undefined)[], newRS: ReplicaSet | undefined): Promise<void> {
    const status = calculateStatus(allRSs, newRS, this.d, this.now());
    if (sameStatus(this.d.status, status)) return;
    await this.updateDeploymentStatus({ ...this.d, status: normalizeStatus(status) });
  }

  // --- rolling.go --------------------------------------------------------------------

  async rolloutRolling(): Promise<void> {
    const { newRS: created, oldRSs } = await this.allReplicaSets(true);
    let newRS = created!;
    let allRSs = [...oldRSs, newRS];
    if (await this.reconcileNewReplicaSet(allRSs, newRS)) {
      return this.syncRolloutStatus(this.current(allRSs), this.current([newRS])[0]);
    }
    newRS = this.current([newRS])[0];
    allRSs = this.current(allRSs);
    if (await this.reconcileOldReplicaSets(allRSs, filterActive(this.current(oldRSs)), newRS)) {
      return this.syncRolloutStatus(this.current(allRSs), newRS);
    }
    if (deploymentComplete(this.d, this.d.status ?? {})) await this.cleanup(this.current(oldRSs));
    return this.syncRolloutStatus(this.current(allRSs), newRS);
  }

  private async reconcileNewReplicaSet(allRSs: ReplicaSet[], newRS: ReplicaSet): Promise<boolean> {
    const want = deploymentReplicas(this.d);
    if (rsReplicas(newRS) === want) return false;
    if (rsReplicas(newRS) > want) return (await this.scaleAndRecord(newRS, want)).scaled;
    return (await this.scaleAndRecord(newRS, newRSNewReplicas(this.d, allRSs, newRS))).scaled;
  }

  private async reconcileOldReplicaSets(allRSs: ReplicaSet[], oldRSs: ReplicaSet[], newRS: ReplicaSet): Promise<boolean> {
    const d = this.d;
    if (replicaCount(oldRSs) === 0) return false;
    const allPods = replicaCount(allRSs);
    const minAvailable = deploymentReplicas(d) - maxUnavailable(d);
    const newRSUnavailable = rsReplicas(newRS) - (newRS.status?.availableReplicas ?? 0);
    const maxScaledDown = allPods - minAvailable - newRSUnavailable;
    if (maxScaledDown <= 0) return false;
    // Unhealthy old replicas first: they would otherwise block the rollout.
    const { oldRSs: cleaned, count: cleanupCount } = await this.cleanupUnhealthyReplicas(oldRSs, maxScaledDown);
    const scaledDown = await this.scaleDownOldForRollingUpdate([...cleaned, newRS], cleaned);
    return cleanupCount + scaledDown > 0;
  }

  private async cleanupUnhealthyReplicas(oldRSs: ReplicaSet[], maxCleanup: number): Promise<{ oldRSs: ReplicaSet[]; count: number }> {
    const sorted = [...oldRSs].sort(byCreation);
    let total = 0;
    for (const [i, rs] of sorted.entries()) {
      if (total >= maxCleanup) break;
      const available = rs.status?.availableReplicas ?? 0;
      if (rsReplicas(rs) === 0 || rsReplicas(rs) === available) continue;
      const count = Math.min(maxCleanup - total, rsReplicas(rs) - available);
      const newCount = rsReplicas(rs) - count;
      if (newCount > rsReplicas(rs)) throw new Error(`when cleaning up unhealthy replicas, got invalid request to scale down ${rs.metadata.namespace}/${rs.metadata.name} ${rsReplicas(rs)} -> ${newCount}`);
      const { rs: updated } = await this.scaleAndRecord(rs, newCount);
      total += count;
      sorted[i] = updated;
    }
    return { oldRSs: sorted, count: total };
  }

  private async scaleDownOldForRollingUpdate(allRSs: ReplicaSet[], oldRSs: ReplicaSet[]): Promise<number> {
    const d = this.d;
    const minAvailable = deploymentReplicas(d) - maxUnavailable(d);
    const available = availableReplicaCount(allRSs);
    if (available <= minAvailable) return 0;
    const sorted = [...oldRSs].sort(byCreation);
    const totalToScaleDown = available - minAvailable;
    let total = 0;
    for (const rs of sorted) {
      if (total >= totalToScaleDown) break;
      if (rsReplicas(rs) === 0) continue;
      const count = Math.min(rsReplicas(rs), totalToScaleDown - total);
      const newCount = rsReplicas(rs) - count;
      if (newCount > rsReplicas(rs)) throw new Error(`when scaling down old replica set, got invalid request to scale down ${rs.metadata.namespace}/${rs.metadata.name} ${rsReplicas(rs)} -> ${newCount}`);
      await this.scaleAndRecord(rs, newCount);
      total += count;
    }
    return total;
  }

  // --- recreate.go -------------------------------------------------------------------

  async rolloutRecreate(): Promise<void> {
    let { newRS, oldRSs } = await this.allReplicaSets(false);
    let allRSs = [...oldRSs, newRS];
    let scaledDown = false;
    for (const rs of filterActive(oldRSs)) {
      if ((await this.scaleAndRecord(rs, 0)).scaled) scaledDown = true;
    }
    if (scaledDown) return this.syncRolloutStatus(this.current(allRSs), newRS && this.current([newRS])[0]);
    if (this.oldPodsRunning(newRS, this.current(oldRSs))) return this.syncRolloutStatus(this.current(allRSs), newRS && this.current([newRS])[0]);
    if (!newRS) {
      ({ newRS, oldRSs } = await this.allReplicaSets(true));
      allRSs = [...oldRSs, newRS];
    }
    await this.scaleAndRecord(this.current([newRS])[0], deploymentReplicas(this.d));
    if (deploymentComplete(this.d, this.d.status ?? {})) await this.cleanup(this.current(oldRSs));
    return this.syncRolloutStatus(this.current(allRSs), this.current([newRS])[0]);
  }

  /** oldPodsRunning: any old ReplicaSet still reports replicas, or owns a pod not yet terminal. */
  private oldPodsRunning(newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[]): boolean {
    if (actualReplicaCount(oldRSs) > 0) return true;
    for (const [uid, pods] of this.podMap) {
      if (newRS && newRS.metadata.uid === uid) continue;
      for (const pod of pods) {
        const phase = pod.status?.phase;
        if (phase === "Failed" || phase === "Succeeded") continue;
        return true;
      }
    }
    return false;
  }

  // --- progress.go -------------------------------------------------------------------

  /** syncRolloutStatus: status plus the Progressing condition and the progress-deadline check. */
  private async syncRolloutStatus(allRSs: ReplicaSet[], newRS: ReplicaSet | undefined): Promise<void> {
    const d = this.d;
    const nowMs = this.ctx.clock.now();
    const now = formatTime(nowMs);
    const status = calculateStatus(allRSs, newRS, d, now);
    if (!hasProgressDeadline(d)) removeCondition(status, "Progressing");
    const currentCond = getCondition(d.status, "Progressing");
    const isComplete = (status.replicas ?? 0) === (status.updatedReplicas ?? 0) && currentCond?.reason === reasons.newRSAvailable;
    if (hasProgressDeadline(d) && !isComplete) {
      if (deploymentComplete(d, status)) {
        const msg = newRS ? `ReplicaSet "${newRS.metadata.name}" has successfully progressed.` : `Deployment "${d.metadata.name}" has successfully progressed.`;
        setCondition(status, newCondition("Progressing", "True", reasons.newRSAvailable, msg, now));
      } else if (deploymentProgressing(d, status)) {
        const msg = newRS ? `ReplicaSet "${newRS.metadata.name}" is progressing.` : `Deployment "${d.metadata.name}" is progressing.`;
        let cond = newCondition("Progressing", "True", reasons.replicaSetUpdated, msg, now);
        // Progress moves lastUpdateTime even when the reason stays the same.
        if (currentCond) {
          if (currentCond.status === "True") cond = { ...cond, lastTransitionTime: currentCond.lastTransitionTime };
          removeCondition(status, "Progressing");
        }
        setCondition(status, cond);
      } else if (deploymentTimedOut(d, status, nowMs)) {
        const msg = newRS ? `ReplicaSet "${newRS.metadata.name}" has timed out progressing.` : `Deployment "${d.metadata.name}" has timed out progressing.`;
        setCondition(status, newCondition("Progressing", "False", reasons.timedOut, msg, now));
      }
    }
    const failure = this.replicaFailure(allRSs, newRS);
    if (failure) setCondition(status, failure);
    else removeCondition(status, "ReplicaFailure");

    if (sameStatus(d.status, status)) {
      this.requeueStuck(status, nowMs);
      return;
    }
    await this.updateDeploymentStatus({ ...d, status: normalizeStatus(status) });
  }

  /** getReplicaFailures: the new ReplicaSet's ReplicaFailure first, else an old one's. */
  private replicaFailure(allRSs: ReplicaSet[], newRS: ReplicaSet | undefined): ReturnType<typeof newCondition> | undefined {
    const toDeployment = (c: { status: string; reason?: string; message?: string; lastTransitionTime?: string }) => ({
      type: "ReplicaFailure",
      status: c.status,
      reason: c.reason,
      message: c.message,
      lastTransitionTime: c.lastTransitionTime,
      lastUpdateTime: c.lastTransitionTime,
    });
    const of = (rs: ReplicaSet) => rs.status?.conditions?.find((c) => c.type === "ReplicaFailure");
    if (newRS) {
      const c = of(newRS);
      if (c) return toDeployment(c);
    }
    for (const rs of allRSs) {
      if (newRS && rs.metadata.uid === newRS.metadata.uid) continue;
      const c = of(rs);
      if (c) return toDeployment(c);
    }
    return undefined;
  }

  /** requeueStuckDeployment: check again when the progress deadline would pass. */
  private requeueStuck(status: ReturnType<typeof calculateStatus>, nowMs: number): void {
    const d = this.d;
    const cond = getCondition(d.status, "Progressing");
    if (!hasProgressDeadline(d) || !cond) return;
    if (deploymentComplete(d, status) || cond.reason === reasons.timedOut) return;
    const from = cond.lastUpdateTime ? Date.parse(cond.lastUpdateTime) : NaN;
    if (Number.isNaN(from)) return;
    const after = from + (d.spec?.progressDeadlineSeconds ?? 0) * 1000 - nowMs;
    this.requeueAfterMs = after < 1000 ? 1000 : after + 1000;
  }
}
