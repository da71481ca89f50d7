// Which EndpointSlices to create, update and delete so a Service's slices hold the desired
// endpoints with little churn: after upstream's reconciler (pkg/controller/endpointslice/
// reconciler.go, reconcileByPortMapping), simplified.
import type { DiscoveryV1Endpoint, EndpointSlice } from "../../api/index.js";
import { endpointKey, endpointsEqual, portsKey, type PortGroup } from "./desired.js";

export interface SlicePlan {
  create: EndpointSlice[];
  update: EndpointSlice[];
  delete: EndpointSlice[];
}

export interface PlanOptions {
  addressType: string;
  maxEndpointsPerSlice: number;
  /** A new, empty slice (generateName, labels, ownerReferences) for these ports. */
  newSlice(group: Pick<PortGroup, "ports">): EndpointSlice;
  /** The labels (and annotations) a slice should carry; true when `slice` already does. */
  metaUpToDate(slice: EndpointSlice): boolean;
  /** Brings labels (and annotations) of a slice that is changed anyway up to date. */
  refreshMeta(slice: EndpointSlice): EndpointSlice;
}

/**
 * For one address type: existing slices whose ports match a group keep the endpoints
 * still wanted (updated in place), lose the others, and take new endpoints while they
 * have room; what is left goes into new slices of at most `maxEndpointsPerSlice`.
 * Slices left empty, or whose ports no group has, are deleted — except that a Service
 * with no endpoints at all keeps (or gets) one empty placeholder slice.
 */
export function planSlices(existing: EndpointSlice[], groups: PortGroup[], options: PlanOptions): SlicePlan {
  const plan: SlicePlan = { create: [], update: [], delete: [] };
  const byPorts = new Map<string, EndpointSlice[]>();
  for (const slice of existing) {
    if (slice.addressType !== options.addressType) {
      plan.delete.push(slice);
      continue;
    }
    const key = portsKey(slice.ports);
    byPorts.set(key, [...(byPorts.get(key) ?? []), slice]);
  }
  const totalWanted = groups.reduce((n, g) => n + g.endpoints.length, 0);

  for (const group of groups) {
    const wanted = new Map<string, DiscoveryV1Endpoint>(group.endpoints.map((ep) => [endpointKey(ep), ep]));
    const placed = new Set<string>();
    const kept: Array<{ slice: EndpointSlice; endpoints: DiscoveryV1Endpoint[]; changed: boolean }> = [];
    for (const slice of byPorts.get(group.key) ?? []) {
      let changed = false;
      const endpoints: DiscoveryV1Endpoint[] = [];
      for (const ep of slice.endpoints ?? []) {
        const key = endpointKey(ep);
        const want = wanted.get(key);
        if (!want || placed.has(key)) {
          changed = true;
          continue;
        }
        placed.add(key);
        if (!endpointsEqual(ep, want)) changed = true;
        endpoints.push(want);
      }
      if (endpoints.length === 0) {
        plan.delete.push(slice);
        continue;
      }
      kept.push({ slice, endpoints, changed });
    }
    byPorts.delete(group.key);
    const rest = group.endpoints.filter((ep) => !placed.has(endpointKey(ep)));
    // Fill slices that change anyway first, then the others, before making new ones.
    kept.sort((a, b) => Number(b.changed) - Number(a.changed));
    for (const k of kept) {
      while (rest.length > 0 && k.endpoints.length < options.maxEndpointsPerSlice) {
        k.endpoints.push(rest.shift() as DiscoveryV1Endpoint);
        k.changed = true;
      }
      if (k.changed || !options.metaUpToDate(k.slice)) plan.update.push(options.refreshMeta({ ...k.slice, endpoints: k.endpoints, ports: group.ports }));
    }
    while (rest.length > 0) {
      plan.create.push({ ...options.newSlice(group), endpoints: rest.splice(0, options.maxEndpointsPerSlice) });
    }
  }

  // Slices whose ports no group has any more.
  const leftovers = [...byPorts.values()].flat();
  if (totalWanted === 0) {
    // The placeholder: keep one empty slice without ports, else make one.
    const placeholder = leftovers.find((s) => (s.endpoints ?? []).length === 0 && (s.ports ?? []).length === 0);
    for (const s of leftovers) if (s !== placeholder) plan.delete.push(s);
    if (placeholder) {
      if (!options.metaUpToDate(placeholder) || (placeholder.endpoints ?? []).length > 0) plan.update.push(options.refreshMeta({ ...placeholder, endpoints: [] }));
    } else {
      plan.create.push({ ...options.newSlice({ ports: [] }), endpoints: [] });
    }
  } else {
    plan.delete.push(...leftovers);
  }
  return plan;
}
