// Adoption and release of pods by their controller (pkg/controller/controller_ref_manager.go).
import type { OwnerReference, Pod } from "../../api/index.js";
import { isApiError, type LabelSelector } from "../../machinery/index.js";
import { resources, type Client } from "../../client/index.js";
import { controllerRefOf } from "./_pods.js";

export interface ClaimOptions {
  client: Client;
  /** The controller reference to set on adopted pods. */
  ref: OwnerReference;
  namespace: string;
  selector: LabelSelector;
  /** The owner is being deleted: adopt nothing, release nothing. */
  ownerDeleting: boolean;
  /** Checked once before the first adoption with an uncached read (RecheckDeletionTimestamp). */
  canAdopt: () => Promise<void>;
  signal?: AbortSignal;
}

/**
 * ClaimPods: the pods this controller owns after adopting matching orphans and releasing
 * owned pods whose labels no longer match. Adoption and release are strategic-merge
 * patches of `metadata.ownerReferences` (merge key uid), as upstream sends them.
 */
export async function claimPods(pods: Pod[], options: ClaimOptions): Promise<Pod[]> {
  const { client, ref, selector, namespace, signal } = options;
  const claimed: Pod[] = [];
  const errors: unknown[] = [];
  let adoptable: Promise<void> | undefined;
  for (const pod of pods) {
    const owner = controllerRefOf(pod);
    const name = pod.metadata.name ?? "";
    if (owner) {
      if (owner.uid !== ref.uid) continue;
      if (selector.matches(pod.metadata.labels)) {
        claimed.push(pod);
        continue;
      }
      if (options.ownerDeleting || pod.metadata.deletionTimestamp) continue;
      try {
        const patch = { metadata: { ownerReferences: [{ $patch: "delete", uid: ref.uid }], uid: pod.metadata.uid } };
        await client.patch(resources.pods, name, patch, { namespace, type: "strategic", signal });
      } catch (err) {
        // Gone, or already not ours: nothing to release.
        if (!(isApiError(err) && (err.code === 404 || err.code === 422))) errors.push(err);
      }
      continue;
    }
    if (options.ownerDeleting || pod.metadata.deletionTimestamp || !selector.matches(pod.metadata.labels)) continue;
    try {
      adoptable ??= options.canAdopt();
      await adoptable;
      const patch = { metadata: { ownerReferences: [ref], uid: pod.metadata.uid } };
      claimed.push((await client.patch(resources.pods, name, patch, { namespace, type: "strategic", signal })) as Pod);
    } catch (err) {
      if (!(isApiError(err) && err.code === 404)) errors.push(err);
    }
  }
  if (errors.length) throw errors[0];
  return claimed;
}
