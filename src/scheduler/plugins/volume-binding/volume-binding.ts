/**
 * VolumeBinding (upstream's pkg/scheduler/framework/plugins/volumebinding, Filter only):
 * a pod's claims must exist and not be terminating; a claim bound to a volume pins the
 * pod to the nodes the volume's node affinity allows (a local-path volume: its node); an
 * unbound claim of a WaitForFirstConsumer class is fine anywhere (the volume is made on
 * the node the pod lands on); an unbound claim of another class waits for binding.
 */
import type { NodeSelectorTerm, PersistentVolume, PersistentVolumeClaim, Pod, StorageClass } from "../../../api/index.js";
import { Informer, resource, type Client, type Clock } from "../../../client/index.js";
import type { Plugin } from "../../framework/plugin.js";
import { nodeSelectorTermsMatch } from "../../framework/node-selector.js";
import { success, unresolvable, unschedulable } from "../../framework/status.js";

/** Synchronous reads of the scheduler's claim, volume and class caches. */
export interface VolumeLister {
  claim(namespace: string, name: string): PersistentVolumeClaim | undefined;
  volume(name: string): PersistentVolume | undefined;
  storageClass(name: string): StorageClass | undefined;
}

export const errReasonNodeConflict = "node(s) had volume node affinity conflict";
export const errReasonUnboundImmediate = "pod has unbound immediate PersistentVolumeClaims";

/** The claims a pod uses: persistentVolumeClaim volumes and generic ephemeral volumes (<pod>-<volume>). */
export function podClaims(pod: Pod): string[] {
  const out: string[] = [];
  for (const v of pod.spec?.volumes ?? []) {
    if (v.persistentVolumeClaim?.claimName) out.push(v.persistentVolumeClaim.claimName);
    else if (v.ephemeral) out.push(`${pod.metadata.name}-${v.name}`);
  }
  return out;
}

export function volumeBinding(lister: VolumeLister): Plugin {
  return {
    name: "VolumeBinding",
    events: ["NodeAdd", "NodeUpdate"],
    filter(_ctx, podInfo, node) {
      const pod = podInfo.pod;
      const ns = pod.metadata.namespace ?? "default";
      for (const name of podClaims(pod)) {
        const claim = lister.claim(ns, name);
        if (!claim) return unresolvable(`persistentvolumeclaim "${name}" not found`);
        if (claim.metadata.deletionTimestamp) return unresolvable(`persistentvolumeclaim "${name}" is being deleted`);
        const volumeName = claim.spec?.volumeName;
        if (volumeName) {
          const pv = lister.volume(volumeName);
          if (!pv) return unresolvable(`pvc(s) bound to non-existent pv(s)`);
          const terms = pv.spec?.nodeAffinity?.required?.nodeSelectorTerms as NodeSelectorTerm[] | undefined;
          if (terms && terms.length > 0 && node.node && !nodeSelectorTermsMatch(terms, node.node)) return unresolvable(errReasonNodeConflict);
          continue;
        }
        const cls = claim.spec?.storageClassName ? lister.storageClass(claim.spec.storageClassName) : undefined;
        if (cls?.volumeBindingMode !== "WaitForFirstConsumer") return unschedulable(errReasonUnboundImmediate);
      }
      return success;
    },
  };
}

/** The scheduler's caches of claims, volumes and storage classes, for `volumeBinding`. */
export class VolumeCaches implements VolumeLister {
  private readonly claims: Informer<PersistentVolumeClaim>;
  private readonly volumes: Informer<PersistentVolume>;
  private readonly classes: Informer<StorageClass>;

  constructor(options: { client: Client; clock?: Clock; onError?: (err: unknown) => void }) {
    const base = { client: options.client, clock: options.clock, onError: options.onError };
    this.claims = new Informer<PersistentVolumeClaim>({ ...base, resource: resource<PersistentVolumeClaim>("", "v1", "persistentvolumeclaims", "PersistentVolumeClaim", true) });
    this.volumes = new Informer<PersistentVolume>({ ...base, resource: resource<PersistentVolume>("", "v1", "persistentvolumes", "PersistentVolume", false) });
    this.classes = new Informer<StorageClass>({ ...base, resource: resource<StorageClass>("storage.k8s.io", "v1", "storageclasses", "StorageClass", false) });
  }

  /** Starts the three informers; resolves once they are synced (the promise of each run is in `running`). */
  async start(signal: AbortSignal): Promise<Promise<void>[]> {
    const running = [this.claims.start(signal), this.volumes.start(signal), this.classes.start(signal)];
    await Promise.all([this.claims.waitForSync(signal), this.volumes.waitForSync(signal), this.classes.waitForSync(signal)]);
    return running;
  }

  claim(namespace: string, name: string): PersistentVolumeClaim | undefined {
    return this.claims.get(`${namespace}/${name}`);
  }

  volume(name: string): PersistentVolume | undefined {
    return this.volumes.get(name);
  }

  storageClass(name: string): StorageClass | undefined {
    return this.classes.get(name);
  }
}
