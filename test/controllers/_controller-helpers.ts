// Small helpers shared by the controller tests of serviceaccount, endpoints,
// endpointslice, nodelifecycle and podgc.
import assert from "node:assert/strict";
import type { KubeObject, Node, Pod } from "../../src/api/index.js";
import { isApiError } from "../../src/machinery/index.js";
import { resources, type Client, type Resource } from "../../src/client/index.js";

export async function eventually(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) assert.fail(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function getOrUndefined<T extends KubeObject>(client: Client, res: Resource<T>, name: string, namespace?: string): Promise<T | undefined> {
  try {
    return await client.get(res, name, { namespace });
  } catch (err) {
    if (isApiError(err, "NotFound")) return undefined;
    throw err;
  }
}

export interface PodSpecOptions {
  labels?: Record<string, string>;
  nodeName?: string;
  ports?: Array<{ name?: string; containerPort: number; protocol?: string }>;
  hostname?: string;
  subdomain?: string;
  tolerations?: Array<Record<string, unknown>>;
}

export async function createPod(client: Client, namespace: string, name: string, options: PodSpecOptions = {}): Promise<Pod> {
  const pod: KubeObject = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace, labels: options.labels },
    spec: {
      containers: [{ name: "c", image: "busybox", ...(options.ports ? { ports: options.ports } : {}) }],
      ...(options.nodeName ? { nodeName: options.nodeName } : {}),
      ...(options.hostname ? { hostname: options.hostname } : {}),
      ...(options.subdomain ? { subdomain: options.subdomain } : {}),
      ...(options.tolerations ? { tolerations: options.tolerations } : {}),
    },
  };
  return (await client.create(resources.pods, pod)) as Pod;
}

/** What a kubelet would report: Running with an IP, Ready or not. */
export async function setPodRunning(client: Client, pod: Pod, ip: string, ready: boolean): Promise<Pod> {
  const at = new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
  const status = {
    phase: "Running",
    podIP: ip,
    podIPs: [{ ip }],
    conditions: [
      { type: "Ready", status: ready ? "True" : "False", lastTransitionTime: at },
      { type: "ContainersReady", status: ready ? "True" : "False", lastTransitionTime: at },
    ],
  };
  return (await client.patch(resources.pods, pod.metadata.name ?? "", { status }, { namespace: pod.metadata.namespace, type: "merge", subresource: "status" })) as Pod;
}

export async function createNode(client: Client, name: string, options: { labels?: Record<string, string>; ready?: "True" | "False" | "Unknown"; taints?: Array<Record<string, unknown>> } = {}): Promise<Node> {
  const at = new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
  const node = (await client.create(resources.nodes, {
    apiVersion: "v1",
    kind: "Node",
    metadata: { name, labels: { "kubernetes.io/hostname": name, ...options.labels } },
    spec: options.taints ? { taints: options.taints } : {},
  })) as Node;
  return (await client.patch(
    resources.nodes,
    name,
    { status: { conditions: [{ type: "Ready", status: options.ready ?? "True", reason: "KubeletReady", message: "test", lastHeartbeatTime: at, lastTransitionTime: at }] } },
    { type: "merge", subresource: "status" },
  )) as Node;
}
