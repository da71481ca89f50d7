// One HTTPS endpoint answering /metrics/resource and /stats/summary for many simulated
// nodes (`k8ts sim`, bench:metrics): each node advertises its own loopback address
// (127.0.0.0/8 all reaches lo) and the same port, and the address a request arrived on
// says which node it asked. The checks on the caller are the kubelet server's.
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import type { TLSSocket } from "node:tls";
import { resourceMetricsText } from "./resource-metrics.js";
import type { Summary } from "./summary-types.js";

export interface NodesStatsEndpointOptions {
  tls: { key: string; cert: string; ca: string };
  /** Default 0.0.0.0, so every 127.x.y.z reaches it. */
  host?: string;
  port?: number;
  /** The node behind a local address, or undefined (404). */
  summaryFor(localAddress: string): Promise<Summary> | undefined;
  /** Default: the API server's kubelet client certificate and system:masters. */
  allowed?: (user: { name: string; groups: string[] }) => boolean;
}

export interface RunningNodesStatsEndpoint {
  server: Server;
  port: number;
  close(): Promise<void>;
}

const defaultAllowed = (u: { name: string; groups: string[] }) => u.name === "kube-apiserver-kubelet-client" || u.groups.includes("system:masters");

export async function startNodesStatsEndpoint(o: NodesStatsEndpointOptions): Promise<RunningNodesStatsEndpoint> {
  const allowed = o.allowed ?? defaultAllowed;
  const server = createServer({ key: o.tls.key, cert: o.tls.cert, ca: o.tls.ca, requestCert: true, rejectUnauthorized: false }, (req, res) => {
    req.resume();
    const socket = req.socket as TLSSocket;
    const subject = socket.authorized ? socket.getPeerCertificate()?.subject : undefined;
    const cn = subject?.CN;
    const org = subject?.O as string | string[] | undefined;
    const user = cn ? { name: Array.isArray(cn) ? cn[0]! : cn, groups: org === undefined ? [] : Array.isArray(org) ? org : [org] } : undefined;
    if (!user) return void res.writeHead(401, { "Content-Type": "text/plain; charset=utf-8" }).end("Unauthorized");
    if (!allowed(user)) return void res.writeHead(403, { "Content-Type": "text/plain; charset=utf-8" }).end(`Forbidden (user=${user.name}, verb=get, resource=nodes, subresource=proxy)`);
    const path = new URL(req.url ?? "/", "https://node").pathname;
    const summary = o.summaryFor((socket.localAddress ?? "").replace(/^::ffff:/, ""));
    if (!summary || (path !== "/metrics/resource" && path !== "/stats/summary")) return void res.writeHead(404, { "Content-Type": "text/plain; charset=utf-8" }).end("404 page not found\n");
    summary.then(
      (s) => {
        if (path === "/stats/summary") res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(s));
        else res.writeHead(200, { "Content-Type": "text/plain; version=0.0.4; charset=utf-8" }).end(resourceMetricsText(s));
      },
      (err: unknown) => res.writeHead(500, { "Content-Type": "text/plain; charset=utf-8" }).end(err instanceof Error ? err.message : String(err)),
    );
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(o.port ?? 0, o.host ?? "0.0.0.0", () => {
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
