// Connect subresources (pods/log, pods/exec, pods/attach, pods/portforward, nodes/proxy):
// the resource entry names a kubelet URL; this file carries the request there with the
// API server's kubelet client certificate. Plain requests (logs) come through the
// RestHandler as an extra route and answer with a streamed body; upgrade requests
// (exec, attach, port-forward, in WebSocket or SPDY alike) come from the HTTPS edge's
// `upgrade` event and are joined byte for byte to the kubelet's upgraded connection,
// so the protocol is the kubelet's business (upstream's UpgradeAwareHandler).
import { request as httpsRequest } from "node:https";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { connect as tlsConnect } from "node:tls";
import type { ConnectLocation, ConnectRequest, ConnectSubresource, KindRegistry, KubeObject, ResourceType, RestRequest, RestResponse } from "../api/index.js";
import { ApiError, isApiError, type StatusReason } from "../machinery/index.js";
import { errorResponse } from "./api-server.js";
import { impersonationFromHeaders } from "./authorization/index.js";
import { authenticate, type TokenAuthenticator } from "./authn.js";
import type { ServerParts as AllServerParts } from "./context.js";

/** What connecting needs of the server: its objects and kinds. */
type ServerParts = Pick<AllServerParts, "store" | "registry">;
import { groupResource } from "./names.js";
import { decodeObject, objectKey } from "./object-store.js";

/** The API server's client certificate for kubelets (CN kube-apiserver-kubelet-client). */
export interface KubeletClientTls {
  cert: string;
  key: string;
  /** Verify kubelet serving certificates against this CA; without it they are not verified (upstream's default without --kubelet-certificate-authority). */
  ca?: string;
}

interface ConnectTarget {
  rt: ResourceType;
  sub: ConnectSubresource;
  namespace: string;
  name: string;
  subpath: string;
}

/** `/api/v1/namespaces/{ns}/pods/{name}/exec`, `/api/v1/nodes/{name}/proxy/{path…}` → the entry's connect subresource. */
export function parseConnectPath(path: string, registry: KindRegistry): ConnectTarget | undefined {
  const parts = path.split("/").slice(1);
  let group = "";
  let version: string | undefined;
  let rest: string[];
  if (parts[0] === "api") [version, rest] = [parts[1], parts.slice(2)];
  else if (parts[0] === "apis") [group, version, rest] = [parts[1] ?? "", parts[2], parts.slice(3)];
  else return undefined;
  if (!version) return undefined;
  let namespace = "";
  if (rest[0] === "namespaces" && rest.length >= 5) [namespace, rest] = [rest[1] ?? "", rest.slice(2)];
  if (rest.length < 3 || !rest[0] || !rest[1] || !rest[2]) return undefined;
  const rt = registry.get(group, version, rest[0]);
  const sub = rt?.subresources?.connect?.[rest[2]];
  if (!rt || !sub || rt.namespaced !== (namespace !== "")) return undefined;
  const more = rest.slice(3);
  if (more.length && !sub.subpath) return undefined;
  return { rt, sub, namespace, name: decodeURIComponent(rest[1]), subpath: more.length ? `/${more.join("/")}` : "" };
}

async function locate(target: ConnectTarget, query: URLSearchParams, parts: ServerParts): Promise<ConnectLocation | undefined> {
  const got = await parts.store.get(objectKey(target.rt, target.namespace, target.name));
  if (!got.kv) throw ApiError.notFound(groupResource(target.rt), target.name);
  const request: ConnectRequest = {
    query,
    subpath: target.subpath,
    get: async (ref) => {
      const rt = parts.registry.get(ref.group, ref.version, ref.plural);
      if (!rt) return undefined;
      const kv = (await parts.store.get(objectKey(rt, ref.namespace ?? "", ref.name))).kv;
      return kv ? decodeObject(kv) : undefined;
    },
  };
  return target.sub.location(decodeObject(got.kv) as KubeObject, request);
}

/** An extra route of the RestHandler: plain (non-upgrade) requests to connect subresources. */
export function connectRoute(parts: ServerParts, tls: KubeletClientTls | undefined): (req: RestRequest) => Promise<RestResponse | undefined> {
  return async (req) => {
    const target = parseConnectPath(req.path, parts.registry);
    if (!target) return undefined;
    if (target.sub.upgradeOnly) throw ApiError.badRequest("Upgrade request required");
    if (target.sub.kind === "Pod" && req.method !== "GET") throw ApiError.methodNotAllowed(req.method, { group: target.rt.group, resource: `${target.rt.plural}/log` });
    const query = new URLSearchParams();
    for (const [k, v] of Object.entries(req.query)) query.set(k, v);
    const loc = await locate(target, query, parts);
    if (!loc) return { status: 200, body: undefined, text: "" };
    if (!tls) throw ApiError.serviceUnavailable("the API server has no kubelet client certificate");
    const body = req.body === undefined ? undefined : Buffer.from(JSON.stringify(req.body));
    const res = await kubeletRequest(loc, tls, { method: req.method, body, contentType: req.contentType, signal: req.signal });
    const status = res.statusCode ?? 500;
    if (status >= 200 && status < 300) {
      const headers: Record<string, string> = {};
      if (res.headers["content-type"]) headers["Content-Type"] = res.headers["content-type"];
      return { status, body: undefined, headers, stream: res };
    }
    throw backendError(status, await readAll(res, 64 * 1024));
  };
}

function kubeletRequest(loc: ConnectLocation, tls: KubeletClientTls, o: { method: string; body?: Buffer; contentType?: string; signal?: AbortSignal }): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {};
    if (o.body) {
      headers["Content-Type"] = o.contentType ?? "application/json";
      headers["Content-Length"] = String(o.body.length);
    }
    const req = httpsRequest({ host: loc.host, port: loc.port, path: loc.path, method: o.method, headers, cert: tls.cert, key: tls.key, ca: tls.ca, rejectUnauthorized: tls.ca !== undefined, signal: o.signal });
    req.on("response", resolve);
    req.on("error", (err) => reject(ApiError.internal(`error trying to reach service: ${err.message}`)));
    req.end(o.body);
  });
}

async function readAll(res: IncomingMessage, max: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of res as AsyncIterable<Buffer>) {
    if (size < max) chunks.push(c);
    size += c.length;
  }
  return Buffer.concat(chunks).toString("utf8").slice(0, max);
}

/** A kubelet's error answer as a Status (upstream's GenericHttpResponseChecker): its text becomes the message. */
function backendError(status: number, text: string): ApiError {
  const reasons: Record<number, StatusReason> = { 400: "BadRequest", 401: "Unauthorized", 403: "Forbidden", 404: "NotFound", 409: "Conflict", 429: "TooManyRequests", 503: "ServiceUnavailable" };
  return ApiError.of(reasons[status] ?? "InternalError", text.trim() || `the server responded with the status code ${status} but did not return more information`, {}, status);
}

export interface UpgradeOptions {
  parts: ServerParts;
  tls: KubeletClientTls | undefined;
  tokens?: TokenAuthenticator;
  /** The API server's authorization step (impersonation, then the authorizer chain): throws 403 when refused. */
  authorize?: (req: RestRequest) => Promise<RestRequest>;
}

/** The HTTPS edge's `upgrade` event: authenticate, find the kubelet, join the connections. */
export function connectUpgradeHandler(options: UpgradeOptions): (req: IncomingMessage, socket: Duplex, head: Buffer) => void {
  return (req, socket, head) => {
    socket.on("error", () => socket.destroy());
    serveUpgrade(req, socket, head, options).catch((err: unknown) => writeStatus(socket, err));
  };
}

async function serveUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, o: UpgradeOptions): Promise<void> {
  const user = await authenticate(req, o.tokens);
  if (!user) throw ApiError.unauthorized();
  const url = new URL(req.url ?? "/", "https://k8ts");
  if (o.authorize) {
    const query: Record<string, string> = {};
    for (const [k, v] of url.searchParams) query[k] = k in query ? `${query[k]},${v}` : v;
    // A WebSocket upgrade is a GET, but exec, attach and port-forward are authorized as
    // `create` either way (upstream's AuthorizePodWebsocketUpgradeCreatePermission).
    const createVerb = req.method === "POST" || /\/pods\/[^/]+\/(exec|attach|portforward)$/.test(url.pathname);
    await o.authorize({ method: createVerb ? "POST" : "GET", path: url.pathname, query, user, impersonate: impersonationFromHeaders(req.headers) });
  }
  const target = parseConnectPath(url.pathname, o.parts.registry);
  if (!target) throw ApiError.of("NotFound", "the server could not find the requested resource", {});
  const loc = await locate(target, url.searchParams, o.parts);
  if (!loc) throw ApiError.badRequest("no location to connect to");
  if (!o.tls) throw ApiError.serviceUnavailable("the API server has no kubelet client certificate");
  const backend = tlsConnect({ host: loc.host, port: loc.port, cert: o.tls.cert, key: o.tls.key, ca: o.tls.ca, rejectUnauthorized: o.tls.ca !== undefined, servername: isIpLike(loc.host) ? undefined : loc.host });
  await new Promise<void>((resolve, reject) => {
    backend.once("secureConnect", resolve);
    backend.once("error", (err) => reject(ApiError.internal(`error dialing backend: ${err.message}`)));
  });
  const lines = [`${req.method ?? "GET"} ${loc.path} HTTP/1.1`, `Host: ${loc.host}:${loc.port}`];
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!;
    if (/^(host|authorization|content-length|transfer-encoding)$/i.test(name)) continue;
    lines.push(`${name}: ${req.rawHeaders[i + 1]}`);
  }
  backend.write(lines.join("\r\n") + "\r\n\r\n");
  if (head.length) backend.write(head);
  const end = () => {
    socket.destroy();
    backend.destroy();
  };
  backend.on("error", end).on("close", end);
  socket.on("close", end);
  socket.pipe(backend).pipe(socket);
}

function isIpLike(host: string): boolean {
  return /^[\d.]+$/.test(host) || host.includes(":");
}

function writeStatus(socket: Duplex, err: unknown): void {
  const res = isApiError(err) ? { status: err.code, body: err.status } : errorResponse(err);
  const body = JSON.stringify(res.body) + "\n";
  if (socket.destroyed) return;
  socket.end(`HTTP/1.1 ${res.status} ${statusText(res.status)}\r\nContent-Type: application/json\r\nCache-Control: no-cache, private\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

function statusText(code: number): string {
  return { 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed", 500: "Internal Server Error", 503: "Service Unavailable" }[code] ?? "Error";
}
