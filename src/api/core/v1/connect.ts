// The connect subresources of pods and nodes (upstream pkg/registry/core/pod/strategy.go
// LogLocation / streamLocation / PortForwardLocation and node/strategy.go ResourceLocation):
// each names the kubelet URL a request goes to, with upstream's error messages.
import { ApiError } from "../../../machinery/index.js";
import type { KubeObject } from "../../object.js";
import type { ConnectLocation, ConnectRequest, ConnectSubresource } from "../../resource-type.js";
import type { Node } from "./node-types.js";
import type { Pod } from "./pod-types.js";

const defaultKubeletPort = 10250;

/** Where a node's kubelet listens: its InternalIP (else another address) and daemonEndpoints port. */
export function kubeletAddress(node: Node): { host: string; port: number } {
  const addrs = node.status?.addresses ?? [];
  const pick = ["InternalIP", "Hostname", "ExternalIP", "InternalDNS", "ExternalDNS"].map((t) => addrs.find((a) => a.type === t)).find(Boolean);
  const port = node.status?.daemonEndpoints?.kubeletEndpoint?.Port || defaultKubeletPort;
  return { host: pick?.address ?? node.metadata.name ?? "", port };
}

async function nodeOf(pod: Pod, req: ConnectRequest): Promise<{ host: string; port: number }> {
  const nodeName = pod.spec?.nodeName ?? "";
  const node = (await req.get({ group: "", version: "v1", plural: "nodes", name: nodeName })) as Node | undefined;
  if (!node) throw ApiError.notFound({ group: "", resource: "nodes" }, nodeName);
  return kubeletAddress(node);
}

/** The container a request is for: the one named, or the only one (validateContainer). */
function containerOf(pod: Pod, name: string | null): string {
  const podName = pod.metadata.name ?? "";
  const containers = pod.spec?.containers ?? [];
  if (!name) {
    if (containers.length === 1) return containers[0]!.name;
    if (containers.length === 0) throw ApiError.badRequest(`a container name must be specified for pod ${podName}`);
    let msg = `a container name must be specified for pod ${podName}, choose one of: [${containers.map((c) => c.name).join(" ")}]`;
    const inits = pod.spec?.initContainers ?? [];
    if (inits.length) msg += ` or one of the init containers: [${inits.map((c) => c.name).join(" ")}]`;
    const ephemeral = pod.spec?.ephemeralContainers ?? [];
    if (ephemeral.length) msg += ` or one of the ephemeral containers: [${ephemeral.map((c) => c.name).join(" ")}]`;
    throw ApiError.badRequest(msg);
  }
  const all = [...containers, ...(pod.spec?.initContainers ?? []), ...(pod.spec?.ephemeralContainers ?? [])];
  if (!all.some((c) => c.name === name)) throw ApiError.badRequest(`container ${name} is not valid for pod ${podName}`);
  return name;
}

function esc(s: string): string {
  return encodeURIComponent(s);
}

function withQuery(path: string, params: URLSearchParams): string {
  const q = params.toString();
  return q ? `${path}?${q}` : path;
}

/** Copies the log options upstream passes to the kubelet, after checking them as PodLogOptions validation does. */
function logParams(q: URLSearchParams): URLSearchParams {
  const out = new URLSearchParams();
  const int = (name: string, min: number) => {
    const v = q.get(name);
    if (v === null) return;
    const n = Number(v);
    if (!Number.isInteger(n)) throw ApiError.badRequest(`${name}: Invalid value: "${v}": must be an integer`);
    if (n < min) throw ApiError.badRequest(`${name}: Invalid value: ${n}: must be ${min === 0 ? "greater than or equal to 0" : "greater than 0"}`);
    out.set(name, String(n));
  };
  int("tailLines", 0);
  int("limitBytes", 1);
  int("sinceSeconds", 1);
  const sinceTime = q.get("sinceTime");
  if (sinceTime !== null) {
    if (q.get("sinceSeconds") !== null) throw ApiError.badRequest("at most one of `sinceTime` or `sinceSeconds` may be specified");
    if (Number.isNaN(Date.parse(sinceTime))) throw ApiError.badRequest(`sinceTime: Invalid value: "${sinceTime}": must be an RFC 3339 time`);
    out.set("sinceTime", sinceTime);
  }
  for (const b of ["follow", "previous", "timestamps"]) if (isTrue(q.get(b))) out.set(b, "true");
  return out;
}

function isTrue(v: string | null): boolean {
  return v === "true" || v === "1" || v === "True";
}

function streamFlags(q: URLSearchParams, out: URLSearchParams): void {
  for (const [name, alias] of [["stdin", "input"], ["stdout", "output"], ["stderr", "error"], ["tty", "tty"]] as const) {
    if (isTrue(q.get(name) ?? q.get(alias))) out.set(name, "1");
  }
}

/** pods/log: GET, a plain-text stream from /containerLogs. */
export const podLog: ConnectSubresource = {
  kind: "Pod",
  verbs: ["get"],
  async location(parent: KubeObject, req: ConnectRequest): Promise<ConnectLocation | undefined> {
    const pod = parent as Pod;
    const container = containerOf(pod, req.query.get("container"));
    const params = logParams(req.query);
    // A pod not yet on a node has no logs: an empty answer, as upstream.
    if (!pod.spec?.nodeName) return undefined;
    const { host, port } = await nodeOf(pod, req);
    return { host, port, path: withQuery(`/containerLogs/${esc(pod.metadata.namespace ?? "")}/${esc(pod.metadata.name ?? "")}/${esc(container)}`, params) };
  },
};

function streamSubresource(kind: "exec" | "attach"): ConnectSubresource {
  return {
    kind: kind === "exec" ? "PodExecOptions" : "PodAttachOptions",
    verbs: ["create", "get"],
    upgradeOnly: true,
    async location(parent, req) {
      const pod = parent as Pod;
      const container = containerOf(pod, req.query.get("container"));
      if (!pod.spec?.nodeName) throw ApiError.badRequest(`pod ${pod.metadata.name} does not have a host assigned`);
      const params = new URLSearchParams();
      if (kind === "exec") {
        const command = req.query.getAll("command");
        if (command.length === 0) throw ApiError.badRequest("you must specify at least 1 command");
        for (const c of command) params.append("command", c);
      }
      streamFlags(req.query, params);
      const { host, port } = await nodeOf(pod, req);
      return { host, port, path: withQuery(`/${kind}/${esc(pod.metadata.namespace ?? "")}/${esc(pod.metadata.name ?? "")}/${esc(container)}`, params) };
    },
  };
}

export const podExec = streamSubresource("exec");
export const podAttach = streamSubresource("attach");

/** pods/portforward: an upgraded connection to /portForward. */
export const podPortForward: ConnectSubresource = {
  kind: "PodPortForwardOptions",
  verbs: ["create", "get"],
  upgradeOnly: true,
  async location(parent, req) {
    const pod = parent as Pod;
    if (!pod.spec?.nodeName) throw ApiError.badRequest(`pod ${pod.metadata.name} does not have a host assigned`);
    const params = new URLSearchParams();
    for (const p of req.query.getAll("ports")) for (const one of p.split(",")) if (one) params.append("port", one);
    const { host, port } = await nodeOf(pod, req);
    return { host, port, path: withQuery(`/portForward/${esc(pod.metadata.namespace ?? "")}/${esc(pod.metadata.name ?? "")}`, params) };
  },
};

/** nodes/proxy: any path on the node's kubelet (`/api/v1/nodes/n1/proxy/healthz`). */
export const nodeProxy: ConnectSubresource = {
  kind: "NodeProxyOptions",
  verbs: ["create", "delete", "get", "patch", "update"],
  subpath: true,
  async location(parent, req) {
    const { host, port } = kubeletAddress(parent as Node);
    const q = new URLSearchParams(req.query);
    return { host, port, path: withQuery(req.subpath || "/", q) };
  },
};
