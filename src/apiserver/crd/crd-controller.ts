/**
 * The API server's CustomResourceDefinition controller (upstream's apiextensions-apiserver
 * naming, establishing and finalizer controllers, in one small loop):
 *
 * - every CRD in the store is turned into kind-registry entries (one per served version),
 *   so its resource is served, discovered and published in OpenAPI — on start before the
 *   server answers, then within moments of each change (a store watch);
 * - its status gets `acceptedNames`, `NamesAccepted` and `Established` (or NamesAccepted
 *   False when another CRD of the group already uses a name);
 * - a CRD marked for deletion with the `customresourcecleanup.apiextensions.k8s.io`
 *   finalizer has its objects deleted (Terminating: InstanceDeletionInProgress →
 *   InstanceDeletionCompleted), then loses the finalizer, and the generic delete path
 *   removes it; its entries leave the registry when the CRD leaves the store.
 *
 * Status and finalizer writes go through the API server's own handler as system:apiserver.
 */
import { isDeepStrictEqual } from "node:util";
import type { CustomResourceDefinition, KindRegistry, ResourceType, RestHandler, RestRequest } from "../../api/index.js";
import { crdCleanupFinalizer, customResourceTypes, isConditionTrue, setCrdCondition } from "../../api/index.js";
import { isStoreError } from "../../machinery/index.js";
import type { Store } from "../../storage/index.js";
import { systemUser } from "../bootstrap.js";
import { rfc3339 } from "../context.js";
import { decodeObject } from "../object-store.js";
import { webhookConversion } from "./conversion-review.js";

const crdPrefix = "/registry/apiextensions.k8s.io/customresourcedefinitions/";
const crdPath = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";

export interface CrdControllerOptions {
  store: Store;
  registry: KindRegistry;
  handler: RestHandler;
  signal: AbortSignal;
  now?: () => Date;
  /** How often a terminating CRD's remaining objects are checked (default 500 ms). */
  cleanupPollMs?: number;
}

export interface CrdController {
  /** Resolves when everything seen so far is applied (tests). */
  idle(): Promise<void>;
}

/** Registers the stored CRDs, then follows changes until `signal` ends. */
export async function startCrdController(options: CrdControllerOptions): Promise<CrdController> {
  const c = new Controller(options);
  const revision = await c.resync();
  void c.follow(revision);
  return { idle: () => c.idle() };
}

class Controller {
  /** CRD name → the (group, version, plural) entries it registered. */
  private readonly registered = new Map<string, { group: string; version: string; plural: string }[]>();
  private readonly cleaning = new Set<string>();
  private chain: Promise<void> = Promise.resolve();
  private readonly now: () => Date;

  constructor(private readonly o: CrdControllerOptions) {
    this.now = o.now ?? (() => new Date());
  }

  idle(): Promise<void> {
    return this.chain;
  }

  /** Lists every CRD and applies it; returns the revision read at. */
  async resync(): Promise<number> {
    const res = await this.o.store.range(crdPrefix);
    const crds = res.kvs.map((kv) => decodeObject(kv) as CustomResourceDefinition);
    const names = new Set(crds.map((c) => c.metadata.name ?? ""));
    for (const name of [...this.registered.keys()]) if (!names.has(name)) this.unregister(name);
    // The registry is filled now, before the server answers; status writes follow in the
    // background (they pass admission, which may wait on webhooks).
    for (const crd of crds) {
      const next = this.tryApply(crd);
      if (next) this.chain = this.chain.then(() => this.report(crd, next)).catch((err: unknown) => this.failed(crd, err));
    }
    return res.revision;
  }

  async follow(fromRevision: number): Promise<void> {
    let revision = fromRevision;
    while (!this.o.signal.aborted) {
      try {
        for await (const ev of this.o.store.watch(crdPrefix, { fromRevision: revision, signal: this.o.signal })) {
          revision = ev.kv.modRevision;
          if (ev.type === "delete") {
            const name = ev.kv.key.slice(crdPrefix.length);
            this.chain = this.chain.then(() => this.unregister(name));
            // Names it held may now be accepted for another CRD of its group.
            void this.chain.then(() => this.requeueAll()).catch(() => undefined);
          } else {
            this.enqueue(decodeObject(ev.kv) as CustomResourceDefinition);
          }
        }
      } catch (err) {
        if (this.o.signal.aborted) return;
        if (!isStoreError(err, "compacted") && !isStoreError(err, "unavailable")) console.error("k8ts apiserver: crd controller:", err);
      }
      if (this.o.signal.aborted) return;
      await sleep(200);
      try {
        revision = await this.resync();
      } catch (err) {
        if (!this.o.signal.aborted) console.error("k8ts apiserver: crd controller resync:", err);
      }
    }
  }

  private async requeueAll(): Promise<void> {
    for (const kv of (await this.o.store.range(crdPrefix)).kvs) this.enqueue(decodeObject(kv) as CustomResourceDefinition);
  }

  private enqueue(crd: CustomResourceDefinition): void {
    this.chain = this.chain
      .then(async () => {
        const next = this.tryApply(crd);
        if (next) await this.report(crd, next);
      })
      .catch((err: unknown) => this.failed(crd, err));
  }

  private failed(crd: CustomResourceDefinition, err: unknown): void {
    if (!this.o.signal.aborted) console.error(`k8ts apiserver: crd ${crd.metadata.name}:`, err);
  }

  private tryApply(crd: CustomResourceDefinition): CustomResourceDefinition | undefined {
    try {
      return this.apply(crd);
    } catch (err) {
      this.failed(crd, err);
      return undefined;
    }
  }

  private unregister(name: string): void {
    for (const e of this.registered.get(name) ?? []) this.o.registry.remove(e.group, e.version, e.plural);
    this.registered.delete(name);
  }

  private conflict(crd: CustomResourceDefinition): { reason: string; message: string } | undefined {
    const mine = crd.spec.names;
    for (const rt of this.o.registry.all()) {
      if (rt.group !== crd.spec.group) continue;
      if (this.registered.get(crd.metadata.name ?? "")?.some((e) => e.plural === rt.plural && e.version === rt.version)) continue;
      if (rt.plural === mine.plural) return { reason: "PluralConflict", message: `"${mine.plural}" is already in use` };
      if (mine.singular && rt.singular === mine.singular) return { reason: "SingularConflict", message: `"${mine.singular}" is already in use` };
      if (rt.kind === mine.kind) return { reason: "KindConflict", message: `"${mine.kind}" is already in use` };
      for (const s of mine.shortNames ?? []) if (rt.shortNames?.includes(s)) return { reason: "ShortNamesConflict", message: `"${s}" is already in use` };
    }
    return undefined;
  }

  /** Puts the CRD's entries in the registry (or not, on a name conflict); returns the status it should have. */
  private apply(crd: CustomResourceDefinition): CustomResourceDefinition {
    const name = crd.metadata.name ?? "";
    const terminating = crd.metadata.deletionTimestamp !== undefined;
    const conflict = this.conflict(crd);
    const now = rfc3339(this.now());
    const next = structuredClone(crd);
    if (conflict) {
      setCrdCondition(next, { type: "NamesAccepted", status: "False", reason: conflict.reason, message: conflict.message }, now);
      if (!isConditionTrue(crd, "Established")) setCrdCondition(next, { type: "Established", status: "False", reason: "NotAccepted", message: "not all names are accepted" }, now);
    } else {
      const conversion = webhookConversion(crd, this.o.store);
      this.register(name, customResourceTypes(crd, { terminating }).map((rt) => (conversion ? { ...rt, conversionWebhook: conversion } : rt)));
      (next.status ??= {}).acceptedNames = structuredClone(crd.spec.names);
      setCrdCondition(next, { type: "NamesAccepted", status: "True", reason: "NoConflicts", message: "no conflicts found" }, now);
      setCrdCondition(next, { type: "Established", status: "True", reason: "InitialNamesAccepted", message: "the initial names have been accepted" }, now);
    }
    return next;
  }

  /** Writes the status `apply` computed, and starts the cleanup of a CRD being deleted. */
  private async report(crd: CustomResourceDefinition, next: CustomResourceDefinition): Promise<void> {
    const name = crd.metadata.name ?? "";
    if (!isDeepStrictEqual(next.status, crd.status)) await this.writeStatus(next);
    if (crd.metadata.deletionTimestamp !== undefined && crd.metadata.finalizers?.includes(crdCleanupFinalizer) && !this.cleaning.has(name)) {
      this.cleaning.add(name);
      void this.cleanup(name).finally(() => this.cleaning.delete(name));
    }
  }

  private register(name: string, types: ResourceType[]): void {
    const before = this.registered.get(name) ?? [];
    const now = types.map((rt) => ({ group: rt.group, version: rt.version, plural: rt.plural }));
    for (const e of before) if (!now.some((n) => n.version === e.version && n.plural === e.plural)) this.o.registry.remove(e.group, e.version, e.plural);
    for (const rt of types) this.o.registry.add(rt, { replace: true });
    this.registered.set(name, now);
  }

  private request(req: Omit<RestRequest, "user" | "query"> & { query?: Record<string, string> }): Promise<{ status: number; body: unknown }> {
    return this.o.handler({ query: {}, ...req, user: systemUser });
  }

  private async writeStatus(crd: CustomResourceDefinition): Promise<boolean> {
    const res = await this.request({ method: "PUT", path: `${crdPath}/${crd.metadata.name}/status`, body: crd });
    return res.status === 200;
  }

  private async read(name: string): Promise<CustomResourceDefinition | undefined> {
    const res = await this.request({ method: "GET", path: `${crdPath}/${name}` });
    return res.status === 200 ? (res.body as CustomResourceDefinition) : undefined;
  }

  /** Upstream's CRDFinalizer: delete every instance, wait for them to go, drop the finalizer. */
  private async cleanup(name: string): Promise<void> {
    const crd = await this.read(name);
    if (!crd) return;
    await this.setTerminating(name, "InstanceDeletionInProgress", "CustomResource deletion is in progress");
    const group = crd.spec.group;
    const served = crd.spec.versions.find((v) => v.served && v.storage) ?? crd.spec.versions.find((v) => v.served);
    const plural = crd.spec.names.plural;
    const namespaced = crd.spec.scope !== "Cluster";
    if (served) {
      const base = `/apis/${group}/${served.name}`;
      for (;;) {
        if (this.o.signal.aborted) return;
        const list = await this.request({ method: "GET", path: `${base}/${plural}` });
        const items = list.status === 200 ? ((list.body as { items?: { metadata: { namespace?: string; deletionTimestamp?: string } }[] }).items ?? []) : [];
        if (list.status !== 200 || items.length === 0) break;
        const namespaces = new Set(items.filter((i) => !i.metadata.deletionTimestamp).map((i) => i.metadata.namespace ?? ""));
        for (const ns of namespaces) {
          await this.request({ method: "DELETE", path: namespaced ? `${base}/namespaces/${ns}/${plural}` : `${base}/${plural}` });
        }
        await sleep(this.o.cleanupPollMs ?? 500);
      }
    } else {
      // Nothing served: the objects can only be removed from the store.
      const prefix = `/registry/${group}/${plural}/`;
      for (const kv of (await this.o.store.range(prefix)).kvs) await this.o.store.delete(kv.key);
    }
    await this.setTerminating(name, "InstanceDeletionCompleted", "removed all instances");
    for (let attempt = 0; attempt < 10; attempt++) {
      const latest = await this.read(name);
      if (!latest) return;
      latest.metadata.finalizers = (latest.metadata.finalizers ?? []).filter((f) => f !== crdCleanupFinalizer);
      const res = await this.request({ method: "PUT", path: `${crdPath}/${name}`, body: latest });
      if (res.status !== 409) return;
    }
  }

  private async setTerminating(name: string, reason: string, message: string): Promise<void> {
    for (let attempt = 0; attempt < 10; attempt++) {
      const crd = await this.read(name);
      if (!crd) return;
      setCrdCondition(crd, { type: "Terminating", status: "True", reason, message }, rfc3339(this.now()));
      const res = await this.request({ method: "PUT", path: `${crdPath}/${name}/status`, body: crd });
      if (res.status !== 409) return;
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

