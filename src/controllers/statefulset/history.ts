// ControllerRevisions of a StatefulSet (pkg/controller/history/controller_history.go and
// stateful_set_utils.go: newRevision, ApplyRevision, getPatch).
import type { ControllerRevision, PodTemplateSpec, StatefulSet } from "../../api/index.js";
import { revisionLabel } from "./identity.js";

/** JSON with object keys sorted at every level, as Go's encoding/json writes maps. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

function fnv32a(text: string): number {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(text, "utf8")) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

const safeAlphabet = "bcdfghjklmnpqrstvwxz2456789";

function safeEncode(text: string): string {
  let out = "";
  for (const ch of Buffer.from(text, "utf8")) out += safeAlphabet[ch % safeAlphabet.length];
  return out;
}

/** HashControllerRevision: of the revision data, plus the collision count when non-zero. */
export function hashRevisionData(data: unknown, collisionCount: number): string {
  let text = canonicalJson(data);
  if (collisionCount) text += String(collisionCount);
  return safeEncode(String(fnv32a(text)));
}

/** getPatch: a strategic merge patch replacing spec.template. */
export function revisionData(set: StatefulSet): Record<string, unknown> {
  return { spec: { template: { ...(set.spec?.template ?? {}), $patch: "replace" } } };
}

/** ControllerRevisionName: the parent's name (cut to 223 characters) and the hash. */
export function revisionName(parent: string, hash: string): string {
  return `${parent.length > 223 ? parent.slice(0, 223) : parent}-${hash}`;
}

/** newRevision: `<set>-<hash>` with the template's labels and the hash label, owned by the set. */
export function newRevision(set: StatefulSet, revision: number, collisionCount: number): ControllerRevision {
  const data = revisionData(set);
  const hash = hashRevisionData(data, collisionCount);
  return {
    apiVersion: "apps/v1",
    kind: "ControllerRevision",
    metadata: {
      name: revisionName(set.metadata.name ?? "", hash),
      namespace: set.metadata.namespace,
      labels: { ...(set.spec?.template?.metadata?.labels ?? {}), [revisionLabel]: hash },
      ...(set.metadata.annotations ? { annotations: { ...set.metadata.annotations } } : {}),
      ownerReferences: [{ apiVersion: "apps/v1", kind: "StatefulSet", name: set.metadata.name ?? "", uid: set.metadata.uid ?? "", controller: true, blockOwnerDeletion: true }],
    },
    data,
    revision,
  };
}

/** EqualRevision: the same data. */
export function equalRevision(a: ControllerRevision, b: ControllerRevision): boolean {
  return canonicalJson(a.data ?? null) === canonicalJson(b.data ?? null);
}

/** ApplyRevision: the pod template a revision holds. */
export function templateOf(revision: ControllerRevision, fallback: PodTemplateSpec): PodTemplateSpec {
  const data = revision.data as { spec?: { template?: Record<string, unknown> } } | undefined;
  const t = data?.spec?.template;
  if (!t) return fallback;
  const { $patch: _ignored, ...template } = t;
  return template as PodTemplateSpec;
}

/** SortControllerRevisions: by revision, then creation, then name. */
export function sortRevisions(list: ControllerRevision[]): ControllerRevision[] {
  return list.sort((a, b) => {
    if (a.revision !== b.revision) return (a.revision ?? 0) - (b.revision ?? 0);
    const ca = a.metadata.creationTimestamp ?? "";
    const cb = b.metadata.creationTimestamp ?? "";
    if (ca !== cb) return ca < cb ? -1 : 1;
    return (a.metadata.name ?? "") < (b.metadata.name ?? "") ? -1 : 1;
  });
}
