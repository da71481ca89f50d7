import * as http from "node:http";
import * as http2 from "node:http2";
import * as https from "node:https";
import * as net from "node:net";
import type { Container, ExecAction, GRPCAction, HTTPGetAction, TCPSocketAction } from "../../api/index.js";
import type { ContainerRuntime } from "../runtime/index.js";

/** A probe or hook outcome (pkg/probe Result). */
export interface HandlerResult {
  result: "success" | "failure" | "unknown";
  output: string;
}

/** Upstream's probe User-Agent: kube-probe/<major>.<minor>. */
export const probeUserAgent = "kube-probe/1.35";
const maxBodyBytes = 10 * 1024;

/** Runs `command` in the container through CRI ExecSync; exit 0 is success. */
export async function execHandler(runtime: ContainerRuntime, containerId: string, action: ExecAction, timeoutSeconds: number): Promise<HandlerResult> {
  try {
    const r = await runtime.execSync({ containerId, cmd: action.command ?? [], timeout: timeoutSeconds }, { timeoutMs: timeoutSeconds * 1000 + 2000 });
    const output = Buffer.concat([Buffer.from(r.stdout ?? []), Buffer.from(r.stderr ?? [])]).toString("utf8");
    if (r.exitCode === 0) return { result: "success", output };
    return { result: "failure", output: output || `command ${JSON.stringify((action.command ?? []).join(" "))} exited with ${r.exitCode}` };
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    if (/deadline|timed out|timeout/i.test(msg)) return { result: "failure", output: `command timed out: "${(action.command ?? []).join(" ")}" timed out after ${timeoutSeconds}s` };
    return { result: "unknown", output: msg };
  }
}

/** A container port by number or by name. */
export function resolvePort(port: number | string | undefined, container: Container | undefined): number | undefined {
  if (typeof port === "number") return port;
  if (port === undefined) return undefined;
  if (/^\d+$/.test(port)) return Number(port);
  return container?.ports?.find((p) => p.name === port)?.containerPort;
}

/** GET scheme://host:port/path from the node; 200–399 is success (pkg/probe/http). */
export function httpGetHandler(action: HTTPGetAction, podIP: string, container: Container | undefined, timeoutSeconds: number): Promise<HandlerResult> {
  const port = resolvePort(action.port, container);
  if (!port) return Promise.resolve({ result: "failure", output: `unable to resolve port ${String(action.port)}` });
  const host = action.host || podIP;
  const scheme = (action.scheme ?? "HTTP").toLowerCase();
  const headers: Record<string, string> = { "User-Agent": probeUserAgent, Accept: "*/*" };
  for (const h of action.httpHeaders ?? []) headers[h.name] = h.value;
  const path = action.path ? (action.path.startsWith("/") ? action.path : `/${action.path}`) : "/";
  const url = `${scheme}://${host.includes(":") ? `[${host}]` : host}:${port}${path}`;
  return new Promise((resolve) => {
    const mod = scheme === "https" ? https : http;
    const req = mod.get(url, { headers, timeout: timeoutSeconds * 1000, rejectUnauthorized: false, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (c: Buffer) => {
        if (size < maxBodyBytes) chunks.push(c);
        size += c.length;
      });
      res.on("end", () => {
        const body = Buffer.concat(chunks).subarray(0, maxBodyBytes).toString("utf8");
        const code = res.statusCode ?? 0;
        if (code >= 200 && code < 400) resolve({ result: "success", output: body });
        else resolve({ result: "failure", output: `HTTP probe failed with statuscode: ${code}` });
      });
      res.on("error", (err) => resolve({ result: "failure", output: err.message }));
    });
    req.on("timeout", () => {
      req.destroy();
      resolve({ result: "failure", output: `Get "${url}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)` });
    });
    req.on("error", (err) => resolve({ result: "failure", output: `Get "${url}": ${err.message}` }));
  });
}

/** Opens a TCP connection to host:port (pkg/probe/tcp). */
export function tcpHandler(action: TCPSocketAction, podIP: string, container: Container | undefined, timeoutSeconds: number): Promise<HandlerResult> {
  const port = resolvePort(action.port, container);
  if (!port) return Promise.resolve({ result: "failure", output: `unable to resolve port ${String(action.port)}` });
  const host = action.host || podIP;
  return new Promise((resolve) => {
    const sock = net.connect({ host, port });
    const timer = setTimeout(() => {
      sock.destroy();
      resolve({ result: "failure", output: `dial tcp ${host}:${port}: i/o timeout` });
    }, timeoutSeconds * 1000);
    sock.once("connect", () => {
      clearTimeout(timer);
      sock.destroy();
      resolve({ result: "success", output: "" });
    });
    sock.once("error", (err) => {
      clearTimeout(timer);
      resolve({ result: "failure", output: `dial tcp ${host}:${port}: ${err.message}` });
    });
  });
}

/**
 * gRPC health v1 Check over plaintext HTTP/2 (pkg/probe/grpc): POST
 * /grpc.health.v1.Health/Check with HealthCheckRequest{service}; SERVING (1) is success.
 */
export function grpcHandler(action: GRPCAction, podIP: string, timeoutSeconds: number): Promise<HandlerResult> {
  const target = `${podIP}:${action.port}`;
  return new Promise((resolve) => {
    let done = false;
    const finish = (r: HandlerResult) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      session.close();
      session.destroy();
      resolve(r);
    };
    const session = http2.connect(`http://${podIP.includes(":") ? `[${podIP}]` : podIP}:${action.port}`);
    const timer = setTimeout(() => finish({ result: "failure", output: `timeout: failed to connect service "${target}" within ${timeoutSeconds}s` }), timeoutSeconds * 1000);
    session.on("error", (err) => finish({ result: "failure", output: `timeout: failed to connect service "${target}": ${err.message}` }));
    const service = Buffer.from(action.service ?? "", "utf8");
    const msg = service.length ? Buffer.concat([Buffer.from([0x0a, service.length]), service]) : Buffer.alloc(0);
    const frame = Buffer.concat([Buffer.from([0, 0, 0, 0, msg.length]), msg]);
    const req = session.request({ ":method": "POST", ":path": "/grpc.health.v1.Health/Check", "content-type": "application/grpc", te: "trailers", "user-agent": probeUserAgent });
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("error", (err) => finish({ result: "failure", output: err.message }));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      // 5-byte frame header, then HealthCheckResponse: field 1 (varint) = status.
      const status = body.length >= 7 && body[5] === 0x08 ? body[6] : 0;
      if (status === 1) finish({ result: "success", output: "" });
      else finish({ result: "failure", output: `service unhealthy (responded with "${["UNKNOWN", "SERVING", "NOT_SERVING", "SERVICE_UNKNOWN"][status] ?? status}")` });
    });
    req.end(frame);
  });
}
