/**
 * Answers for the cluster zone, after the Kubernetes DNS specification
 * (kubernetes/dns docs/specification.md) as CoreDNS's kubernetes plugin serves it:
 *
 * - `<svc>.<ns>.svc.<zone>`: A/AAAA with the ClusterIP; a headless Service answers with
 *   its ready endpoints' addresses; an ExternalName Service is a CNAME.
 * - `<hostname>.<svc>.<ns>.svc.<zone>`: A for a headless Service's endpoint with that
 *   hostname (pods with `hostname` + `subdomain`).
 * - `_<port>._<proto>.<svc>.<ns>.svc.<zone>`: SRV for a named port.
 * - `<a-b-c-d>.<ns>.pod.<zone>`: A with that IP (CoreDNS "pods insecure", kubeadm's default).
 * - PTR for ClusterIPs and headless endpoint addresses.
 * - Anything else in the zone: NXDOMAIN with the zone's SOA; names that exist with other
 *   types: NOERROR without answers (NODATA), SOA in authority.
 *
 * Pure: it reads from `ClusterSources` (informer caches in the server) and returns records.
 */
import type { Answer } from "dns-packet";
import type { EndpointSlice, Service } from "../api/index.js";

export interface ClusterSources {
  service(namespace: string, name: string): Service | undefined;
  /** The EndpointSlices of a Service (label kubernetes.io/service-name). */
  endpointSlices(namespace: string, service: string): EndpointSlice[];
  /** The Service whose ClusterIP this is. */
  serviceByClusterIP(ip: string): Service | undefined;
}

export interface ZoneAnswer {
  rcode: "NOERROR" | "NXDOMAIN";
  answers: Answer[];
  authority: Answer[];
  additionals: Answer[];
}

export const ttl = 5;

/** The zone's SOA, as CoreDNS builds it. */
export function soaRecord(zone: string): Answer {
  return {
    type: "SOA",
    name: zone,
    ttl,
    class: "IN",
    data: { mname: `ns.dns.${zone}`, rname: `hostmaster.${zone}`, serial: Math.floor(Date.now() / 1000), refresh: 7200, retry: 1800, expire: 86400, minimum: ttl },
  };
}

const isIPv6 = (ip: string) => ip.includes(":");

function addressRecord(name: string, ip: string): Answer {
  return isIPv6(ip) ? { type: "AAAA", name, ttl, class: "IN", data: ip } : { type: "A", name, ttl, class: "IN", data: ip };
}

/** Ready endpoints of a Service: conditions.ready unset counts as ready, as upstream's consumers read it. */
function readyEndpoints(slices: EndpointSlice[]): { address: string; hostname?: string }[] {
  const out: { address: string; hostname?: string }[] = [];
  const seen = new Set<string>();
  for (const slice of slices) {
    for (const ep of slice.endpoints ?? []) {
      if (ep.conditions?.ready === false) continue;
      for (const address of ep.addresses ?? []) {
        if (seen.has(address)) continue;
        seen.add(address);
        out.push({ address, hostname: ep.hostname });
      }
    }
  }
  return out;
}

const headless = (svc: Service) => svc.spec?.clusterIP === "None";
const dashed = (ip: string) => (isIPv6(ip) ? ip.replace(/:/g, "-") : ip.replace(/\./g, "-"));

/**
 * The answer for a question inside `zone` (lower-case, no trailing dot, e.g. "cluster.local"),
 * or undefined when the name is outside the zone (forward it) and not a PTR we know.
 */
export function answerInZone(question: { name: string; type: string }, zone: string, src: ClusterSources): ZoneAnswer | undefined {
  const qname = question.name.replace(/\.$/, "");
  const name = qname.toLowerCase();
  const type = question.type;
  if (name.endsWith(".in-addr.arpa") || name.endsWith(".ip6.arpa")) return reverse(qname, type, zone, src);
  if (name !== zone && !name.endsWith(`.${zone}`)) return undefined;
  const labels = name === zone ? [] : name.slice(0, -(zone.length + 1)).split(".");
  const nodata = (): ZoneAnswer => ({ rcode: "NOERROR", answers: [], authority: [soaRecord(zone)], additionals: [] });
  const nxdomain = (): ZoneAnswer => ({ rcode: "NXDOMAIN", answers: [], authority: [soaRecord(zone)], additionals: [] });
  const ok = (answers: Answer[], additionals: Answer[] = []): ZoneAnswer =>
    answers.length ? { rcode: "NOERROR", answers, authority: [], additionals } : nodata();

  if (labels.length === 0) {
    if (type === "SOA") return ok([soaRecord(zone)]);
    if (type === "NS") return ok([{ type: "NS", name: qname, ttl, class: "IN", data: `ns.dns.${zone}` }]);
    return nodata();
  }
  const kind = labels[labels.length - 1];
  if (kind === "pod") {
    // <a-b-c-d>.<ns>.pod.<zone>
    if (labels.length === 1 || labels.length === 2) return nodata();
    if (labels.length !== 3) return nxdomain();
    const ip = podIP(labels[0]!);
    if (!ip) return nxdomain();
    return (type === "A" && !isIPv6(ip)) || (type === "AAAA" && isIPv6(ip)) ? ok([addressRecord(qname, ip)]) : nodata();
  }
  if (kind !== "svc") return nxdomain();
  // svc.<zone> and <ns>.svc.<zone> exist (as empty non-terminals).
  if (labels.length <= 2) return nodata();
  const ns = labels[labels.length - 2]!;
  const svcName = labels[labels.length - 3]!;
  const svc = src.service(ns, svcName);
  if (!svc) return nxdomain();
  const rest = labels.slice(0, -3);
  if (rest.length === 0) return serviceAnswer(qname, type, svc, zone, src, ok);
  if (rest.length === 1) {
    // <hostname>.<svc>.<ns>.svc.<zone>: an endpoint of a headless Service.
    if (!headless(svc)) return nxdomain();
    const eps = readyEndpoints(src.endpointSlices(ns, svcName)).filter((e) => (e.hostname ?? dashed(e.address)) === rest[0]);
    if (eps.length === 0) return nxdomain();
    return ok(eps.filter((e) => (type === "AAAA") === isIPv6(e.address) && (type === "A" || type === "AAAA")).map((e) => addressRecord(qname, e.address)));
  }
  if (rest.length === 2 && rest[0]!.startsWith("_") && rest[1]!.startsWith("_")) {
    const portName = rest[0]!.slice(1);
    const proto = rest[1]!.slice(1).toUpperCase();
    const port = (svc.spec?.ports ?? []).find((p) => p.name === portName && (p.protocol ?? "TCP") === proto);
    if (!port) return nxdomain();
    if (type !== "SRV") return nodata();
    const target = `${svcName}.${ns}.svc.${zone}`;
    if (!headless(svc)) {
      return ok([{ type: "SRV", name: qname, ttl, class: "IN", data: { priority: 0, weight: 100, port: port.port, target } }], addressesOf(target, svc));
    }
    const answers: Answer[] = [];
    const extra: Answer[] = [];
    for (const slice of src.endpointSlices(ns, svcName)) {
      const epPort = (slice.ports ?? []).find((p) => p.name === portName && (p.protocol ?? "TCP") === proto);
      if (!epPort?.port) continue;
      for (const ep of readyEndpoints([slice])) {
        const host = `${ep.hostname ?? dashed(ep.address)}.${target}`;
        answers.push({ type: "SRV", name: qname, ttl, class: "IN", data: { priority: 0, weight: 100, port: epPort.port, target: host } });
        extra.push(addressRecord(host, ep.address));
      }
    }
    return ok(answers, extra);
  }
  return nxdomain();
}

function serviceAnswer(qname: string, type: string, svc: Service, zone: string, src: ClusterSources, ok: (a: Answer[], x?: Answer[]) => ZoneAnswer): ZoneAnswer {
  const spec = svc.spec ?? {};
  if (spec.type === "ExternalName") {
    const target = (spec.externalName ?? "").replace(/\.$/, "");
    return ok([{ type: "CNAME", name: qname, ttl, class: "IN", data: target }]);
  }
  if (type === "SRV") {
    // All named ports, as CoreDNS answers an SRV query for the Service name.
    const target = `${svc.metadata.name}.${svc.metadata.namespace}.svc.${zone}`;
    const answers: Answer[] = (spec.ports ?? []).map((p) => ({ type: "SRV", name: qname, ttl, class: "IN", data: { priority: 0, weight: 100, port: p.port, target } }));
    return ok(answers, headless(svc) ? [] : addressesOf(target, svc));
  }
  if (type !== "A" && type !== "AAAA") return ok([]);
  const want6 = type === "AAAA";
  const ips = headless(svc)
    ? readyEndpoints(src.endpointSlices(svc.metadata.namespace ?? "", svc.metadata.name ?? "")).map((e) => e.address)
    : (spec.clusterIPs ?? (spec.clusterIP ? [spec.clusterIP] : []));
  return ok(ips.filter((ip) => isIPv6(ip) === want6).map((ip) => addressRecord(qname, ip)));
}

function addressesOf(name: string, svc: Service): Answer[] {
  return (svc.spec?.clusterIPs ?? []).filter((ip) => ip !== "None").map((ip) => addressRecord(name, ip));
}

function podIP(label: string): string | undefined {
  const v4 = label.split("-");
  if (v4.length === 4 && v4.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return v4.join(".");
  if (label.includes("--") || v4.length > 4) {
    const v6 = label.replace(/-/g, ":");
    if (/^[0-9a-f:]+$/.test(v6)) return v6;
  }
  return undefined;
}

/** PTR for a ClusterIP in the cluster; other reverse names are forwarded. */
function reverse(qname: string, type: string, zone: string, src: ClusterSources): ZoneAnswer | undefined {
  const name = qname.toLowerCase();
  if (!name.endsWith(".in-addr.arpa")) return undefined;
  const parts = name.slice(0, -".in-addr.arpa".length).split(".");
  if (parts.length !== 4) return undefined;
  const ip = parts.reverse().join(".");
  const svc = src.serviceByClusterIP(ip);
  if (!svc) return undefined;
  const target = `${svc.metadata.name}.${svc.metadata.namespace}.svc.${zone}`;
  if (type !== "PTR") return { rcode: "NOERROR", answers: [], authority: [soaRecord(zone)], additionals: [] };
  return { rcode: "NOERROR", answers: [{ type: "PTR", name: qname, ttl, class: "IN", data: target }], authority: [], additionals: [] };
}
