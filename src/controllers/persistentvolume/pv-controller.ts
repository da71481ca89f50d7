/**
 * The persistent volume controller (upstream's pkg/controller/volume/persistentvolume)
 * with k8ts's built-in local-path provisioner (as k3s's local-path-provisioner):
 * - a claim binds to the best matching Available volume (both sides written, phases
 *   Bound), or, for a class whose provisioner is `k8ts.io/local-path`, gets a new volume:
 *   a directory `<nodePath>/pvc-<uid>_<namespace>_<claim>` on the node the claim's first
 *   pod was scheduled to (WaitForFirstConsumer), pinned there by node affinity;
 * - a volume whose claim is gone is Released; under reclaim policy Delete a provisioned
 *   volume's directory is removed by a helper pod on its node, then the volume is deleted;
 * - volumes without a claim are Available, claims whose volume vanished are Lost.
 */
import { join } from "node:path";
import type { KubeObject, PersistentVolume, PersistentVolumeClaim, Pod, StorageClass } from "../../api/index.js";
import { defaultStorageClassAnnotation } from "../../api/index.js";
import { isApiError } from "../../machinery/index.js";
import { EventRecorder, WorkQueue, keyOf, realClock, resource, runWorkers, type Client, type Clock, type Informer, type InformerFactory, type ReconcileResult } from "../../client/index.js";
import { bestVolume } from "./matching.js";

const claimsRes = resource<PersistentVolumeClaim>("", "v1", "persistentvolumeclaims", "PersistentVolumeClaim", true);
const volumesRes = resource<PersistentVolume>("", "v1", "persistentvolumes", "PersistentVolume", false);
const classesRes = resource<StorageClass>("storage.k8s.io", "v1", "storageclasses", "StorageClass", false);
const podsRes = resource<Pod>("", "v1", "pods", "Pod", true);

export const localPathProvisioner = "k8ts.io/local-path";
const provisionedByAnnotation = "pv.kubernetes.io/provisioned-by";
const selectedNodeAnnotation = "volume.kubernetes.io/selected-node";
const helperNamespace = "kube-system";

export interface PersistentVolumeControllerOptions {
  client: Client;
  informers: InformerFactory;
  clock?: Clock;
  workers?: number;
  onError?: (key: string, err: unknown) => void;
  /** Creates the default `local-path` StorageClass (k8ts server) with volumes under this node directory. */
  localPath?: { nodePath: string };
  /** The image of the helper pod that removes a deleted volume's directory. */
  helperImage?: string;
}

export class PersistentVolumeController {
  private readonly client: Client;
  private readonly clock: Clock;
  readonly claims: Informer<PersistentVolumeClaim>;
  readonly volumes: Informer<PersistentVolume>;
  readonly classes: Informer<StorageClass>;
  readonly pods: Informer<Pod>;
  private readonly queue: WorkQueue;
  private readonly events: EventRecorder;

  constructor(private readonly options: PersistentVolumeControllerOptions) {
    this.client = options.client;
    this.clock = options.clock ?? realClock;
    this.queue = new WorkQueue({ clock: this.clock, name: "persistentvolume" });
    this.events = new EventRecorder({ client: this.client, component: "persistentvolume-controller", clock: this.clock });
    this.claims = options.informers.informer(claimsRes);
    this.volumes = options.informers.informer(volumesRes);
    this.classes = options.informers.informer(classesRes);
    this.pods = options.informers.informer(podsRes);
    const claimKey = (c: KubeObject) => this.queue.add(`claim:${keyOf(c)}`);
    const volumeKey = (v: PersistentVolume) => {
      this.queue.add(`volume:${v.metadata.name}`);
      const ref = v.spec?.claimRef;
      if (ref?.name) this.queue.add(`claim:${ref.namespace}/${ref.name}`);
    };
    this.claims.addHandler({ add: claimKey, update: (_, c) => claimKey(c), delete: (c) => this.volumesOf(c).forEach(volumeKey) });
    this.volumes.addHandler({ add: volumeKey, update: (_, v) => volumeKey(v), delete: volumeKey });
    this.classes.addHandler({ add: () => this.claims.list().forEach(claimKey) });
    const podChanged = (p: Pod) => {
      if (p.spec?.nodeName) for (const v of p.spec.volumes ?? []) if (v.persistentVolumeClaim) this.queue.add(`claim:${p.metadata.namespace}/${v.persistentVolumeClaim.claimName}`);
      if (p.metadata.namespace === helperNamespace && p.metadata.name?.startsWith("helper-pod-delete-")) this.queue.add(`volume:${p.metadata.name.slice("helper-pod-delete-".length)}`);
    };
    this.pods.addHandler({ add: podChanged, update: (_, p) => podChanged(p) });
  }

  async start(signal: AbortSignal): Promise<void> {
    const synced = await Promise.all([this.claims.waitForSync(signal), this.volumes.waitForSync(signal), this.classes.waitForSync(signal), this.pods.waitForSync(signal)]);
    if (!synced.every(Boolean)) return;
    if (this.options.localPath) await this.ensureDefaultClass(this.options.localPath.nodePath).catch((err: unknown) => this.options.onError?.("storageclass/local-path", err));
    await runWorkers(this.queue, (key, s) => (key.startsWith("claim:") ? this.reconcileClaim(key.slice(6), s) : this.reconcileVolume(key.slice(7), s)), { workers: this.options.workers ?? 2, signal, onError: this.options.onError });
    this.queue.shutDown();
  }

  private async ensureDefaultClass(nodePath: string): Promise<void> {
    if (this.classes.get("local-path")) return;
    try {
      await this.client.create(classesRes, {
        apiVersion: "storage.k8s.io/v1",
        kind: "StorageClass",
        metadata: { name: "local-path", annotations: { [defaultStorageClassAnnotation]: "true" } },
        provisioner: localPathProvisioner,
        parameters: { nodePath },
        reclaimPolicy: "Delete",
        volumeBindingMode: "WaitForFirstConsumer",
      });
    } catch (err) {
      if (!isApiError(err, "AlreadyExists")) throw err;
    }
  }

  private volumesOf(claim: KubeObject): PersistentVolume[] {
    return this.volumes.list().filter((v) => v.spec?.claimRef?.namespace === claim.metadata.namespace && v.spec?.claimRef?.name === claim.metadata.name);
  }

  async reconcileClaim(key: string, signal: AbortSignal): Promise<ReconcileResult | void> {
    const claim = this.claims.get(key);
    if (!claim || claim.metadata.deletionTimestamp) return;
    const volumeName = claim.spec?.volumeName;
    if (volumeName) {
      const pv = this.volumes.get(volumeName);
      if (!pv) {
        if (claim.status?.phase === "Bound") await this.claimStatus(claim, { phase: "Lost" }, signal);
        return;
      }
      const ref = pv.spec?.claimRef;
      if (!ref) return this.bind(pv, claim, signal);
      if (ref.uid && ref.uid !== claim.metadata.uid) return; // bound to another claim of the same name
      if (claim.status?.phase !== "Bound") await this.claimStatus(claim, { phase: "Bound", capacity: pv.spec?.capacity, accessModes: pv.spec?.accessModes }, signal);
      return;
    }
    const match = bestVolume(this.volumes.list(), claim);
    if (match) return this.bind(match, claim, signal);
    const className = claim.spec?.storageClassName;
    const cls = className ? this.classes.get(className) : undefined;
    if (!cls || cls.provisioner !== localPathProvisioner) return;
    const node = this.nodeFor(claim, cls);
    if (!node) return;
    const pv = await this.provision(claim, cls, node, signal);
    if (pv) return this.bind(pv, claim, signal);
  }

  /** Where a new local-path volume goes: the node of the claim's first scheduled pod. */
  private nodeFor(claim: PersistentVolumeClaim, _cls: StorageClass): string | undefined {
    const selected = claim.metadata.annotations?.[selectedNodeAnnotation];
    if (selected) return selected;
    for (const pod of this.pods.list()) {
      if (pod.metadata.namespace !== claim.metadata.namespace || !pod.spec?.nodeName || pod.metadata.deletionTimestamp) continue;
      if ((pod.spec.volumes ?? []).some((v) => v.persistentVolumeClaim?.claimName === claim.metadata.name)) return pod.spec.nodeName;
    }
    return undefined;
  }

  private async provision(claim: PersistentVolumeClaim, cls: StorageClass, node: string, signal: AbortSignal): Promise<PersistentVolume | undefined> {
    const name = `pvc-${claim.metadata.uid}`;
    const existing = this.volumes.get(name);
    if (existing) return existing;
    const nodePath = cls.parameters?.["nodePath"] ?? "/var/lib/k8ts/storage";
    const path = join(nodePath, `${name}_${claim.metadata.namespace}_${claim.metadata.name}`);
    try {
      const pv = await this.client.create(
        volumesRes,
        {
          apiVersion: "v1",
          kind: "PersistentVolume",
          metadata: { name, annotations: { [provisionedByAnnotation]: localPathProvisioner, "local.path.provisioner/selected-node": node } },
          spec: {
            capacity: { storage: claim.spec?.resources?.requests?.storage ?? "1Gi" },
            accessModes: claim.spec?.accessModes,
            persistentVolumeReclaimPolicy: cls.reclaimPolicy ?? "Delete",
            storageClassName: cls.metadata.name,
            volumeMode: claim.spec?.volumeMode ?? "Filesystem",
            hostPath: { path, type: "DirectoryOrCreate" },
            nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: "kubernetes.io/hostname", operator: "In", values: [node] }] }] } },
            claimRef: { apiVersion: "v1", kind: "PersistentVolumeClaim", namespace: claim.metadata.namespace, name: claim.metadata.name, uid: claim.metadata.uid },
          },
        },
        { signal },
      );
      this.events.event(claim, "Normal", "ProvisioningSucceeded", `Successfully provisioned volume ${name}`);
      return pv;
    } catch (err) {
      if (isApiError(err, "AlreadyExists")) return undefined;
      this.events.event(claim, "Warning", "ProvisioningFailed", `failed to provision volume with StorageClass "${cls.metadata.name}": ${err instanceof Error ? err.message : String(err)}`);
      throw err;
    }
  }

  /** Binds both sides: the volume's claimRef and phase, then the claim's volumeName and phase. */
  private async bind(pv: PersistentVolume, claim: PersistentVolumeClaim, signal: AbortSignal): Promise<void> {
    let volume = pv;
    const ref = { apiVersion: "v1", kind: "PersistentVolumeClaim", namespace: claim.metadata.namespace, name: claim.metadata.name, uid: claim.metadata.uid, resourceVersion: claim.metadata.resourceVersion };
    if (!volume.spec?.claimRef?.uid) {
      volume = await this.client.update(volumesRes, { ...volume, spec: { ...volume.spec, claimRef: ref } }, { signal });
    }
    if (volume.status?.phase !== "Bound") volume = await this.client.updateStatus(volumesRes, { ...volume, status: { ...volume.status, phase: "Bound" } }, { signal });
    let current = claim;
    if (current.spec?.volumeName !== volume.metadata.name) {
      const annotations = { ...current.metadata.annotations, "pv.kubernetes.io/bind-completed": "yes", "pv.kubernetes.io/bound-by-controller": "yes" };
      current = await this.client.update(claimsRes, { ...current, metadata: { ...current.metadata, annotations }, spec: { ...current.spec, volumeName: volume.metadata.name } }, { signal });
    }
    await this.claimStatus(current, { phase: "Bound", capacity: volume.spec?.capacity, accessModes: volume.spec?.accessModes }, signal);
  }

  private async claimStatus(claim: PersistentVolumeClaim, status: PersistentVolumeClaim["status"], signal: AbortSignal): Promise<void> {
    try {
      await this.client.updateStatus(claimsRes, { ...claim, status: { ...claim.status, ...status } }, { signal });
    } catch (err) {
      if (!isApiError(err, "NotFound")) throw err;
    }
  }

  async reconcileVolume(name: string, signal: AbortSignal): Promise<ReconcileResult | void> {
    const pv = this.volumes.get(name);
    if (!pv || pv.metadata.deletionTimestamp) return;
    const ref = pv.spec?.claimRef;
    if (!ref) {
      if (pv.status?.phase !== "Available") await this.volumeStatus(pv, "Available", signal);
      return;
    }
    const claim = this.claims.get(`${ref.namespace}/${ref.name}`);
    if (claim && (!ref.uid || ref.uid === claim.metadata.uid)) return; // still claimed: the claim's pass keeps it Bound
    if (!ref.uid) return; // pre-bound to a claim not made yet: wait for it
    if (pv.status?.phase !== "Released" && pv.status?.phase !== "Failed") await this.volumeStatus(pv, "Released", signal);
    if (pv.spec?.persistentVolumeReclaimPolicy !== "Delete") return;
    if (pv.metadata.annotations?.[provisionedByAnnotation] !== localPathProvisioner || !pv.spec.hostPath) {
      if (pv.status?.phase !== "Failed") await this.volumeStatus(pv, "Failed", signal, "error getting deleter volume plugin for volume \"" + name + "\": no deletable volume plugin matched");
      return;
    }
    return this.deleteLocalVolume(pv, signal);
  }

  /** A helper pod on the volume's node removes its directory; then the volume goes. */
  private async deleteLocalVolume(pv: PersistentVolume, signal: AbortSignal): Promise<ReconcileResult | void> {
    const helperName = `helper-pod-delete-${pv.metadata.name}`;
    const helper = this.pods.get(`${helperNamespace}/${helperName}`);
    if (!helper) {
      const node = pv.metadata.annotations?.["local.path.provisioner/selected-node"] ?? (pv.spec?.nodeAffinity?.required?.nodeSelectorTerms[0]?.matchExpressions?.[0]?.values?.[0] ?? "");
      const path = pv.spec!.hostPath!.path;
      const parent = path.slice(0, path.lastIndexOf("/")) || "/";
      const base = path.slice(path.lastIndexOf("/") + 1);
      await this.client.create(podsRes, {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: helperName, namespace: helperNamespace, labels: { "app.kubernetes.io/managed-by": "k8ts-local-path" } },
        spec: {
          nodeName: node,
          restartPolicy: "Never",
          automountServiceAccountToken: false,
          tolerations: [{ operator: "Exists" }],
          containers: [{ name: "helper", image: this.options.helperImage ?? "busybox", command: ["rm", "-rf", `/target/${base}`], volumeMounts: [{ name: "parent", mountPath: "/target" }] }],
          volumes: [{ name: "parent", hostPath: { path: parent, type: "DirectoryOrCreate" } }],
        },
      }, { signal }).catch((err: unknown) => {
        if (!isApiError(err, "AlreadyExists")) throw err;
      });
      return;
    }
    const phase = helper.status?.phase;
    if (phase === "Succeeded") {
      await this.client.delete(volumesRes, pv.metadata.name!, { signal }).catch((err: unknown) => {
        if (!isApiError(err, "NotFound")) throw err;
      });
      await this.client.delete(podsRes, helperName, { namespace: helperNamespace, signal }).catch(() => undefined);
      return;
    }
    if (phase === "Failed") {
      this.events.event(pv, "Warning", "VolumeFailedDelete", `the helper pod could not remove ${pv.spec?.hostPath?.path}`);
      await this.client.delete(podsRes, helperName, { namespace: helperNamespace, signal }).catch(() => undefined);
      return { requeueAfterMs: 10_000 };
    }
  }

  private async volumeStatus(pv: PersistentVolume, phase: NonNullable<PersistentVolume["status"]>["phase"], signal: AbortSignal, message?: string): Promise<void> {
    try {
      await this.client.updateStatus(volumesRes, { ...pv, status: { ...pv.status, phase, ...(message ? { message } : {}), lastPhaseTransitionTime: new Date(this.clock.now()).toISOString().replace(/\.\d{3}Z$/, "Z") } }, { signal });
    } catch (err) {
      if (!isApiError(err, "NotFound")) throw err;
    }
  }
}
