// Pure helpers of the deployment controller (pkg/controller/deployment/util/deployment_util.go).
import type { Deployment, DeploymentCondition, DeploymentStatus, PodTemplateSpec, ReplicaSet } from "../../api/index.js";
import { canonicalJson } from "./hash.js";

export const podTemplateHashLabel = "pod-template-hash";
export const revisionAnnotation = "deployment.kubernetes.io/revision";
export const revisionHistoryAnnotation = "deployment.kubernetes.io/revision-history";
export const desiredReplicasAnnotation = "deployment.kubernetes.io/desired-replicas";
export const maxReplicasAnnotation = "deployment.kubernetes.io/max-replicas";
export const changeCauseAnnotation = "kubernetes.io/change-cause";
const lastAppliedAnnotation = "kubectl.kubernetes.io/last-applied-configuration";
const deprecatedRollbackTo = "deprecated.deployment.rollback.to";

/** Annotations of a Deployment never copied to its ReplicaSets. */
const annotationsToSkip = new Set([lastAppliedAnnotation, revisionAnnotation, revisionHistoryAnnotation, desiredReplicasAnnotation, maxReplicasAnnotation, deprecatedRollbackTo]);

/** Condition reasons, as upstream spells them. */
export const reasons = {
  newRSAvailable: "NewReplicaSetAvailable",
  timedOut: "ProgressDeadlineExceeded",
  replicaSetUpdated: "ReplicaSetUpdated",
  failedRSCreate: "ReplicaSetCreateError",
  newReplicaSet: "NewReplicaSetCreated",
  foundNewRS: "FoundNewReplicaSet",
  paused: "DeploymentPaused",
  resumed: "DeploymentResumed",
  minimumReplicasAvailable: "MinimumReplicasAvailable",
  minimumReplicasUnavailable: "MinimumReplicasUnavailable",
} as const;

/** Limit of the revision-history annotation (~100 revisions). */
export const maxRevHistoryLengthInChars = 2000;

export function deploymentReplicas(d: Deployment): number {
  return d.spec?.replicas ?? 1;
}

export function rsReplicas(rs: ReplicaSet | undefined): number {
  return rs?.spec?.replicas ?? 0;
}

export function isRollingUpdate(d: Deployment): boolean {
  return (d.spec?.strategy?.type ?? "RollingUpdate") === "RollingUpdate";
}

/** GetScaledValueFromIntOrPercent: an integer, or "N%" of `total` rounded up or down. */
export function scaledValue(value: number | string | undefined, total: number, roundUp: boolean): number {
  if (value === undefined) value = "25%";
  if (typeof value === "number") return value;
  const m = /^(\d+)%$/.exec(value);
  if (!m) throw new Error(`invalid value for IntOrString: invalid type: string is not a percentage`);
  const v = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(v) : Math.floor(v);
}

/** ResolveFenceposts: maxSurge rounds up, maxUnavailable down; both 0 would stall, so unavailable becomes 1. */
export function resolveFenceposts(d: Deployment): { surge: number; unavailable: number } {
  const desired = deploymentReplicas(d);
  const ru = d.spec?.strategy?.rollingUpdate;
  const surge = scaledValue(ru?.maxSurge, desired, true);
  let unavailable = scaledValue(ru?.maxUnavailable, desired, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable };
}

export function maxSurge(d: Deployment): number {
  return isRollingUpdate(d) ? resolveFenceposts(d).surge : 0;
}

export function maxUnavailable(d: Deployment): number {
  if (!isRollingUpdate(d) || deploymentReplicas(d) === 0) return 0;
  return Math.min(resolveFenceposts(d).unavailable, deploymentReplicas(d));
}

export function hasProgressDeadline(d: Deployment): boolean {
  const s = d.spec?.progressDeadlineSeconds;
  return s !== undefined && s !== 2147483647;
}

export function hasRevisionHistoryLimit(d: Deployment): boolean {
  const l = d.spec?.revisionHistoryLimit;
  return l !== undefined && l !== 2147483647;
}

/** The revision annotation as a number (0 if missing, NaN if not a number). */
export function revisionOf(obj: { metadata: { annotations?: Record<string, string> } }): number {
  const v = obj.metadata.annotations?.[revisionAnnotation];
  if (v === undefined) return 0;
  return /^-?\d+$/.test(v) ? Number(v) : NaN;
}

export function maxRevision(rss: ReplicaSet[]): number {
  let max = 0;
  for (const rs of rss) {
    const v = revisionOf(rs);
    if (!Number.isNaN(v) && v > max) max = v;
  }
  return max;
}

// --- sorting -----------------------------------------------------------------------

function createdMs(rs: ReplicaSet): number {
  return rs.metadata.creationTimestamp ? Date.parse(rs.metadata.creationTimestamp) : 0;
}

/** ReplicaSetsByCreationTimestamp: older first, ties by name. */
export function byCreation(a: ReplicaSet, b: ReplicaSet): number {
  const d = createdMs(a) - createdMs(b);
  if (d !== 0) return d;
  return (a.metadata.name ?? "") < (b.metadata.name ?? "") ? -1 : (a.metadata.name ?? "") > (b.metadata.name ?? "") ? 1 : 0;
}

/** ReplicaSetsBySizeNewer: larger first; equal sizes newer first. */
export function bySizeNewer(a: ReplicaSet, b: ReplicaSet): number {
  if (rsReplicas(a) === rsReplicas(b)) return byCreation(b, a);
  return rsReplicas(b) - rsReplicas(a);
}

/** ReplicaSetsBySizeOlder: larger first; equal sizes older first. */
export function bySizeOlder(a: ReplicaSet, b: ReplicaSet): number {
  if (rsReplicas(a) === rsReplicas(b)) return byCreation(a, b);
  return rsReplicas(b) - rsReplicas(a);
}

/** ReplicaSetsByRevision: lower revision first; ties by creation. */
export function byRevision(a: ReplicaSet, b: ReplicaSet): number {
  const ra = revisionOf(a) || 0;
  const rb = revisionOf(b) || 0;
  if (ra === rb) return byCreation(a, b);
  return ra - rb;
}

// --- templates -------------------------------------------------------------------

function withoutHash(t: PodTemplateSpec | undefined): PodTemplateSpec {
  const copy = structuredClone(t ?? {});
  const meta = copy.metadata;
  if (meta?.labels) {
    delete meta.labels[podTemplateHashLabel];
    if (Object.keys(meta.labels).length === 0) delete meta.labels;
  }
  if (meta?.annotations && Object.keys(meta.annotations).length === 0) delete meta.annotations;
  return copy;
}

/** EqualIgnoreHash: the same template apart from the pod-template-hash label (empty maps equal missing ones). */
export function equalIgnoreHash(a: PodTemplateSpec | undefined, b: PodTemplateSpec | undefined): boolean {
  return canonicalJson(withoutHash(a)) === canonicalJson(withoutHash(b));
}

/** FindNewReplicaSet: the oldest ReplicaSet whose template is the Deployment's. */
export function findNewReplicaSet(d: Deployment, rss: ReplicaSet[]): ReplicaSet | undefined {
  return [...rss].sort(byCreation).find((rs) => equalIgnoreHash(rs.spec?.template, d.spec?.template));
}

export function filterActive(rss: (ReplicaSet | undefined)[]): ReplicaSet[] {
  return rss.filter((rs): rs is ReplicaSet => !!rs && rsReplicas(rs) > 0);
}

/** Sum of spec.replicas. */
export function replicaCount(rss: (ReplicaSet | undefined)[]): number {
  return rss.reduce((n, rs) => n + rsReplicas(rs), 0);
}

/** Sum of status.replicas. */
export function actualReplicaCount(rss: (ReplicaSet | undefined)[]): number {
  return rss.reduce((n, rs) => n + (rs?.status?.replicas ?? 0), 0);
}

export function readyReplicaCount(rss: (ReplicaSet | undefined)[]): number {
  return rss.reduce((n, rs) => n + (rs?.status?.readyReplicas ?? 0), 0);
}

export function availableReplicaCount(rss: (ReplicaSet | undefined)[]): number {
  return rss.reduce((n, rs) => n + (rs?.status?.availableReplicas ?? 0), 0);
}

export function terminatingReplicaCount(rss: (ReplicaSet | undefined)[]): number | undefined {
  let any = false;
  let n = 0;
  for (const rs of rss) {
    if (rs?.status?.terminatingReplicas === undefined) continue;
    any = true;
    n += rs.status.terminatingReplicas;
  }
  return any ? n : undefined;
}

// --- replica-set annotations ------------------------------------------------------

/** SetReplicasAnnotations: desired-replicas and max-replicas; true if anything changed. */
export function setReplicasAnnotations(rs: ReplicaSet, desired: number, max: number): boolean {
  const a = (rs.metadata.annotations ??= {});
  let changed = false;
  if (a[desiredReplicasAnnotation] !== String(desired)) {
    a[desiredReplicasAnnotation] = String(desired);
    changed = true;
  }
  if (a[maxReplicasAnnotation] !== String(max)) {
    a[maxReplicasAnnotation] = String(max);
    changed = true;
  }
  return changed;
}

export function replicasAnnotationsNeedUpdate(rs: ReplicaSet, desired: number, max: number): boolean {
  const a = rs.metadata.annotations ?? {};
  return a[desiredReplicasAnnotation] !== String(desired) || a[maxReplicasAnnotation] !== String(max);
}

function desiredReplicasOf(rs: ReplicaSet): number | undefined {
  const v = rs.metadata.annotations?.[desiredReplicasAnnotation];
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined;
}

function maxReplicasOf(rs: ReplicaSet): number | undefined {
  const v = rs.metadata.annotations?.[maxReplicasAnnotation];
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined;
}

export { desiredReplicasOf };

/**
 * SetNewReplicaSetAnnotations: copies the Deployment's annotations (but the skipped ones),
 * raises the revision to `newRevision` if it is higher (keeping the old one in
 * revision-history: a rollback to this ReplicaSet), and for a ReplicaSet about to be
 * created sets desired/max replicas. True if anything changed.
 */
export function setNewReplicaSetAnnotations(d: Deployment, rs: ReplicaSet, newRevision: number, exists: boolean): boolean {
  const a = (rs.metadata.annotations ??= {});
  let changed = false;
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) {
    if (annotationsToSkip.has(k) || a[k] === v) continue;
    a[k] = v;
    changed = true;
  }
  const oldRevision = a[revisionAnnotation];
  let oldRevisionInt = 0;
  if (oldRevision !== undefined) {
    if (!/^-?\d+$/.test(oldRevision)) return changed;
    oldRevisionInt = Number(oldRevision);
  }
  if (oldRevisionInt < newRevision) {
    a[revisionAnnotation] = String(newRevision);
    changed = true;
    if (oldRevision !== undefined) {
      const history = a[revisionHistoryAnnotation] ?? "";
      let old = history.split(",");
      if (old[0].length === 0) a[revisionHistoryAnnotation] = oldRevision;
      else {
        let total = history.length + oldRevision.length + 1;
        let start = 0;
        while (total > maxRevHistoryLengthInChars && start < old.length) {
          total -= old[start].length + 1;
          start++;
        }
        if (total <= maxRevHistoryLengthInChars) {
          old = [...old.slice(start), oldRevision];
          a[revisionHistoryAnnotation] = old.join(",");
        }
      }
    }
  }
  if (!exists) {
    const desired = deploymentReplicas(d);
    if (setReplicasAnnotations(rs, desired, desired + maxSurge(d))) changed = true;
  }
  return changed;
}

/** SetDeploymentRevision: true if the Deployment's revision annotation changed. */
export function setDeploymentRevision(d: Deployment, revision: string): boolean {
  const a = (d.metadata.annotations ??= {});
  if (a[revisionAnnotation] === revision) return false;
  a[revisionAnnotation] = revision;
  return true;
}

// --- replica arithmetic -------------------------------------------------------------

/** NewRSNewReplicas: how big the new ReplicaSet may be now. */
export function newRSNewReplicas(d: Deployment, allRSs: (ReplicaSet | undefined)[], newRS: ReplicaSet): number {
  if (!isRollingUpdate(d)) return deploymentReplicas(d);
  const desired = deploymentReplicas(d);
  const surge = scaledValue(d.spec?.strategy?.rollingUpdate?.maxSurge, desired, true);
  const current = replicaCount(allRSs);
  const maxTotal = desired + surge;
  if (current >= maxTotal) return rsReplicas(newRS);
  const scaleUp = Math.min(maxTotal - current, desired - rsReplicas(newRS));
  return rsReplicas(newRS) + scaleUp;
}

/** IsSaturated: the new ReplicaSet has every replica, all available. */
export function isSaturated(d: Deployment, rs: ReplicaSet | undefined): boolean {
  if (!rs) return false;
  const desired = desiredReplicasOf(rs);
  if (desired === undefined) return false;
  const want = deploymentReplicas(d);
  return rsReplicas(rs) === want && desired === want && (rs.status?.availableReplicas ?? 0) === want;
}

/** FindActiveOrLatest: the one active ReplicaSet, or the newest if none is active; undefined if several are. */
export function findActiveOrLatest(newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[]): ReplicaSet | undefined {
  if (!newRS && oldRSs.length === 0) return undefined;
  const sortedOld = [...oldRSs].sort((a, b) => byCreation(b, a));
  const active = filterActive([...sortedOld, newRS]);
  if (active.length === 0) return newRS ?? sortedOld[0];
  if (active.length === 1) return active[0];
  return undefined;
}

/** GetReplicaSetProportion: this ReplicaSet's share of a scaling of the whole Deployment. */
export function replicaSetProportion(rs: ReplicaSet, d: Deployment, toAdd: number, added: number): number {
  if (rsReplicas(rs) === 0 || toAdd === 0 || toAdd === added) return 0;
  const fraction = replicaSetFraction(rs, d);
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}

function replicaSetFraction(rs: ReplicaSet, d: Deployment): number {
  if (deploymentReplicas(d) === 0) return -rsReplicas(rs);
  const maxNow = deploymentReplicas(d) + maxSurge(d);
  let before = maxReplicasOf(rs);
  if (!before) {
    before = d.status?.replicas ?? 0;
    if (before === 0) return 0;
  }
  const size = (rsReplicas(rs) * maxNow) / before;
  // integer.RoundToInt32: math.Round, halves away from zero.
  const rounded = size < 0 ? -Math.round(-size) : Math.round(size);
  return rounded - rsReplicas(rs);
}

// --- status and conditions ----------------------------------------------------------

export function getCondition(status: DeploymentStatus | undefined, type: string): DeploymentCondition | undefined {
  return status?.conditions?.find((c) => c.type === type);
}

export function newCondition(type: string, status: string, reason: string, message: string, now: string): DeploymentCondition {
  return { type, status, lastUpdateTime: now, lastTransitionTime: now, reason, message };
}

/** SetDeploymentCondition: same status and reason → unchanged; same status → keeps lastTransitionTime. */
export function setCondition(status: DeploymentStatus, cond: DeploymentCondition): void {
  const current = getCondition(status, cond.type);
  if (current && current.status === cond.status && current.reason === cond.reason) return;
  if (current && current.status === cond.status) cond = { ...cond, lastTransitionTime: current.lastTransitionTime };
  status.conditions = [...(status.conditions ?? []).filter((c) => c.type !== cond.type), cond];
}

export function removeCondition(status: DeploymentStatus, type: string): void {
  if (!status.conditions) return;
  status.conditions = status.conditions.filter((c) => c.type !== type);
  if (status.conditions.length === 0) delete status.conditions;
}

/** calculateStatus: the Deployment's status from its ReplicaSets, with the Available condition. */
export function calculateStatus(allRSs: (ReplicaSet | undefined)[], newRS: ReplicaSet | undefined, d: Deployment, now: string): DeploymentStatus {
  const available = availableReplicaCount(allRSs);
  const total = replicaCount(allRSs);
  const status: DeploymentStatus = {
    observedGeneration: d.metadata.generation ?? 0,
    replicas: actualReplicaCount(allRSs),
    updatedReplicas: actualReplicaCount([newRS]),
    readyReplicas: readyReplicaCount(allRSs),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, total - available),
    collisionCount: d.status?.collisionCount,
    terminatingReplicas: terminatingReplicaCount(allRSs),
  };
  if (d.status?.conditions?.length) status.conditions = d.status.conditions.map((c) => ({ ...c }));
  if (available >= deploymentReplicas(d) - maxUnavailable(d)) {
    setCondition(status, newCondition("Available", "True", reasons.minimumReplicasAvailable, "Deployment has minimum availability.", now));
  } else {
    setCondition(status, newCondition("Available", "False", reasons.minimumReplicasUnavailable, "Deployment does not have minimum availability.", now));
  }
  return status;
}

/** DeploymentComplete: every replica updated and available, and the latest spec observed. */
export function deploymentComplete(d: Deployment, s: DeploymentStatus): boolean {
  const want = deploymentReplicas(d);
  return (s.updatedReplicas ?? 0) === want && (s.replicas ?? 0) === want && (s.availableReplicas ?? 0) === want && (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 0);
}

/** DeploymentProgressing: more updated, ready or available pods, or fewer old ones, than last recorded. */
export function deploymentProgressing(d: Deployment, s: DeploymentStatus): boolean {
  const old = d.status ?? {};
  const oldOld = (old.replicas ?? 0) - (old.updatedReplicas ?? 0);
  const newOld = (s.replicas ?? 0) - (s.updatedReplicas ?? 0);
  return (s.updatedReplicas ?? 0) > (old.updatedReplicas ?? 0) || newOld < oldOld || (s.readyReplicas ?? 0) > (old.readyReplicas ?? 0) || (s.availableReplicas ?? 0) > (old.availableReplicas ?? 0);
}

/** DeploymentTimedOut: no progress recorded for progressDeadlineSeconds. */
export function deploymentTimedOut(d: Deployment, s: DeploymentStatus, nowMs: number): boolean {
  if (!hasProgressDeadline(d)) return false;
  const cond = getCondition(s, "Progressing");
  if (!cond) return false;
  if (cond.reason === reasons.newRSAvailable) return false;
  if (cond.reason === reasons.timedOut) return true;
  const from = cond.lastUpdateTime ? Date.parse(cond.lastUpdateTime) : NaN;
  if (Number.isNaN(from)) return false;
  return from + (d.spec?.progressDeadlineSeconds ?? 0) * 1000 < nowMs;
}

/** The status as it is stored: zero counts left out (Go's omitempty), so equal statuses compare equal. */
export function normalizeStatus(s: DeploymentStatus | undefined): DeploymentStatus {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(s ?? {})) {
    if (v === undefined) continue;
    if (v === 0 && k !== "terminatingReplicas" && k !== "collisionCount") continue;
    if (k === "conditions" && Array.isArray(v) && v.length === 0) continue;
    out[k] = v;
  }
  return out as DeploymentStatus;
}

export function sameStatus(a: DeploymentStatus | undefined, b: DeploymentStatus | undefined): boolean {
  return canonicalJson(normalizeStatus(a)) === canonicalJson(normalizeStatus(b));
}
