import type { KubeObject, OwnerReference } from "../../api/index.js";
import { Informer, type Client, type Clock, type DiscoveredResource, type InformerHandlers } from "../../client/index.js";

/** An object the graph knows, with the resource it was listed from. */
export interface GraphNode {
  obj: KubeObject;
  resource: DiscoveredResource;
}

const uidIndex = "uid";
const ownerIndex = "owner";

/** "apps/v1/replicasets" */
export function resourceKey(r: { group: string; version: string; resource: string }): string {
  return `${r.group}/${r.version}/${r.resource}`;
}

interface Source {
  resource: DiscoveredResource;
  informer: Informer;
  stop: AbortController;
  running: Promise<void>;
}

/**
 * The garbage collector's view of the cluster (upstream's GraphBuilder, kept simple): one
 * informer per resource that can be listed, watched and deleted, each indexed by uid and
 * by the uids its objects' ownerReferences name. The dependency graph is those indexes:
 * owners and dependents are found by uid across every informer.
 *
 * Objects come from caches, so they may be stale; callers confirm what matters (an owner's
 * absence) with a live read.
 */
export class ObjectGraph {
  private readonly sources = new Map<string, Source>();
  /** Every discovered resource by "group/Kind" and "group/version/Kind", to resolve owner references. */
  private kinds = new Map<string, DiscoveredResource>();

  constructor(private readonly options: { client: Client; clock: Clock; onError?: (err: unknown) => void }) {}

  /**
   * Follows discovery: starts informers for new resources (with `handlers`) and stops
   * those whose resource is no longer served. Returns the resources added. Informers run
   * until `stop()`; nothing starts once `signal` has aborted.
   */
  update(
    discovered: readonly DiscoveredResource[],
    handlers: (resource: DiscoveredResource) => InformerHandlers<KubeObject>,
    signal: AbortSignal,
    options: { /** Discovery was partial: stop nothing. */ keepMissing?: boolean } = {},
  ): DiscoveredResource[] {
    const kinds = new Map<string, DiscoveredResource>();
    for (const r of discovered) {
      if (!r.kind) continue;
      const byVersion = `${r.group}/${r.version}/${r.kind}`;
      if (!kinds.has(byVersion)) kinds.set(byVersion, r);
      const byGroup = `${r.group}/${r.kind}`;
      if (!kinds.has(byGroup) || r.preferred) kinds.set(byGroup, r);
    }
    if (options.keepMissing) for (const [k, r] of this.kinds) if (!kinds.has(k)) kinds.set(k, r);
    this.kinds = kinds;

    const wanted = new Map<string, DiscoveredResource>();
    for (const r of discovered) {
      if (!r.preferred) continue;
      if (!["list", "watch", "delete"].every((v) => r.verbs.includes(v))) continue;
      wanted.set(resourceKey(r), r);
    }
    for (const [key, source] of this.sources) {
      if (wanted.has(key) || options.keepMissing) continue;
      source.stop.abort();
      this.sources.delete(key);
    }
    const added: DiscoveredResource[] = [];
    for (const [key, resource] of wanted) {
      if (this.sources.has(key) || signal.aborted) continue;
      const informer = new Informer({ client: this.options.client, resource, clock: this.options.clock, onError: this.options.onError });
      informer.addIndex(uidIndex, (o) => (o.metadata.uid ? [o.metadata.uid] : []));
      informer.addIndex(ownerIndex, (o) => (o.metadata.ownerReferences ?? []).map((r) => r.uid));
      informer.addHandler(handlers(resource));
      // Stopped by `stop()` or when the resource goes away; one listener on `signal` per informer would pile up.
      const stop = new AbortController();
      const running = informer.start(stop.signal);
      this.sources.set(key, { resource, informer, stop, running });
      added.push(resource);
    }
    return added;
  }

  /** Resolves once every informer has its first list (false if `signal` aborts first). */
  async waitForSync(signal: AbortSignal): Promise<boolean> {
    for (const s of [...this.sources.values()]) if (!(await s.informer.waitForSync(signal))) return false;
    return true;
  }

  allSynced(): boolean {
    return [...this.sources.values()].every((s) => s.informer.hasSynced());
  }

  /** Stops every informer and waits for them. */
  async stop(): Promise<void> {
    for (const s of this.sources.values()) s.stop.abort();
    await Promise.all([...this.sources.values()].map((s) => s.running.catch(() => {})));
    this.sources.clear();
  }

  byUid(uid: string): GraphNode | undefined {
    for (const s of this.sources.values()) {
      const obj = s.informer.byIndex(uidIndex, uid)[0];
      if (obj) return { obj, resource: s.resource };
    }
    return undefined;
  }

  /** Objects whose ownerReferences name `uid`, once each (the same object may be served by two groups, as events are). */
  dependents(uid: string): GraphNode[] {
    const seen = new Set<string>();
    const out: GraphNode[] = [];
    for (const s of this.sources.values()) {
      for (const obj of s.informer.byIndex(ownerIndex, uid)) {
        const key = obj.metadata.uid ?? "";
        if (seen.has(key)) continue;
        seen.add(key);
        out.push({ obj, resource: s.resource });
      }
    }
    return out;
  }

  /** The resource an owner reference's apiVersion and kind name (another served version of the group if need be). */
  resourceFor(ref: Pick<OwnerReference, "apiVersion" | "kind">): DiscoveredResource | undefined {
    const slash = ref.apiVersion.indexOf("/");
    const group = slash < 0 ? "" : ref.apiVersion.slice(0, slash);
    const version = slash < 0 ? ref.apiVersion : ref.apiVersion.slice(slash + 1);
    return this.kinds.get(`${group}/${version}/${ref.kind}`) ?? this.kinds.get(`${group}/${ref.kind}`);
  }
}
