// ControllerRevisions of a DaemonSet (pkg/controller/daemon/update.go: snapshot, Match,
// getPatch) and the template hash (pkg/controller/controller_utils.go ComputeHash).
import type { ControllerRevision, DaemonSet, PodTemplateSpec } from "../../api/index.js";

/** The pod and revision label carrying the template hash (apps.DefaultDaemonSetUniqueLabelKey). */
export const controllerRevisionHashLabel = "controller-revision-hash";
/** The deprecated label with the DaemonSet's generation (extensions.DaemonSetTemplateGenerationKey). */
export const templateGenerationLabel = "pod-template-generation";

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

/** rand.SafeEncodeString: each character mapped into an alphabet without vowels (no words in names). */
export function safeEncode(text: string): string {
  let out = "";
  for (const ch of Buffer.from(text, "utf8")) out += safeAlphabet[ch % safeAlphabet.length];
  return out;
}

/** The hash of a pod template (and collision count) used in revision names and pod labels. */
export function computeHash(template: PodTemplateSpec | undefined, collisionCount?: number): string {
  let text = canonicalJson(template ?? {});
  if (collisionCount !== undefined && collisionCount !== 0) text += String(collisionCount);
  return safeEncode(String(fnv32a(text)));
}

/** The revision data: a strategic merge patch that replaces spec.template (getPatch). */
export function revisionData(ds: DaemonSet): Record<string, unknown> {
  return { spec: { template: { ...(ds.spec?.template ?? {}), $patch: "replace" } } };
}

/** The revision holds the DaemonSet's current template (Match). */
export function revisionMatches(ds: DaemonSet, revision: ControllerRevision): boolean {
  return canonicalJson(revisionData(ds)) === canonicalJson(revision.data ?? null);
}

/** A new revision of `ds` (snapshot): `<ds>-<hash>`, template labels plus the hash, owned by `ds`. */
export function newRevision(ds: DaemonSet, revision: number, hash: string): ControllerRevision {
  return {
    apiVersion: "apps/v1",
    kind: "ControllerRevision",
    metadata: {
      name: `${ds.metadata.name}-${hash}`,
      namespace: ds.metadata.namespace,
      labels: { ...(ds.spec?.template?.metadata?.labels ?? {}), [controllerRevisionHashLabel]: hash },
      ...(ds.metadata.annotations ? { annotations: { ...ds.metadata.annotations } } : {}),
      ownerReferences: [{ apiVersion: "apps/v1", kind: "DaemonSet", name: ds.metadata.name ?? "", uid: ds.metadata.uid ?? "", controller: true, blockOwnerDeletion: true }],
    },
    data: revisionData(ds),
    revision,
  };
}
