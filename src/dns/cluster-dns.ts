/**
 * Cluster DNS wired to the API: informers on Services and EndpointSlices feed the
 * answers; the `kube-dns` Service in kube-system (ClusterIP: the 10th address of the
 * service range, 10.43.0.10 by default) points at this server through an Endpoints
 * object and an EndpointSlice, so pods reach it through the service proxy.
 *
 *   const dns = await startClusterDns({ client, informers, host: "10.0.0.5", port: 10053 }, signal);
 *   await ensureKubeDnsService(client, { clusterIP: "10.43.0.10", address: "10.0.0.5", port: dns.port });
 */
import { readFile } from "node:fs/promises";
import type { EndpointSlice, Service } from "../api/index.js";
import { ensureIndex, resource, resources, type Client, type InformerFactory } from "../client/index.js";
import { isApiError } from "../machinery/index.js";
import { upstreamsFromResolvConf, type Upstream } from "./forward.js";
import type { ClusterSources } from "./records.js";
import { ClusterDnsServer } from "./server.js";

export interface ClusterDnsOptions {
  informers: InformerFactory;
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** Default "cluster.local". */
  zone?: string;
  /** Default: the nameservers of /etc/resolv.conf. */
  upstreams?: Upstream[];
  onError?: (err: unknown) => void;
}

const serviceNameLabel = "kubernetes.io/service-name";
const services = resource<Service>(resources.services.group, resources.services.version, resources.services.resource, resources.services.kind, true);
const endpointSlices = resource<EndpointSlice>(resources.endpointslices.group, resources.endpointslices.version, resources.endpointslices.resource, resources.endpointslices.kind, true);

/** ClusterSources over shared informer caches. */
export function informerSources(informers: InformerFactory): ClusterSources {
  const serviceCache = informers.informer(services);
  const slices = informers.informer(endpointSlices);
  ensureIndex(serviceCache, "clusterIP", (s) => (s.spec?.clusterIPs ?? []).filter((ip) => ip && ip !== "None"));
  ensureIndex(slices, "service", (s) => {
    const svc = s.metadata.labels?.[serviceNameLabel];
    return svc ? [`${s.metadata.namespace}/${svc}`] : [];
  });
  return {
    service: (namespace, name) => serviceCache.get(`${namespace}/${name}`),
    endpointSlices: (namespace, service) => slices.byIndex("service", `${namespace}/${service}`),
    serviceByClusterIP: (ip) => serviceCache.byIndex("clusterIP", ip)[0],
  };
}

export async function startClusterDns(options: ClusterDnsOptions, signal: AbortSignal): Promise<{ port: number; server: ClusterDnsServer }> {
  const sources = informerSources(options.informers);
  const upstreams = options.upstreams ?? (await nodeUpstreams());
  const server = new ClusterDnsServer({ host: options.host, port: options.port, zone: options.zone ?? "cluster.local", sources, upstreams, onError: options.onError });
  const { port } = await server.listen(signal);
  // Never forward to ourselves.
  const self = (u: Upstream) => u.port === port && (u.host === options.host || options.host === "0.0.0.0");
  upstreams.splice(0, upstreams.length, ...upstreams.filter((u) => !self(u)));
  return { port, server };
}

async function nodeUpstreams(): Promise<Upstream[]> {
  try {
    return upstreamsFromResolvConf(await readFile("/etc/resolv.conf", "utf8"));
  } catch {
    return [];
  }
}

/** The conventional DNS ClusterIP: the 10th address of the service range (10.43.0.10 for 10.43.0.0/16). */
export function dnsServiceIP(serviceCIDR: string): string {
  const [base] = serviceCIDR.split("/");
  const parts = (base ?? "").split(".").map(Number);
  const n = (((parts[0]! << 24) >>> 0) + (parts[1]! << 16) + (parts[2]! << 8) + parts[3]! + 10) >>> 0;
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
}

/**
 * Creates or corrects the `kube-dns` Service (no selector), its Endpoints and its
 * EndpointSlice so they name this DNS server's address and port.
 */
export async function ensureKubeDnsService(client: Client, options: { clusterIP: string; address: string; port: number; signal?: AbortSignal }): Promise<void> {
  const { clusterIP, address, port, signal } = options;
  const namespace = "kube-system";
  const labels = { "k8s-app": "kube-dns", "kubernetes.io/cluster-service": "true", "kubernetes.io/name": "CoreDNS" };
  const servicePorts = [
    { name: "dns", port: 53, protocol: "UDP", targetPort: port },
    { name: "dns-tcp", port: 53, protocol: "TCP", targetPort: port },
  ];
  const existing = await getOrUndefined(() => client.get(services, "kube-dns", { namespace, signal }));
  if (!existing) {
    const svc: Service = {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "kube-dns", namespace, labels },
      spec: { clusterIP, clusterIPs: [clusterIP], ports: servicePorts },
    };
    try {
      await client.create(services, svc, { signal });
    } catch (err) {
      // Someone already holds the conventional IP: take any.
      if (!isApiError(err) || err.code !== 422) throw err;
      await client.create(services, { ...svc, spec: { ports: servicePorts } }, { signal });
    }
  } else if (JSON.stringify(existing.spec?.ports?.map((p) => p.targetPort)) !== JSON.stringify(servicePorts.map((p) => p.targetPort))) {
    await client.update(services, { ...existing, spec: { ...existing.spec, ports: servicePorts } }, { signal });
  }
  const endpointPorts = [
    { name: "dns", port, protocol: "UDP" },
    { name: "dns-tcp", port, protocol: "TCP" },
  ];
  const subsets = [{ addresses: [{ ip: address }], ports: endpointPorts }];
  const ep = await getOrUndefined(() => client.get(resources.endpoints, "kube-dns", { namespace, signal }));
  const epMeta = { name: "kube-dns", namespace, labels: { ...labels, "endpointslice.kubernetes.io/skip-mirror": "true" } };
  if (!ep) await client.create(resources.endpoints, { apiVersion: "v1", kind: "Endpoints", metadata: epMeta, subsets }, { signal });
  else if (JSON.stringify(ep.subsets) !== JSON.stringify(subsets)) await client.update(resources.endpoints, { ...ep, subsets }, { signal });

  const slice: EndpointSlice = {
    apiVersion: "discovery.k8s.io/v1",
    kind: "EndpointSlice",
    metadata: { name: "kube-dns", namespace, labels: { [serviceNameLabel]: "kube-dns", "endpointslice.kubernetes.io/managed-by": "k8ts-server" } },
    addressType: address.includes(":") ? "IPv6" : "IPv4",
    endpoints: [{ addresses: [address], conditions: { ready: true } }],
    ports: endpointPorts,
  };
  const es = await getOrUndefined(() => client.get(endpointSlices, "kube-dns", { namespace, signal }));
  if (!es) await client.create(endpointSlices, slice, { signal });
  else if (JSON.stringify([es.endpoints, es.ports]) !== JSON.stringify([slice.endpoints, slice.ports])) {
    await client.update(endpointSlices, { ...es, addressType: slice.addressType, endpoints: slice.endpoints, ports: slice.ports }, { signal });
  }
}

async function getOrUndefined<T>(get: () => Promise<T>): Promise<T | undefined> {
  try {
    return await get();
  } catch (err) {
    if (isApiError(err) && err.code === 404) return undefined;
    throw err;
  }
}
