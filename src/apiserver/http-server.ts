import { createServer, type Server } from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import type { TLSSocket } from "node:tls";
import { parse as parseYaml, stringify as toYaml } from "yaml";
import type { HttpMethod, RestHandler, RestRequest, RestResponse } from "../api/index.js";
import { ApiError } from "../machinery/index.js";
import { authenticate, type TokenAuthenticator } from "./authn.js";
import { errorResponse } from "./api-server.js";
import { serializedWatchLine } from "./watch-cache/shared-events.js";
import { impersonationFromHeaders } from "./authorization/index.js";

/** Upstream refuses request bodies over 3 MiB. */
export const maxRequestBodyBytes = 3 * 1024 * 1024;

export interface HttpsEdgeOptions {
  handler: RestHandler;
  tls: { key: string; cert: string; ca: string };
  host: string;
  port: number;
  tokens?: TokenAuthenticator;
  /** Decodes `application/vnd.kubernetes.protobuf` bodies (what client-go's typed clients send) to JSON-shaped objects. */
  decodeProtobuf?: (raw: Buffer) => unknown;
  /** Upgrade requests (exec, attach, port-forward): authenticated and carried by this handler (connect.ts). */
  upgrade?: (req: IncomingMessage, socket: Duplex, head: Buffer) => void;
}

export interface HttpsEdge {
  server: Server;
  url: string;
  close(): Promise<void>;
}

/**
 * The HTTPS edge: TLS with optional client certificates, authentication, body limits,
 * JSON/YAML decoding, then the RestHandler; responses as JSON (or YAML when asked),
 * watches as a stream of newline-separated JSON events.
 */
export async function startHttpsEdge(options: HttpsEdgeOptions): Promise<HttpsEdge> {
  const server = createServer(
    {
      key: options.tls.key,
      cert: options.tls.cert,
      ca: options.tls.ca,
      requestCert: true,
      rejectUnauthorized: false,
    },
    (req, res) => {
      serve(req, res, options).catch((err: unknown) => {
        if (!res.headersSent) writeResponse(res, errorResponse(err), "");
        else res.destroy();
      });
    },
  );
  server.keepAliveTimeout = 65_000;
  if (options.upgrade) server.on("upgrade", options.upgrade);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === "IPv6" ? `[${addr.address}]` : addr.address;
  return {
    server,
    url: `https://${host}:${addr.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * What a request without credentials may reach (upstream's system:public-info-viewer and
 * discovery): health, version, discovery documents and OpenAPI.
 * Everything else is 401; so is any request whose credentials fail.
 */
const anonymousPaths = /^\/(healthz|livez|readyz)(\/[a-z0-9-]+)?$|^\/version\/?$|^\/api(\/v1)?\/?$|^\/apis(\/[^/]+(\/[^/]+)?)?\/?$|^\/openapi\/v2$|^\/openapi\/v3(\/.*)?$/;

/** The user of a request without credentials (upstream's anonymous authenticator). */
export const anonymousUser = { username: "system:anonymous", groups: ["system:unauthenticated"] };

/** A bearer token or a client certificate, valid or not: failing credentials never fall back to anonymous. */
function presentsCredentials(req: IncomingMessage): boolean {
  if (req.headers.authorization) return true;
  const socket = req.socket as TLSSocket;
  const cert = typeof socket.getPeerCertificate === "function" ? socket.getPeerCertificate() : undefined;
  return !!cert && Object.keys(cert).length > 0;
}

function anonymousFor(path: string): typeof anonymousUser | undefined {
  return anonymousPaths.test(path) ? { ...anonymousUser, groups: [...anonymousUser.groups] } : undefined;
}

async function serve(req: IncomingMessage, res: ServerResponse, options: HttpsEdgeOptions): Promise<void> {
  const url = new URL(req.url ?? "/", "https://k8ts");
  const accept = req.headers.accept ?? "";
  // Start reading the body before anything asynchronous: a body left unread while we
  // await fills the request's buffer, Node pauses the HTTP parser, and on a busy
  // keep-alive connection that pause can surface as a parse error (HPE_PAUSED) that
  // resets the connection.
  const bodyRead = readBody(req);
  bodyRead.catch(() => undefined);
  const user = (await authenticate(req, options.tokens)) ?? (presentsCredentials(req) ? undefined : anonymousFor(url.pathname));
  if (!user) {
    await bodyRead.catch(() => undefined);
    return writeResponse(res, { status: 401, body: ApiError.unauthorized().status }, accept);
  }
  const method = (req.method ?? "GET").toUpperCase();
  if (!["GET", "POST", "PUT", "PATCH", "DELETE"].includes(method)) {
    await bodyRead.catch(() => undefined);
    return writeResponse(res, errorResponse(ApiError.methodNotAllowed(method, { group: "", resource: url.pathname })), accept);
  }
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = k in query ? `${query[k]},${v}` : v;

  const contentType = req.headers["content-type"];
  let body: unknown;
  try {
    const raw = await bodyRead;
    if (raw.length > 0) body = decodeBody(raw, contentType, options.decodeProtobuf);
  } catch (err) {
    return writeResponse(res, errorResponse(err), accept);
  }

  const abort = new AbortController();
  // Only a client gone before its answer was written cancels the work; aborting every
  // finished request cost each one a DOMException (streams abort themselves when they end).
  res.on("close", () => {
    if (!res.writableFinished) abort.abort();
  });
  const request: RestRequest = {
    method: method as HttpMethod,
    path: url.pathname,
    query,
    body,
    contentType,
    accept,
    user,
    impersonate: impersonationFromHeaders(req.headers),
    userAgent: req.headers["user-agent"],
    signal: abort.signal,
  };
  const response = await options.handler(request);
  if (response.watch) return streamWatch(res, response, abort);
  if (response.stream) return streamBody(res, response, abort);
  writeResponse(res, response, accept);
}

/**
 * Reads the body, refusing more than 3 MiB with 413 as upstream. A refused body is still
 * read to its end (up to a bound) before the answer, so the keep-alive connection stays
 * usable and the client is not cut off mid-write.
 */
function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers["content-length"] ?? "0");
    if (declared > maxDrainBytes) {
      req.resume();
      reject(ApiError.tooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = declared > maxRequestBodyBytes;
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      fn();
    };
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxRequestBodyBytes) tooLarge = true;
      if (size > maxDrainBytes) {
        settle(() => reject(ApiError.tooLarge()));
        return;
      }
      if (!tooLarge) chunks.push(chunk);
    });
    req.on("end", () => settle(() => (tooLarge ? reject(ApiError.tooLarge()) : resolve(Buffer.concat(chunks)))));
    req.on("error", (err) => settle(() => reject(err)));
  });
}

/** How much of an oversized body is read and dropped so the connection can be reused. */
const maxDrainBytes = 32 * 1024 * 1024;

/** JSON for every +json media type and no type at all; YAML for the yaml ones. */
function decodeBody(raw: Buffer, contentType: string | undefined, decodeProtobuf: HttpsEdgeOptions["decodeProtobuf"]): unknown {
  const mediaType = (contentType ?? "application/json").split(";")[0].trim().toLowerCase();
  const text = raw.toString("utf8");
  if (mediaType === "application/yaml" || mediaType === "application/apply-patch+yaml" || mediaType === "text/yaml") {
    try {
      // uniqueKeys: false — the duplicate-key check is quadratic in a map's size, and one
      // hostile body would stall every other request; later keys win, as in JSON.
      checkYamlFlowDepth(text);
      return checkDepth(parseYaml(text, { maxAliasCount: 100, uniqueKeys: false }));
    } catch (err) {
      if (err instanceof ApiError) throw err;
      throw ApiError.badRequest(`error converting YAML to JSON: ${err instanceof Error ? err.message.split("\n")[0] : String(err)}`);
    }
  }
  if (mediaType === "application/json" || mediaType.endsWith("+json") || mediaType === "*/*") {
    try {
      return checkDepth(JSON.parse(text));
    } catch (err) {
      if (err instanceof ApiError) throw err;
      throw ApiError.badRequest(`couldn't get version/kind; json parse error: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  if (mediaType === "application/vnd.kubernetes.protobuf" && decodeProtobuf) return decodeProtobuf(raw);
  throw ApiError.unsupportedMediaType(mediaType);
}

/** Deeper documents than any API object are refused, so later recursive walks cannot overflow the stack. */
export const maxBodyDepth = 1000;

/**
 * The YAML parser recurses (slowly) into flow collections, so a body of nested `[[[[…`
 * would hold the event loop for seconds before overflowing. Counting brackets first
 * refuses it at once (brackets inside strings count too: no real object has a thousand
 * unclosed ones); real objects nest a few dozen levels.
 */
function checkYamlFlowDepth(text: string): void {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5b || c === 0x7b) {
      if (++depth > maxBodyDepth) throw ApiError.badRequest(`the request body is nested more than ${maxBodyDepth} levels deep`);
    } else if ((c === 0x5d || c === 0x7d) && depth > 0) depth--;
  }
}

function checkDepth(doc: unknown): unknown {
  const stack: [unknown, number][] = [[doc, 1]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (value === null || typeof value !== "object") continue;
    if (depth > maxBodyDepth) throw ApiError.badRequest(`the request body is nested more than ${maxBodyDepth} levels deep`);
    for (const child of Object.values(value)) if (child !== null && typeof child === "object") stack.push([child, depth + 1]);
  }
  return doc;
}

function wantsYaml(accept: string): boolean {
  const first = accept.split(",")[0]?.split(";")[0]?.trim();
  return first === "application/yaml";
}

function writeResponse(res: ServerResponse, response: RestResponse, accept: string): void {
  const headers: Record<string, string | string[]> = { "Cache-Control": "no-cache, private", ...response.headers };
  let payload: string | Uint8Array;
  if (response.raw) {
    headers["Content-Type"] = response.raw.contentType;
    payload = response.raw.data;
  } else if (response.text !== undefined) {
    headers["Content-Type"] = "text/plain; charset=utf-8";
    payload = response.text;
  } else if (wantsYaml(accept)) {
    headers["Content-Type"] = "application/yaml";
    payload = toYaml(response.body);
  } else {
    headers["Content-Type"] ??= "application/json";
    const items = bigListItems(response.body);
    if (items) {
      // Chunked, item by item: 150,000 pods are ~500 MB of JSON, past V8's longest string.
      res.writeHead(response.status, headers);
      void writeListBody(res, response.body as Record<string, unknown>, items);
      return;
    }
    payload = JSON.stringify(response.body) + "\n";
  }
  headers["Content-Length"] = String(Buffer.byteLength(payload));
  // An oversized body too big even to drain is not read to its end, so this connection
  // cannot carry another request: say so, or a keep-alive client reuses it and gets a reset.
  if (response.status === 413 && res.req.complete !== true) headers.Connection = "close";
  res.writeHead(response.status, headers);
  void writeBody(res, payload);
}

/**
 * Writes a body in pieces no larger than the socket's high-water mark, each after the
 * previous one drained. Why: Node's HTTP server pauses a keep-alive connection when the
 * next request arrives while the last response still "needs drain", and on Node 20 a
 * request body arriving then fails the connection with a parse error (HPE_PAUSED): the
 * client sees a reset. A response written this way never leaves the socket needing drain.
 */
async function writeBody(res: ServerResponse, payload: string | Uint8Array): Promise<void> {
  const data = typeof payload === "string" ? Buffer.from(payload) : payload;
  const hwm = res.socket?.writableHighWaterMark ?? 16 * 1024;
  if (data.length < hwm) {
    res.end(data);
    return;
  }
  // Every piece but the last is at least the high-water mark, so its write returns false
  // and we wait for the drain (the socket's buffer empty); the last is under it, so `end`
  // leaves no drain pending. Pieces are large because each drain is an event-loop turn,
  // many milliseconds on a busy server (16 KiB pieces made a 30 MB LIST take 90 s).
  const finalSize = Math.min(hwm - 1, data.length - hwm);
  const bodyEnd = data.length - finalSize;
  const pieces = Math.max(1, Math.floor(bodyEnd / largeWrite));
  for (let i = 0; i < pieces; i++) {
    if (res.destroyed) return;
    const from = i * largeWrite;
    const to = i === pieces - 1 ? bodyEnd : from + largeWrite;
    if (!res.write(data.subarray(from, to)) && res.writableLength >= outgoingBufferBytes) await drained(res);
  }
  if (res.writableNeedDrain) await drained(res);
  if (!res.destroyed) res.end(data.subarray(bodyEnd));
}

const largeWrite = 1024 * 1024;
/**
 * How much a response may hold unsent before its writer waits for a drain. Each drain is
 * an event-loop turn, 100+ ms on a busy server: waiting at every 16 KiB high-water mark let
 * a watch of every pod receive five events a turn and fall 60,000 events behind.
 */
const outgoingBufferBytes = 4 * 1024 * 1024;
/** Lists longer than this are serialized item by item. */
const bigList = 2000;

/** Resolves on the next drain (or close); both listeners go either way, so a long watch does not pile them up. */
function drained(res: ServerResponse): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      res.off("drain", done);
      res.off("close", done);
      resolve();
    };
    res.on("drain", done);
    res.on("close", done);
  });
}

function bigListItems(body: unknown): unknown[] | undefined {
  if (body === null || typeof body !== "object") return undefined;
  const items = (body as { items?: unknown }).items;
  return Array.isArray(items) && items.length > bigList ? items : undefined;
}

/**
 * A List written as JSON a batch of items at a time (chunked encoding), yielding to other
 * requests between batches: the same bytes JSON.stringify would give, never one string.
 */
async function writeListBody(res: ServerResponse, body: Record<string, unknown>, items: unknown[]): Promise<void> {
  const head = JSON.stringify({ ...body, items: undefined });
  let out = `${head.slice(0, -1)}${head.length > 2 ? "," : ""}"items":[`;
  for (let i = 0; i < items.length; i++) {
    out += (i > 0 ? "," : "") + JSON.stringify(items[i]);
    if (out.length >= largeWrite) {
      if (res.destroyed) return;
      const ok = res.write(out);
      out = "";
      if (!ok && res.writableLength >= outgoingBufferBytes) await drained(res);
      else await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
  if (res.writableNeedDrain) await drained(res);
  out += "]}\n";
  if (out.length >= (res.socket?.writableHighWaterMark ?? 16 * 1024) && !res.destroyed) {
    const ok = res.write(out);
    out = "";
    if (!ok) await drained(res);
  }
  if (!res.destroyed) res.end(out);
}

async function streamWatch(res: ServerResponse, response: RestResponse, abort: AbortController): Promise<void> {
  res.writeHead(200, { "Content-Type": "application/json", "Cache-Control": "no-cache, private", "Transfer-Encoding": "chunked", ...response.headers });
  res.flushHeaders();
  try {
    for await (const ev of response.watch!) {
      if (res.destroyed) break;
      // Events from the watch cache are shared by every watcher: serialized once.
      const ok = res.write(serializedWatchLine(ev));
      // A slow client may hold a few MiB unsent (outgoingBufferBytes), not 16 KiB.
      if (!ok && res.writableLength >= outgoingBufferBytes) await drained(res);
    }
  } finally {
    abort.abort();
    // Drained before the end, so the connection can carry another request (see writeBody).
    if (!res.destroyed && res.writableNeedDrain) await drained(res);
    res.end();
  }
}



/** A body that arrives in pieces (pods/log?follow=true): chunked, flushed as it comes. */
async function streamBody(res: ServerResponse, response: RestResponse, abort: AbortController): Promise<void> {
  res.writeHead(response.status, { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-cache, private", "Transfer-Encoding": "chunked", ...response.headers });
  res.flushHeaders();
  try {
    for await (const chunk of response.stream!) {
      if (res.destroyed) break;
      if (!res.write(chunk)) await drained(res);
    }
  } finally {
    abort.abort();
    res.end();
  }
}
