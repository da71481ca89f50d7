/**
 * The authorizers' view of the store: every Role, ClusterRole, RoleBinding and
 * ClusterRoleBinding, and for the Node authorizer which secrets, configmaps, PVCs and
 * service accounts the pods bound to each node use. Filled by one list and kept current
 * by a store watch per prefix (upstream's RBAC and node-graph informers), so a check
 * reads memory only.
 *
 * Like upstream's informers it can lag a write by a moment; a caller about to refuse
 * calls `refresh()` (re-reads the RBAC objects if anything was written since) and asks
 * again, so a binding created just before a request is always seen.
 */
import type { ClusterRole, ClusterRoleBinding, KubeObject, Pod, Role, RoleBinding } from "../../api/index.js";
import { isStoreError } from "../../machinery/index.js";
import type { Store, StoreEvent } from "../../storage/index.js";
import { decodeObject } from "../object-store.js";
import { sharedDecode } from "../watch-cache/shared-events.js";

const prefixes = {
  roles: "/registry/rbac.authorization.k8s.io/roles/",
  clusterroles: "/registry/rbac.authorization.k8s.io/clusterroles/",
  rolebindings: "/registry/rbac.authorization.k8s.io/rolebindings/",
  clusterrolebindings: "/registry/rbac.authorization.k8s.io/clusterrolebindings/",
} as const;
const podsPrefix = "/registry/core/pods/";
/** Refused requests re-read the RBAC objects at most this often. */
const minRefreshIntervalMs = 50;

type RbacKind = keyof typeof prefixes;

/** What the node graph keeps of one pod. */
interface PodRefs {
  node: string;
  namespace: string;
  /** "secrets/name", "configmaps/name", "persistentvolumeclaims/name", "serviceaccounts/name". */
  refs: string[];
}

export class PolicyCache {
  private readonly store: Store;
  private readonly rbac: Record<RbacKind, Map<string, KubeObject>> = { roles: new Map(), clusterroles: new Map(), rolebindings: new Map(), clusterrolebindings: new Map() };
  private readonly pods = new Map<string, PodRefs>();
  /** node → "namespace/kind/name" → how many of its pods use it. */
  private readonly nodeRefs = new Map<string, Map<string, number>>();
  private rbacRevision = 0;
  private readyPromise: Promise<void> | undefined;
  private refreshing: Promise<boolean> | undefined;
  private lastRefresh = 0;

  constructor(options: { store: Store }) {
    this.store = options.store;
  }

  /** Lists everything and watches until `signal` aborts; resolves once the first list is in. */
  start(signal: AbortSignal): Promise<void> {
    this.readyPromise ??= (async () => {
      for (const kind of Object.keys(prefixes) as RbacKind[]) {
        const rev = await this.listRbac(kind);
        void this.watchLoop(prefixes[kind], rev, signal, (ev) => this.applyRbac(kind, ev), () => this.listRbac(kind));
      }
      const rev = await this.listPods();
      void this.watchLoop(podsPrefix, rev, signal, (ev) => this.applyPod(ev), () => this.listPods());
    })();
    return this.readyPromise;
  }

  ready(): Promise<void> {
    return this.readyPromise ?? Promise.resolve();
  }

  /**
   * Re-reads the RBAC objects when anything was written since they were last read; true
   * when it did. Concurrent callers share one read, and reads are at least
   * `minRefreshIntervalMs` apart, so a flood of refused requests cannot turn into a
   * flood of store reads.
   */
  refresh(): Promise<boolean> {
    this.refreshing ??= (async () => {
      try {
        const wait = this.lastRefresh + minRefreshIntervalMs - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        const current = await this.store.currentRevision();
        if (current <= this.rbacRevision) return false;
        for (const kind of Object.keys(prefixes) as RbacKind[]) await this.listRbac(kind);
        return true;
      } finally {
        this.lastRefresh = Date.now();
        this.refreshing = undefined;
      }
    })();
    return this.refreshing;
  }

  /**
   * The same question answered from the store, for a refusal the watch may not have
   * caught up with (a pod bound a moment ago): reads the pods of that namespace.
   */
  async nodeUsesNow(node: string, kind: string, namespace: string, name: string): Promise<boolean> {
    const want = `${kind}/${name}`;
    const res = await this.store.range(`${podsPrefix}${namespace}/`);
    for (const kv of res.kvs) {
      const pod = decodeObject(kv) as Pod;
      if (pod.spec?.nodeName === node && podReferences(pod).includes(want)) return true;
    }
    return false;
  }

  clusterRole(name: string): ClusterRole | undefined {
    return this.rbac.clusterroles.get(name) as ClusterRole | undefined;
  }

  role(namespace: string, name: string): Role | undefined {
    return this.rbac.roles.get(`${namespace}/${name}`) as Role | undefined;
  }

  clusterRoles(): ClusterRole[] {
    return [...this.rbac.clusterroles.values()] as ClusterRole[];
  }

  clusterRoleBindings(): ClusterRoleBinding[] {
    return [...this.rbac.clusterrolebindings.values()] as ClusterRoleBinding[];
  }

  roleBindings(namespace: string): RoleBinding[] {
    const out: RoleBinding[] = [];
    for (const b of this.rbac.rolebindings.values()) if (b.metadata.namespace === namespace) out.push(b as RoleBinding);
    return out;
  }

  /** The claims ("namespace/name") pods bound to `node` use, for the persistent volumes it may read. */
  claimsOf(node: string): string[] {
    const out: string[] = [];
    for (const key of this.nodeRefs.get(node)?.keys() ?? []) {
      const [ns, kind, name] = key.split("/");
      if (kind === "persistentvolumeclaims") out.push(`${ns}/${name}`);
    }
    return out;
  }

  /** The store, for reads the graph does not keep (a claim's volume). */
  get storeForReads(): Store {
    return this.store;
  }

  /** Does a pod bound to `node` use this object (kind: secrets, configmaps, persistentvolumeclaims, serviceaccounts)? */
  nodeUses(node: string, kind: string, namespace: string, name: string): boolean {
    return (this.nodeRefs.get(node)?.get(`${namespace}/${kind}/${name}`) ?? 0) > 0;
  }

  private async listRbac(kind: RbacKind): Promise<number> {
    const res = await this.store.range(prefixes[kind]);
    const map = this.rbac[kind];
    map.clear();
    for (const kv of res.kvs) map.set(this.rbacKey(kv.key, kind), decodeObject(kv));
    this.rbacRevision = Math.max(this.rbacRevision, res.revision);
    return res.revision;
  }

  private rbacKey(key: string, kind: RbacKind): string {
    return key.slice(prefixes[kind].length);
  }

  private applyRbac(kind: RbacKind, ev: StoreEvent): void {
    const key = this.rbacKey(ev.kv.key, kind);
    if (ev.type === "delete") this.rbac[kind].delete(key);
    else this.rbac[kind].set(key, decodeObject(ev.kv));
  }

  private async listPods(): Promise<number> {
    const res = await this.store.range(podsPrefix);
    this.pods.clear();
    this.nodeRefs.clear();
    for (const kv of res.kvs) this.setPod(kv.key, decodeObject(kv) as Pod);
    return res.revision;
  }

  private applyPod(ev: StoreEvent): void {
    if (ev.type === "delete") this.setPod(ev.kv.key, undefined);
    // The store hands every watcher the same event: decoded once here and in the watch cache (read only).
    else this.setPod(ev.kv.key, sharedDecode(ev).object as Pod);
  }

  private setPod(key: string, pod: Pod | undefined): void {
    const old = this.pods.get(key);
    if (old) this.count(old, -1);
    if (!pod?.spec?.nodeName) {
      this.pods.delete(key);
      return;
    }
    const refs: PodRefs = { node: pod.spec.nodeName, namespace: pod.metadata.namespace ?? "", refs: podReferences(pod) };
    this.pods.set(key, refs);
    this.count(refs, 1);
  }

  private count(p: PodRefs, delta: number): void {
    let m = this.nodeRefs.get(p.node);
    if (!m) this.nodeRefs.set(p.node, (m = new Map()));
    for (const r of p.refs) {
      const k = `${p.namespace}/${r}`;
      const n = (m.get(k) ?? 0) + delta;
      if (n > 0) m.set(k, n);
      else m.delete(k);
    }
    if (m.size === 0) this.nodeRefs.delete(p.node);
  }

  private async watchLoop(prefix: string, fromRevision: number, signal: AbortSignal, apply: (ev: StoreEvent) => void, relist: () => Promise<number>): Promise<void> {
    let rev = fromRevision;
    while (!signal.aborted) {
      try {
        for await (const ev of this.store.watch(prefix, { fromRevision: rev, signal })) {
          apply(ev);
          rev = ev.kv.modRevision;
        }
        if (signal.aborted) return;
      } catch (err) {
        if (signal.aborted) return;
        if (!isStoreError(err, "compacted") && !isStoreError(err, "unavailable")) console.error(`k8ts apiserver: authorization cache watch ${prefix}:`, err);
        await new Promise((r) => setTimeout(r, 100));
        try {
          rev = await relist();
        } catch {
          // the store is closing or unavailable: try again
        }
      }
    }
  }
}

/** The objects a pod uses that its node may read (upstream's node graph edges pod → secret/configmap/pvc/serviceaccount). */
export function podReferences(pod: Pod): string[] {
  const refs = new Set<string>();
  const spec = pod.spec!;
  refs.add(`serviceaccounts/${spec.serviceAccountName || "default"}`);
  for (const s of spec.imagePullSecrets ?? []) if (s.name) refs.add(`secrets/${s.name}`);
  for (const c of [...(spec.initContainers ?? []), ...spec.containers, ...(spec.ephemeralContainers ?? [])]) {
    for (const e of c.envFrom ?? []) {
      if (e.secretRef?.name) refs.add(`secrets/${e.secretRef.name}`);
      if (e.configMapRef?.name) refs.add(`configmaps/${e.configMapRef.name}`);
    }
    for (const e of c.env ?? []) {
      if (e.valueFrom?.secretKeyRef?.name) refs.add(`secrets/${e.valueFrom.secretKeyRef.name}`);
      if (e.valueFrom?.configMapKeyRef?.name) refs.add(`configmaps/${e.valueFrom.configMapKeyRef.name}`);
    }
  }
  for (const v of spec.volumes ?? []) {
    if (v.secret?.secretName) refs.add(`secrets/${v.secret.secretName}`);
    if (v.configMap?.name) refs.add(`configmaps/${v.configMap.name}`);
    if (v.persistentVolumeClaim?.claimName) refs.add(`persistentvolumeclaims/${v.persistentVolumeClaim.claimName}`);
    if (v.ephemeral) refs.add(`persistentvolumeclaims/${pod.metadata.name}-${v.name}`);
    for (const src of v.projected?.sources ?? []) {
      if (src.secret?.name) refs.add(`secrets/${src.secret.name}`);
      if (src.configMap?.name) refs.add(`configmaps/${src.configMap.name}`);
    }
    // Secrets named by volume plugins (cephfs, rbd, csi…).
    for (const plugin of Object.values(v) as { secretRef?: { name?: string }; nodePublishSecretRef?: { name?: string } }[]) {
      if (plugin && typeof plugin === "object") {
        if (plugin.secretRef?.name) refs.add(`secrets/${plugin.secretRef.name}`);
        if (plugin.nodePublishSecretRef?.name) refs.add(`secrets/${plugin.nodePublishSecretRef.name}`);
      }
    }
  }
  return [...refs];
}
