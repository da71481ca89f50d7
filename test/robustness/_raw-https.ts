// Raw HTTPS requests against a running k8ts server, so a test controls every byte and
// header of a request: no JSON encoding, no Content-Length fix-ups, no retries.
import * as https from "node:https";
import { loadKubeconfig } from "../../src/client/index.js";

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
}

export interface RawRequest {
  method: string;
  path: string;
  body?: string | Buffer;
  headers?: Record<string, string>;
  /** Send no client certificate (default false). */
  anonymous?: boolean;
  timeoutMs?: number;
}

export interface RawClient {
  server: string;
  ca: string;
  cert: string;
  key: string;
  request(req: RawRequest): Promise<RawResponse>;
  /** Shorthand for JSON bodies: `send("POST", path, obj)`. */
  send(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<RawResponse>;
  close(): void;
}

/** A raw client with the admin certificate from the server's kubeconfig. */
export async function rawClient(kubeconfig: string, options: { maxSockets?: number } = {}): Promise<RawClient> {
  const cfg = await loadKubeconfig(kubeconfig);
  const ca = String(cfg.ca);
  const cert = String(cfg.cert);
  const key = String(cfg.key);
  const base = new URL(cfg.server);
  const maxSockets = options.maxSockets ?? 64;
  const agent = new https.Agent({ keepAlive: true, maxSockets, ca, cert, key });
  const anonymousAgent = new https.Agent({ keepAlive: false, maxSockets, ca });

  const request = (req: RawRequest): Promise<RawResponse> =>
    new Promise<RawResponse>((resolve, reject) => {
      const headers: Record<string, string> = { Accept: "application/json", ...req.headers };
      const framed = Object.keys(headers).some((h) => h.toLowerCase() === "content-length" || h.toLowerCase() === "transfer-encoding");
      if (req.body !== undefined && !framed) {
        headers["Content-Length"] = String(Buffer.byteLength(req.body));
      }
      const r = https.request(
        {
          agent: req.anonymous ? anonymousAgent : agent,
          hostname: base.hostname,
          port: base.port,
          method: req.method,
          path: req.path,
          headers,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("error", reject);
          res.on("end", () => {
            const body = Buffer.concat(chunks);
            let json: unknown;
            try {
              json = JSON.parse(body.toString("utf8"));
            } catch {
              json = undefined;
            }
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json });
          });
        },
      );
      r.setTimeout(req.timeoutMs ?? 30_000, () => r.destroy(new Error(`timeout: ${req.method} ${req.path}`)));
      r.on("error", reject);
      if (req.body !== undefined && req.body.length > 65536) {
        // In pieces, so a server that answers early (413) meets a body still arriving.
        const b = Buffer.from(req.body);
        for (let i = 0; i < b.length; i += 65536) r.write(b.subarray(i, i + 65536));
        r.end();
      } else r.end(req.body);
    });

  return {
    server: cfg.server,
    ca,
    cert,
    key,
    request,
    send: (method, path, body, headers) =>
      request({
        method,
        path,
        body: body === undefined ? undefined : JSON.stringify(body),
        headers: { "Content-Type": "application/json", ...headers },
      }),
    close() {
      agent.destroy();
      anonymousAgent.destroy();
    },
  };
}

/** The fields every upstream `Status` error carries. */
export interface StatusBody {
  kind: "Status";
  apiVersion: "v1";
  status: "Failure";
  reason: string;
  code: number;
  message: string;
  details?: { name?: string; kind?: string; group?: string; causes?: { type?: string; field?: string; message?: string }[] };
}

/** Returns the problem with `body` as a failure Status for `code`, or undefined when it is one. */
export function statusProblem(res: RawResponse, code?: number): string | undefined {
  const b = res.json as Partial<StatusBody> | undefined;
  if (!b || typeof b !== "object") return `body is not JSON: ${res.body.toString("utf8").slice(0, 200)}`;
  if (b.kind !== "Status") return `kind ${String(b.kind)}`;
  if (b.apiVersion !== "v1") return `apiVersion ${String(b.apiVersion)}`;
  if (b.status !== "Failure") return `status ${String(b.status)}`;
  if (typeof b.reason !== "string" || b.reason === "") return "no reason";
  if (typeof b.message !== "string" || b.message === "") return "no message";
  if (b.code !== res.status) return `code ${String(b.code)} != HTTP ${res.status}`;
  if (code !== undefined && res.status !== code) return `HTTP ${res.status}, want ${code}: ${b.message}`;
  return undefined;
}

/** A small seeded PRNG (mulberry32), so a failing mutation can be replayed from its seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Percentile (0..100) of already-sorted numbers. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

export interface WatchEvent {
  type: string;
  object: { kind?: string; metadata?: { name?: string; resourceVersion?: string }; [key: string]: unknown };
}

export interface RawWatch {
  /** Events in arrival order, with the time each arrived (performance.now()). */
  events: { event: WatchEvent; at: number }[];
  /** The HTTP status of the watch answer (0 until the headers arrive). */
  status(): number;
  /** Resolves when the stream ends, for whatever reason (server gone, close()). */
  ended: Promise<void>;
  /** Called on every event, after it is recorded. */
  onEvent?: (event: WatchEvent, at: number) => void;
  close(): void;
}

/**
 * A watch read line by line from a raw HTTPS stream (`?watch=true` is added). Resolves
 * once the server answered with its headers.
 */
export function rawWatch(c: Pick<RawClient, "server" | "ca" | "cert" | "key">, path: string): Promise<RawWatch> {
  const base = new URL(c.server);
  const url = path + (path.includes("?") ? "&" : "?") + "watch=true";
  return new Promise<RawWatch>((resolveWatch, reject) => {
    let status = 0;
    let endedResolve!: () => void;
    const ended = new Promise<void>((r) => (endedResolve = r));
    const w: RawWatch = { events: [], status: () => status, ended, close: () => req.destroy() };
    const req = https.request(
      { hostname: base.hostname, port: base.port, method: "GET", path: url, ca: c.ca, cert: c.cert, key: c.key, agent: false, headers: { Accept: "application/json" } },
      (res) => {
        status = res.statusCode ?? 0;
        let buf = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          buf += chunk;
          let nl: number;
          while ((nl = buf.indexOf("\n")) >= 0) {
            const line = buf.slice(0, nl).trim();
            buf = buf.slice(nl + 1);
            if (!line) continue;
            const at = performance.now();
            const event = JSON.parse(line) as WatchEvent;
            w.events.push({ event, at });
            w.onEvent?.(event, at);
          }
        });
        res.on("error", () => endedResolve());
        res.on("close", () => endedResolve());
        res.on("end", () => endedResolve());
        resolveWatch(w);
      },
    );
    req.on("error", (err) => {
      if (status === 0) reject(err);
      endedResolve();
    });
    req.end();
  });
}
