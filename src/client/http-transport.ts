import * as http from "node:http";
import * as https from "node:https";
import type { IncomingMessage, IncomingHttpHeaders } from "node:http";
import type { RestRequest, RestResponse, WatchEventBody } from "../api/index.js";
import type { Transport } from "./transport.js";

export interface HttpTransportOptions {
  /** "https://127.0.0.1:6443" (a path prefix is kept); "http://" is accepted for tests. */
  server: string;
  /** PEM of the CA that signed the server's certificate. */
  ca?: string | Buffer;
  /** PEM client certificate and key, for client-certificate authentication. */
  cert?: string | Buffer;
  key?: string | Buffer;
  /** Bearer token. */
  token?: string;
  insecureSkipTlsVerify?: boolean;
  /** Sockets kept per host; each open watch holds one (default 1024). */
  maxSockets?: number;
  userAgent?: string;
}

/** A transport over HTTP(S) that owns a keep-alive connection pool; `close()` ends it. */
export type HttpTransport = Transport & { close(): void };

/**
 * Speaks the Kubernetes REST API over HTTPS with keep-alive: JSON bodies, the patch type
 * as Content-Type, watches (`?watch=true`) as newline-delimited JSON events read into an
 * async iterable, and non-2xx answers returned (not thrown) with their Status body.
 * Throws only when the server cannot be reached or the request is aborted.
 *
 *   const transport = httpTransport(await loadKubeconfig("~/.k8ts/kubeconfig.yaml"));
 *   const client = new Client({ transport });
 *   ...
 *   transport.close();
 */
export function httpTransport(options: HttpTransportOptions): HttpTransport {
  const base = new URL(options.server);
  const secure = base.protocol === "https:";
  const agentOptions = { keepAlive: true, maxSockets: options.maxSockets ?? 1024, maxFreeSockets: 256 };
  const agent = secure
    ? new https.Agent({ ...agentOptions, ca: options.ca, cert: options.cert, key: options.key, rejectUnauthorized: !options.insecureSkipTlsVerify })
    : new http.Agent(agentOptions);
  const prefix = base.pathname.replace(/\/+$/, "");
  const userAgent = options.userAgent ?? "k8ts";

  const transport = (request: RestRequest): Promise<RestResponse> => {
    const search = new URLSearchParams(request.query).toString();
    const headers: Record<string, string> = { Accept: request.accept ?? "application/json", "User-Agent": userAgent };
    if (options.token) headers.Authorization = `Bearer ${options.token}`;
    let payload: Buffer | undefined;
    if (request.body !== undefined) {
      payload = Buffer.from(JSON.stringify(request.body));
      headers["Content-Type"] = request.contentType ?? "application/json";
      headers["Content-Length"] = String(payload.length);
    }
    const isWatch = request.query.watch === "true" || request.query.watch === "1";
    return new Promise<RestResponse>((resolve, reject) => {
      const req = (secure ? https : http).request(
        {
          agent,
          protocol: base.protocol,
          hostname: base.hostname,
          port: base.port,
          method: request.method,
          path: prefix + request.path + (search ? `?${search}` : ""),
          headers,
          signal: request.signal,
        },
        (res) => {
          const status = res.statusCode ?? 0;
          const responseHeaders = plainHeaders(res.headers);
          if (isWatch && status >= 200 && status < 300) {
            resolve({ status, body: undefined, headers: responseHeaders, watch: watchEvents(res, request.signal) });
            return;
          }
          readAll(res).then((data) => resolve(decodeBody(status, responseHeaders, res.headers["content-type"], data)), reject);
        },
      );
      req.on("error", reject);
      req.end(payload);
    });
  };
  return Object.assign(transport, { close: () => agent.destroy() });
}

function plainHeaders(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) out[k] = v;
  return out;
}

async function readAll(res: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function decodeBody(status: number, headers: Record<string, string | string[]>, contentType: string | undefined, data: Buffer): RestResponse {
  const type = (contentType ?? "").split(";")[0].trim().toLowerCase();
  if (type === "application/json" || type.endsWith("+json") || (type === "" && looksLikeJson(data))) {
    try {
      return { status, headers, body: data.length ? JSON.parse(data.toString("utf8")) : undefined };
    } catch {
      return { status, headers, body: undefined, text: data.toString("utf8") };
    }
  }
  if (type.startsWith("text/") || type === "") return { status, headers, body: undefined, text: data.toString("utf8") };
  return { status, headers, body: undefined, raw: { contentType: type, data: new Uint8Array(data) } };
}

function looksLikeJson(data: Buffer): boolean {
  const c = data.toString("utf8", 0, 1);
  return c === "{" || c === "[";
}

/** Newline-delimited JSON watch events; ends on server close or abort. */
async function* watchEvents(res: IncomingMessage, signal: AbortSignal | undefined): AsyncGenerator<WatchEventBody> {
  let buffered = "";
  try {
    for await (const chunk of res) {
      buffered += (chunk as Buffer).toString("utf8");
      // Walk the lines by index and cut the buffer once per chunk: slicing the rest off
      // after every line copied a 1 MB chunk of a busy watch once per event.
      let start = 0;
      let nl: number;
      while ((nl = buffered.indexOf("\n", start)) >= 0) {
        const line = buffered.slice(start, nl).trim();
        start = nl + 1;
        if (line) yield JSON.parse(line) as WatchEventBody;
      }
      buffered = buffered.slice(start);
    }
    const rest = buffered.trim();
    if (rest) yield JSON.parse(rest) as WatchEventBody;
  } catch (err) {
    // An abort, or the server closing mid-stream, simply ends the watch (the caller re-watches).
    if (signal?.aborted || isConnectionReset(err)) return;
    throw err;
  } finally {
    res.destroy();
  }
}

function isConnectionReset(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === "ECONNRESET" || code === "ERR_STREAM_PREMATURE_CLOSE" || (err instanceof Error && err.message === "aborted");
}
