/**
 * The webhook configurations as the dispatcher sees them: every Mutating and
 * ValidatingWebhookConfiguration, read once and kept current by a store watch (as
 * upstream's configuration manager follows an informer). Configurations apply a moment
 * after they are written, as upstream's do.
 */
import type { KubeObject, MutatingWebhookConfiguration, ValidatingWebhookConfiguration } from "../../api/index.js";
import { isStoreError } from "../../machinery/index.js";
import type { Store } from "../../storage/index.js";
import { decodeObject } from "../object-store.js";

export const validatingPrefix = "/registry/admissionregistration.k8s.io/validatingwebhookconfigurations/";
export const mutatingPrefix = "/registry/admissionregistration.k8s.io/mutatingwebhookconfigurations/";

/** The objects under one store prefix, in memory, by key. */
export class PrefixCache<T extends KubeObject> {
  private readonly objects = new Map<string, T>();
  private sortedCache: T[] | undefined;
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly store: Store,
    private readonly prefix: string,
  ) {}

  /** Lists, then watches until `signal` aborts; resolves once the first list is in. */
  async start(signal: AbortSignal): Promise<void> {
    const revision = await this.list();
    void this.follow(revision, signal);
  }

  /** Called after every change (and after a relist). */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    this.sortedCache = undefined;
    for (const l of this.listeners) l();
  }

  /** Every object, sorted by name (upstream calls configurations in name order). */
  sorted(): readonly T[] {
    this.sortedCache ??= [...this.objects.values()].sort((a, b) => ((a.metadata.name ?? "") < (b.metadata.name ?? "") ? -1 : 1));
    return this.sortedCache;
  }

  private async list(): Promise<number> {
    const res = await this.store.range(this.prefix);
    this.objects.clear();
    for (const kv of res.kvs) this.objects.set(kv.key, decodeObject(kv) as T);
    this.changed();
    return res.revision;
  }

  private async follow(fromRevision: number, signal: AbortSignal): Promise<void> {
    let revision = fromRevision;
    while (!signal.aborted) {
      try {
        for await (const ev of this.store.watch(this.prefix, { fromRevision: revision, signal })) {
          if (ev.type === "delete") this.objects.delete(ev.kv.key);
          else this.objects.set(ev.kv.key, decodeObject(ev.kv) as T);
          this.changed();
          revision = ev.kv.modRevision;
        }
      } catch (err) {
        if (signal.aborted) return;
        if (!isStoreError(err, "compacted") && !isStoreError(err, "unavailable")) console.error(`k8ts apiserver: webhook configuration watch:`, err);
        await new Promise((r) => setTimeout(r, 200));
        try {
          revision = await this.list();
        } catch {
          // the store is unavailable or closing: try again
        }
      }
    }
  }
}

export class WebhookConfigurations {
  readonly validating: PrefixCache<ValidatingWebhookConfiguration>;
  readonly mutating: PrefixCache<MutatingWebhookConfiguration>;

  constructor(store: Store) {
    this.validating = new PrefixCache(store, validatingPrefix);
    this.mutating = new PrefixCache(store, mutatingPrefix);
  }

  async start(signal: AbortSignal): Promise<void> {
    await Promise.all([this.validating.start(signal), this.mutating.start(signal)]);
  }
}
