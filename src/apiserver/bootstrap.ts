import { readFileSync } from "node:fs";
import { networkInterfaces } from "node:os";
import type { KubeObject, RestHandler, UserInfo } from "../api/index.js";

/** The namespaces every cluster has from its first start, as upstream's system namespaces controller makes them. */
export const systemNamespaces = ["default", "kube-system", "kube-public", "kube-node-lease"];

export const systemUser: UserInfo = { username: "system:apiserver", groups: ["system:masters", "system:authenticated"] };

/** Creates what a new cluster starts with; existing objects are left as they are. */
export async function bootstrapCluster(handle: RestHandler): Promise<void> {
  for (const name of systemNamespaces) {
    const res = await handle({
      method: "POST",
      path: "/api/v1/namespaces",
      query: {},
      body: { apiVersion: "v1", kind: "Namespace", metadata: { name } },
      user: systemUser,
    });
    if (res.status !== 201 && res.status !== 409) {
      throw new Error(`bootstrap: creating namespace ${name}: ${JSON.stringify(res.body)}`);
    }
  }
}

/**
 * The default --advertise-address: where pods and other machines reach this API server
 * (the `kubernetes` Endpoints) and the cluster DNS. A specific bind address is used as
 * it is; loopback or every-address binds name the node's primary IPv4 address.
 */
export function advertiseAddressFor(bindAddress: string): string {
  if (bindAddress === "localhost") return primaryIPv4() ?? "127.0.0.1";
  if (bindAddress !== "0.0.0.0" && bindAddress !== "::" && bindAddress !== "" && !bindAddress.startsWith("127.")) return bindAddress;
  // Loopback or everywhere: pods cannot reach loopback, so name the node's own address.
  return primaryIPv4() ?? "127.0.0.1";
}

/** The IPv4 address of the interface the default route leaves by, else the first non-loopback one. */
export function primaryIPv4(): string | undefined {
  const interfaces = networkInterfaces();
  const viaDefault = defaultRouteInterface();
  const ipv4 = (name: string) => (interfaces[name] ?? []).find((a) => a.family === "IPv4" && !a.internal)?.address;
  if (viaDefault && ipv4(viaDefault)) return ipv4(viaDefault);
  for (const name of Object.keys(interfaces)) {
    const a = ipv4(name);
    if (a) return a;
  }
  return undefined;
}

function defaultRouteInterface(): string | undefined {
  try {
    // Columns: Iface Destination Gateway Flags …; destination 00000000 is the default route.
    for (const line of readFileSync("/proc/net/route", "utf8").split("\n").slice(1)) {
      const [iface, destination] = line.trim().split(/\s+/);
      if (destination === "00000000" && iface) return iface;
    }
  } catch {
    // Not Linux: fall back to the first address.
  }
  return undefined;
}

/**
 * The `kubernetes` Service in `default` (ClusterIP: the first address of the service
 * range, port 443 → the API server's port) with its Endpoints and EndpointSlice naming
 * this API server, kept current on every start (upstream's kubernetesservice controller
 * and endpoint reconciler, pkg/controlplane/controller).
 */
export async function reconcileKubernetesService(handle: RestHandler, options: { clusterIP: string; address: string; port: number }): Promise<void> {
  const { clusterIP, address, port } = options;
  const ports = [{ name: "https", port, protocol: "TCP" }];
  await ensure(handle, "/api/v1/namespaces/default/services", {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "kubernetes", namespace: "default", labels: { component: "apiserver", provider: "kubernetes" } },
    spec: { type: "ClusterIP", clusterIP, clusterIPs: [clusterIP], sessionAffinity: "None", ports: [{ name: "https", port: 443, protocol: "TCP", targetPort: port }] },
  }, (current, wanted) => {
    const spec = current.spec as { ports?: unknown; type?: string };
    const want = wanted.spec as { ports: unknown };
    if (JSON.stringify(spec.ports) === JSON.stringify(want.ports) && spec.type === "ClusterIP") return undefined;
    return { ...current, spec: { ...spec, type: "ClusterIP", ports: want.ports } };
  });
  await ensure(handle, "/api/v1/namespaces/default/endpoints", {
    apiVersion: "v1",
    kind: "Endpoints",
    metadata: { name: "kubernetes", namespace: "default", labels: { "endpointslice.kubernetes.io/skip-mirror": "true" } },
    subsets: [{ addresses: [{ ip: address }], ports }],
  }, (current, wanted) => (JSON.stringify(current.subsets) === JSON.stringify(wanted.subsets) ? undefined : { ...current, subsets: wanted.subsets }));
  await ensure(handle, "/apis/discovery.k8s.io/v1/namespaces/default/endpointslices", {
    apiVersion: "discovery.k8s.io/v1",
    kind: "EndpointSlice",
    metadata: { name: "kubernetes", namespace: "default", labels: { "kubernetes.io/service-name": "kubernetes" } },
    addressType: address.includes(":") ? "IPv6" : "IPv4",
    endpoints: [{ addresses: [address], conditions: { ready: true } }],
    ports,
  }, (current, wanted) =>
    JSON.stringify([current.endpoints, current.ports, current.addressType]) === JSON.stringify([wanted.endpoints, wanted.ports, wanted.addressType])
      ? undefined
      : { ...current, addressType: wanted.addressType, endpoints: wanted.endpoints, ports: wanted.ports },
  );
}

/** Creates `wanted` under `collection`, or updates the existing object with what `update` returns (undefined: leave it). */
async function ensure(handle: RestHandler, collection: string, wanted: KubeObject, update: (current: KubeObject, wanted: KubeObject) => KubeObject | undefined): Promise<void> {
  const path = `${collection}/${wanted.metadata.name}`;
  for (let attempt = 0; attempt < 5; attempt++) {
    const got = await handle({ method: "GET", path, query: {}, user: systemUser });
    let res;
    if (got.status === 404) {
      res = await handle({ method: "POST", path: collection, query: {}, body: wanted, user: systemUser });
    } else if (got.status === 200) {
      const next = update(got.body as KubeObject, wanted);
      if (!next) return;
      res = await handle({ method: "PUT", path, query: {}, body: next, user: systemUser });
    } else {
      throw new Error(`bootstrap: reading ${path}: ${JSON.stringify(got.body)}`);
    }
    if (res.status === 200 || res.status === 201) return;
    if (res.status !== 409) throw new Error(`bootstrap: writing ${path}: ${JSON.stringify(res.body)}`);
  }
  throw new Error(`bootstrap: writing ${path}: kept conflicting`);
}
