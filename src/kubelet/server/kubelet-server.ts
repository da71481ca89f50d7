import { createServer, type Server } from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import type { TLSSocket } from "node:tls";
import type { ContainerStatus as ApiContainerStatus, Pod } from "../../api/index.js";
import { ContainerState, type ContainerRuntime } from "../runtime/index.js";
import { podNameLabel, podNamespaceLabel, containerNameLabel, podUidLabel } from "../pods/labels.js";
import { readContainerLog, type ContainerLogOptions } from "./container-log.js";
import { proxyStream, writeHttpError, type StreamTarget } from "./stream-proxy.js";
import { resourceMetricsText, type Summary } from "../stats/index.js";

/** The client certificate the API server presents to kubelets (kubeadm's name). */
export const apiserverKubeletClientCN = "kube-apiserver-kubelet-client";
/** Upstream's --port: where the kubelet serves logs, exec, attach and port-forward. */
export const defaultKubeletPort = 10250;

export interface KubeletServerOptions {
  runtime: ContainerRuntime;
  /** The pod bound to this node by namespace and name, as the kubelet last saw it. */
  getPod(namespace: string, name: string): Pod | undefined;
  /** Serving certificate and key, and the CA whose client certificates are accepted. */
  tls: { key: string; cert: string; ca: string };
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Who may call (by certificate CN or O): default the API server's kubelet client and system:masters. */
  allowed?: (user: { name: string; groups: string[] }) => boolean;
  onError?: (err: unknown) => void;
  /** The node's Summary (GET /stats/summary, /metrics/resource); absent: 404 as a kubelet without stats. */
  stats?: { summary(): Promise<Summary> };
  /** GET /metrics: the agent's Prometheus text and its content type. */
  metrics?: () => Promise<{ contentType: string; text: string }>;
}

export interface RunningKubeletServer {
  server: Server;
  port: number;
  close(): Promise<void>;
}

const defaultAllowed = (u: { name: string; groups: string[] }) => u.name === apiserverKubeletClientCN || u.groups.includes("system:masters");

/**
 * The kubelet's HTTPS endpoint (pkg/kubelet/server/server.go), reached by the API
 * server with its kubelet client certificate:
 *   GET /healthz
 *   GET /containerLogs/{ns}/{pod}/{container}?follow&previous&tailLines&sinceSeconds&sinceTime&timestamps&limitBytes
 *   /exec/{ns}/{pod}/{container}?command=…&stdin&stdout&stderr&tty   (upgrade)
 *   /attach/{ns}/{pod}/{container}?stdin&stdout&stderr&tty            (upgrade)
 *   /portForward/{ns}/{pod}                                           (upgrade)
 *   GET /stats/summary[?only_cpu_and_memory=true], /metrics/resource, /metrics
 * Streams go to the CRI streaming server (see stream-proxy.ts).
 */
export async function startKubeletServer(options: KubeletServerOptions): Promise<RunningKubeletServer> {
  const allowed = options.allowed ?? defaultAllowed;
  const server = createServer({ key: options.tls.key, cert: options.tls.cert, ca: options.tls.ca, requestCert: true, rejectUnauthorized: false }, (req, res) => {
    const denied = checkCaller(req, allowed);
    if (denied) {
      req.resume();
      res.writeHead(denied.status, { "Content-Type": "text/plain; charset=utf-8" }).end(denied.message);
      return;
    }
    serveHttp(req, res, options).catch((err: unknown) => {
      options.onError?.(err);
      if (!res.headersSent) res.writeHead(500, { "Content-Type": "text/plain; charset=utf-8" }).end(errorText(err));
      else res.destroy();
    });
  });
  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on("error", () => socket.destroy());
    const denied = checkCaller(req, allowed);
    if (denied) return writeHttpError(socket, denied.status, denied.message);
    serveUpgrade(req, socket, head, options).catch((err: unknown) => {
      options.onError?.(err);
      writeHttpError(socket, 500, errorText(err));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? defaultKubeletPort, options.host ?? "0.0.0.0", () => {
      server.off("error", reject);
      resolve();
    });
  });
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function checkCaller(req: IncomingMessage, allowed: NonNullable<KubeletServerOptions["allowed"]>): { status: number; message: string } | undefined {
  const socket = req.socket as TLSSocket;
  const subject = socket.authorized ? socket.getPeerCertificate()?.subject : undefined;
  const cn = subject?.CN;
  if (!cn) return { status: 401, message: "Unauthorized" };
  const o = subject.O as string | string[] | undefined;
  const user = { name: Array.isArray(cn) ? cn[0]! : cn, groups: o === undefined ? [] : Array.isArray(o) ? o : [o] };
  if (!allowed(user)) return { status: 403, message: `Forbidden (user=${user.name}, verb=${(req.method ?? "get").toLowerCase()}, resource=nodes, subresource=proxy)` };
  return undefined;
}

async function serveHttp(req: IncomingMessage, res: ServerResponse, o: KubeletServerOptions): Promise<void> {
  const url = new URL(req.url ?? "/", "https://kubelet");
  const parts = url.pathname.split("/").filter(Boolean).map(decodeURIComponent);
  if (url.pathname === "/healthz") return void res.writeHead(200, { "Content-Type": "text/plain; charset=utf-8" }).end("ok");
  if (parts[0] === "containerLogs" && parts.length === 4 && req.method === "GET") return containerLogs(req, res, o, parts[1]!, parts[2]!, parts[3]!, url.searchParams);
  if (req.method === "GET" && o.stats && (url.pathname === "/stats/summary" || url.pathname === "/stats/summary/")) {
    req.resume();
    const summary = await o.stats.summary();
    const body = url.searchParams.get("only_cpu_and_memory") === "true" ? onlyCpuAndMemory(summary) : summary;
    return void res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(body, null, 2));
  }
  if (req.method === "GET" && o.stats && url.pathname === "/metrics/resource") {
    req.resume();
    let summary: Summary | undefined;
    try {
      summary = await o.stats.summary();
    } catch (err) {
      o.onError?.(err);
    }
    return void res.writeHead(200, { "Content-Type": "text/plain; version=0.0.4; charset=utf-8" }).end(resourceMetricsText(summary));
  }
  if (req.method === "GET" && o.metrics && url.pathname === "/metrics") {
    req.resume();
    const m = await o.metrics();
    return void res.writeHead(200, { "Content-Type": m.contentType }).end(m.text);
  }
  if ((parts[0] === "exec" || parts[0] === "attach" || parts[0] === "portForward") && !req.headers.upgrade) {
    req.resume();
    return void res.writeHead(400, { "Content-Type": "text/plain; charset=utf-8" }).end("Upgrade request required\n");
  }
  req.resume();
  res.writeHead(404, { "Content-Type": "text/plain; charset=utf-8" }).end("404 page not found\n");
}

async function containerLogs(req: IncomingMessage, res: ServerResponse, o: KubeletServerOptions, ns: string, podName: string, container: string, q: URLSearchParams): Promise<void> {
  const fail = (status: number, message: string) => void res.writeHead(status, { "Content-Type": "text/plain; charset=utf-8" }).end(message);
  const pod = o.getPod(ns, podName);
  if (!pod) return fail(404, `pod "${podName}" does not exist\n`);
  const specs = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])];
  if (!specs.some((c) => c.name === container)) return fail(404, `container "${container}" not found in pod "${podName}"\n`);

  const opts: ContainerLogOptions = { follow: isTrue(q.get("follow")), timestamps: isTrue(q.get("timestamps")) };
  const previous = isTrue(q.get("previous"));
  for (const [name, key] of [["tailLines", "tailLines"], ["limitBytes", "limitBytes"]] as const) {
    const v = q.get(name);
    if (v === null) continue;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) return fail(400, `invalid ${name}: ${v}\n`);
    opts[key] = n;
  }
  const sinceSeconds = q.get("sinceSeconds");
  const sinceTime = q.get("sinceTime");
  if (sinceSeconds !== null) opts.sinceMs = Date.now() - Number(sinceSeconds) * 1000;
  else if (sinceTime !== null) opts.sinceMs = Date.parse(sinceTime);
  if (opts.sinceMs !== undefined && Number.isNaN(opts.sinceMs)) return fail(400, `invalid since: ${sinceSeconds ?? sinceTime}\n`);

  const statuses = [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])];
  const chosen = containerIdForLogs(podName, container, statuses.find((s) => s.name === container), previous);
  if ("error" in chosen) return fail(400, `${chosen.error}\n`);
  let logPath: string;
  try {
    logPath = (await o.runtime.containerStatus({ containerId: chosen.id })).status.logPath;
  } catch (err) {
    return fail(400, `failed to get container status ${JSON.stringify(chosen.id)}: ${errorText(err)}\n`);
  }
  if (opts.follow && previous) opts.follow = false;

  const abort = new AbortController();
  res.on("close", () => abort.abort());
  res.writeHead(200, { "Content-Type": "text/plain; charset=utf-8", "Transfer-Encoding": "chunked" });
  res.flushHeaders();
  const isRunning = async () => {
    try {
      return (await o.runtime.containerStatus({ containerId: chosen.id })).status.state === ContainerState.CONTAINER_RUNNING;
    } catch {
      return false;
    }
  };
  try {
    for await (const chunk of readContainerLog(logPath, opts, { isRunning, signal: abort.signal })) {
      if (res.destroyed) break;
      if (!res.write(chunk)) await new Promise<void>((r) => res.once("drain", r).once("close", r));
    }
  } finally {
    res.end();
  }
}

/** Which container's log to read (pkg/kubelet/kubelet_pods.go validateContainerLogStatus), with upstream's messages. */
export function containerIdForLogs(podName: string, name: string, st: ApiContainerStatus | undefined, previous: boolean): { id: string } | { error: string } {
  const idOf = (cid: string | undefined) => (cid ? cid.replace(/^[a-z0-9]+:\/\//, "") : "");
  const last = st?.lastState?.terminated;
  if (previous) {
    if (!last?.containerID) return { error: `previous terminated container "${name}" in pod "${podName}" not found` };
    return { id: idOf(last.containerID) };
  }
  if (st?.state?.running && st.containerID) return { id: idOf(st.containerID) };
  const terminated = st?.state?.terminated;
  if (terminated) {
    if (terminated.containerID) return { id: idOf(terminated.containerID) };
    if (last?.containerID) return { id: idOf(last.containerID) };
    return { error: `container "${name}" in pod "${podName}" is terminated` };
  }
  if (last) {
    if (!last.containerID) return { error: `container "${name}" in pod "${podName}" is terminated` };
    return { id: idOf(last.containerID) };
  }
  const waiting = st?.state?.waiting;
  if (waiting) {
    if (waiting.reason === "ErrImagePull") return { error: `container "${name}" in pod "${podName}" is waiting to start: image can't be pulled` };
    if (waiting.reason === "ImagePullBackOff") return { error: `container "${name}" in pod "${podName}" is waiting to start: trying and failing to pull image` };
    return { error: `container "${name}" in pod "${podName}" is waiting to start: ${waiting.reason ?? ""}` };
  }
  return { error: `container "${name}" in pod "${podName}" is waiting to start - no logs yet` };
}

async function serveUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, o: KubeletServerOptions): Promise<void> {
  const url = new URL(req.url ?? "/", "https://kubelet");
  const parts = url.pathname.split("/").filter(Boolean).map(decodeURIComponent);
  const q = url.searchParams;
  const kind = parts[0] === "exec" ? "exec" : parts[0] === "attach" ? "attach" : parts[0] === "portForward" ? "portforward" : undefined;
  if (!kind || parts.length !== (kind === "portforward" ? 3 : 4)) return writeHttpError(socket, 404, "404 page not found");
  const pod = o.getPod(parts[1]!, parts[2]!);
  if (!pod) return writeHttpError(socket, 404, "pod does not exist");
  const flags = { stdin: isTrue(q.get("stdin") ?? q.get("input")), stdout: isTrue(q.get("stdout") ?? q.get("output")), stderr: isTrue(q.get("stderr") ?? q.get("error")), tty: isTrue(q.get("tty")) };

  let target: StreamTarget;
  if (kind === "portforward") {
    const { items } = await o.runtime.listPodSandbox({ filter: { labelSelector: { [podUidLabel]: pod.metadata.uid ?? "" }, state: { state: 0 } } });
    const sandbox = items.sort((a, b) => Number(BigInt(b.createdAt) - BigInt(a.createdAt)))[0];
    if (!sandbox) return writeHttpError(socket, 500, `pod sandbox for pod "${pod.metadata.name}" not found`);
    const ports = q.getAll("port").map(Number).filter((n) => Number.isInteger(n) && n > 0);
    const { url: criUrl } = await o.runtime.portForward({ podSandboxId: sandbox.id, port: ports });
    target = { kind, url: criUrl, ...flags };
  } else {
    const name = parts[3]!;
    const { containers } = await o.runtime.listContainers({
      filter: { labelSelector: { [podNamespaceLabel]: parts[1]!, [podNameLabel]: parts[2]!, [containerNameLabel]: name, [podUidLabel]: pod.metadata.uid ?? "" }, state: { state: ContainerState.CONTAINER_RUNNING } },
    });
    const c = containers.sort((a, b) => (b.metadata?.attempt ?? 0) - (a.metadata?.attempt ?? 0))[0];
    if (!c) return writeHttpError(socket, 500, `container not found (${JSON.stringify(name)})`);
    const resp =
      kind === "exec"
        ? await o.runtime.exec({ containerId: c.id, cmd: q.getAll("command"), ...flags })
        : await o.runtime.attach({ containerId: c.id, ...flags });
    target = { kind, url: resp.url, ...flags };
  }
  proxyStream(req, socket, head, target);
}

/** ?only_cpu_and_memory=true (upstream's handleSummary): node and pods with CPU and memory only. */
function onlyCpuAndMemory(s: Summary): Summary {
  return {
    node: { nodeName: s.node.nodeName, startTime: s.node.startTime, cpu: s.node.cpu, memory: s.node.memory },
    pods: s.pods.map((p) => ({
      podRef: p.podRef,
      startTime: p.startTime,
      cpu: p.cpu,
      memory: p.memory,
      containers: p.containers.map((c) => ({ name: c.name, startTime: c.startTime, cpu: c.cpu, memory: c.memory })),
    })),
  };
}

function isTrue(v: string | null): boolean {
  return v === "1" || v === "true" || v === "True";
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
