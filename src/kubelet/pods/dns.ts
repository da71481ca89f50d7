import type { Pod } from "../../api/index.js";

/** CRI DNSConfig (runtime.v1.DNSConfig): what the runtime writes into the sandbox's resolv.conf. */
export interface PodDnsConfig {
  servers: string[];
  searches: string[];
  options: string[];
}

export interface DnsSettings {
  /** --cluster-dns; empty until the cluster DNS lands. */
  clusterDNS: string[];
  clusterDomain: string;
  /** The node's resolv.conf, parsed (what dnsPolicy Default gives). */
  host: PodDnsConfig;
}

/** Notices for the pod (upstream records them as events, e.g. MissingClusterDNS). */
export interface DnsResult {
  config: PodDnsConfig;
  warning?: string;
}

/** Parses resolv.conf text: nameserver, search/domain, options. */
export function parseResolvConf(text: string): PodDnsConfig {
  const out: PodDnsConfig = { servers: [], searches: [], options: [] };
  for (const raw of text.split("\n")) {
    const line = raw.replace(/[#;].*$/, "").trim();
    const [key, ...rest] = line.split(/\s+/);
    if (key === "nameserver" && rest[0]) out.servers.push(rest[0]);
    else if (key === "search" || key === "domain") out.searches = rest;
    else if (key === "options") out.options.push(...rest);
  }
  return out;
}

const maxSearches = 32;

/**
 * The pod's DNS config for its dnsPolicy and dnsConfig (pkg/kubelet/network/dns
 * GetPodDNS): ClusterFirst → the cluster DNS with `<ns>.svc.<domain>` searches and
 * ndots:5 (falling back to Default, with a MissingClusterDNS warning, when no cluster DNS
 * is set); hostNetwork pods use Default unless ClusterFirstWithHostNet; None → only
 * dnsConfig. dnsConfig's servers and searches are appended, options merged by name.
 */
export function podDnsConfig(pod: Pod, s: DnsSettings): DnsResult {
  const spec = pod.spec;
  let policy = spec?.dnsPolicy ?? "ClusterFirst";
  let warning: string | undefined;
  if (policy === "ClusterFirst" && spec?.hostNetwork) policy = "Default";
  if (policy === "ClusterFirstWithHostNet") policy = "ClusterFirst";
  if (policy === "ClusterFirst" && s.clusterDNS.length === 0) {
    warning = `kubelet does not have ClusterDNS IP configured and cannot create Pod using "ClusterFirst" policy. Falling back to "Default" policy.`;
    policy = "Default";
  }
  let config: PodDnsConfig;
  if (policy === "None") config = { servers: [], searches: [], options: [] };
  else if (policy === "Default") config = { servers: [...s.host.servers], searches: [...s.host.searches], options: [...s.host.options] };
  else {
    const ns = pod.metadata.namespace ?? "default";
    const d = s.clusterDomain;
    config = { servers: [...s.clusterDNS], searches: [`${ns}.svc.${d}`, `svc.${d}`, d, ...s.host.searches], options: ["ndots:5"] };
  }
  const extra = spec?.dnsConfig;
  if (extra) {
    config.servers = dedupe([...config.servers, ...(extra.nameservers ?? [])]);
    config.searches = dedupe([...config.searches, ...(extra.searches ?? [])]);
    const opts = new Map<string, string>();
    for (const o of config.options) {
      const [k, v] = o.split(":", 2);
      opts.set(k, o.includes(":") ? `${k}:${v}` : k);
    }
    for (const o of extra.options ?? []) opts.set(o.name ?? "", o.value !== undefined ? `${o.name}:${o.value}` : (o.name ?? ""));
    config.options = [...opts.values()].filter((o) => o);
  }
  config.searches = config.searches.slice(0, maxSearches);
  return { config, warning };
}

function dedupe(xs: string[]): string[] {
  return [...new Set(xs)];
}
