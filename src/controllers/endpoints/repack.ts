import type { EndpointAddress, EndpointPort, EndpointSubset } from "../../api/index.js";

/**
 * endpoints.RepackSubsets (pkg/api/v1/endpoints/util.go): one subset per (address, port)
 * in, out the fewest subsets such that every address in a subset offers exactly that
 * subset's ports. Addresses are told apart by IP and target UID; an address that is ready
 * for one port and not for another lands in different subsets. Results are sorted so
 * that equal input gives equal output (addresses by IP string then UID, as LessEndpointAddress; ports by name then
 * number, subsets by their first address).
 */
export function repackSubsets(subsets: EndpointSubset[]): EndpointSubset[] {
  const allAddresses = new Map<string, EndpointAddress>();
  // port key → address key → ready
  const portToAddresses = new Map<string, { port: EndpointPort | undefined; addresses: Map<string, boolean> }>();
  const note = (address: EndpointAddress, port: EndpointPort | undefined, ready: boolean): void => {
    const aKey = addressKey(address);
    if (!allAddresses.has(aKey)) allAddresses.set(aKey, address);
    const pKey = port ? JSON.stringify([port.name ?? "", port.port, port.protocol ?? "", port.appProtocol ?? null]) : "";
    let entry = portToAddresses.get(pKey);
    if (!entry) portToAddresses.set(pKey, (entry = { port, addresses: new Map() }));
    const seen = entry.addresses.get(aKey);
    if (seen === undefined || !seen) entry.addresses.set(aKey, ready);
  };
  for (const subset of subsets) {
    const ports: Array<EndpointPort | undefined> = subset.ports?.length ? subset.ports : [undefined];
    for (const port of ports) {
      for (const a of subset.addresses ?? []) note(a, port, true);
      for (const a of subset.notReadyAddresses ?? []) note(a, port, false);
    }
  }
  // Group ports by the exact (address, ready) set that offers them.
  const groups = new Map<string, { addresses: Map<string, boolean>; ports: EndpointPort[] }>();
  for (const { port, addresses } of portToAddresses.values()) {
    const key = JSON.stringify([...addresses].sort(([a], [b]) => compare(a, b)));
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { addresses, ports: [] }));
    if (port) group.ports.push(port);
  }
  const out: EndpointSubset[] = [];
  for (const { addresses, ports } of groups.values()) {
    const ready: EndpointAddress[] = [];
    const notReady: EndpointAddress[] = [];
    for (const [aKey, isReady] of addresses) (isReady ? ready : notReady).push(allAddresses.get(aKey) as EndpointAddress);
    const subset: EndpointSubset = {};
    if (ready.length) subset.addresses = ready.sort(compareAddresses);
    if (notReady.length) subset.notReadyAddresses = notReady.sort(compareAddresses);
    if (ports.length) subset.ports = ports.sort((a, b) => compare(a.name ?? "", b.name ?? "") || a.port - b.port || compare(a.protocol ?? "", b.protocol ?? ""));
    out.push(subset);
  }
  return out.sort((a, b) => compare(subsetKey(a), subsetKey(b)));
}

function addressKey(a: EndpointAddress): string {
  return `${a.ip}/${a.targetRef?.uid ?? ""}`;
}

function compareAddresses(a: EndpointAddress, b: EndpointAddress): number {
  return compareIPs(a.ip, b.ip) || compare(a.targetRef?.uid ?? "", b.targetRef?.uid ?? "");
}

function subsetKey(s: EndpointSubset): string {
  const first = s.addresses?.[0] ?? s.notReadyAddresses?.[0];
  return `${first?.ip ?? ""}|${JSON.stringify(s.ports ?? [])}`;
}

/** LessEndpointAddress compares IPs as byte strings. */
function compareIPs(a: string, b: string): number {
  return compare(a, b);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
