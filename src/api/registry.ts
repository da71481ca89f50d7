import type { ResourceType } from "./resource-type.js";
import type { Definitions } from "./schema.js";

/** An API group as discovery lists it: versions most preferred first. */
export interface ApiGroupVersions {
  /** "" for the core group. */
  name: string;
  versions: string[];
  preferredVersion: string;
}

export interface KindRegistryOptions {
  /** Resources to start with. */
  resources?: readonly ResourceType[];
  /** Definitions that belong to no resource but every one refers to (the apimachinery meta/v1 types). */
  definitions?: Definitions;
}

/**
 * The kind registry: every resource the API server serves, as data. Built-in resources are
 * added at start; CustomResourceDefinitions and aggregated APIs add and remove entries at
 * run time, and `onChange` tells discovery and OpenAPI to drop their cached documents.
 *
 * Promises: one entry per (group, version, plural); `all()` keeps registration order;
 * `definitions()` is the union of the base definitions and every entry's, computed once
 * per change. Listeners run synchronously after each change, in subscription order.
 *
 *   const registry = builtinRegistry();
 *   registry.get("apps", "v1", "deployments")?.kind; // "Deployment"
 *   const off = registry.onChange(() => cache.clear());
 */
export class KindRegistry {
  private readonly entries = new Map<string, ResourceType>();
  private readonly baseDefinitions: Definitions;
  private readonly listeners = new Set<() => void>();
  private mergedDefinitions: Definitions | undefined;

  constructor(options: KindRegistryOptions = {}) {
    this.baseDefinitions = { ...options.definitions };
    for (const rt of options.resources ?? []) this.insert(rt, false);
  }

  /** Adds an entry; an entry with the same group, version and plural is an error unless `replace`. */
  add(rt: ResourceType, options: { replace?: boolean } = {}): void {
    this.insert(rt, options.replace ?? false);
    this.changed();
  }

  /** Removes an entry; false when there was none. */
  remove(group: string, version: string, plural: string): boolean {
    const removed = this.entries.delete(key(group, version, plural));
    if (removed) this.changed();
    return removed;
  }

  get(group: string, version: string, plural: string): ResourceType | undefined {
    return this.entries.get(key(group, version, plural));
  }

  /** The resource that serves a kind in a group-version (e.g. Deployment → deployments). */
  byKind(group: string, version: string, kind: string): ResourceType | undefined {
    for (const rt of this.entries.values()) {
      if (rt.group === group && rt.version === version && rt.kind === kind) return rt;
    }
    return undefined;
  }

  /** Every entry, in registration order. */
  all(): readonly ResourceType[] {
    return [...this.entries.values()];
  }

  /**
   * The served API groups: the core group ("" — served at /api) apart from the named
   * groups (served at /apis, in registration order). Versions are sorted most preferred
   * first, by Kubernetes version priority (v2 > v1 > v1beta2 > v1beta1 > v1alpha1).
   */
  groups(): { core: ApiGroupVersions | undefined; named: ApiGroupVersions[] } {
    const byGroup = new Map<string, Set<string>>();
    for (const rt of this.entries.values()) {
      let versions = byGroup.get(rt.group);
      if (!versions) byGroup.set(rt.group, (versions = new Set()));
      versions.add(rt.version);
    }
    let core: ApiGroupVersions | undefined;
    const named: ApiGroupVersions[] = [];
    for (const [name, set] of byGroup) {
      const versions = [...set].sort(compareVersionPriority);
      const group = { name, versions, preferredVersion: versions[0] ?? "" };
      if (name === "") core = group;
      else named.push(group);
    }
    return { core, named };
  }

  /** Every definition by upstream name: the base (meta) ones and each entry's. */
  definitions(): Definitions {
    if (!this.mergedDefinitions) {
      const merged: Definitions = { ...this.baseDefinitions };
      for (const rt of this.entries.values()) Object.assign(merged, rt.definitions);
      this.mergedDefinitions = merged;
    }
    return this.mergedDefinitions;
  }

  /** Calls `listener` after every change; returns a function that unsubscribes it. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  private insert(rt: ResourceType, replace: boolean): void {
    const k = key(rt.group, rt.version, rt.plural);
    if (!replace && this.entries.has(k)) {
      throw new Error(`resource ${rt.plural}${rt.group ? "." + rt.group : ""}/${rt.version} is already registered`);
    }
    this.entries.set(k, rt);
  }

  private changed(): void {
    this.mergedDefinitions = undefined;
    for (const listener of [...this.listeners]) listener();
  }
}

function key(group: string, version: string, plural: string): string {
  return `${group}/${version}/${plural}`;
}

const versionRE = /^v(\d+)(?:(alpha|beta)(\d+))?$/;

/**
 * Kubernetes version priority (apimachinery/pkg/version/helpers.go CompareKubeAwareVersionStrings):
 * GA before beta before alpha, higher numbers first; other names last, alphabetically.
 */
export function compareVersionPriority(a: string, b: string): number {
  const ma = versionRE.exec(a);
  const mb = versionRE.exec(b);
  if (!ma || !mb) {
    if (ma) return -1;
    if (mb) return 1;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  const stage = (m: RegExpExecArray): number => (m[2] === undefined ? 2 : m[2] === "beta" ? 1 : 0);
  if (stage(ma) !== stage(mb)) return stage(mb) - stage(ma);
  if (Number(ma[1]) !== Number(mb[1])) return Number(mb[1]) - Number(ma[1]);
  return Number(mb[3] ?? 0) - Number(ma[3] ?? 0);
}
