/**
 * Handing a request to an aggregated API server, as upstream's kube-aggregator proxy:
 * the same method, path, query and body, to a ready endpoint of the APIService's
 * Service, verified with its caBundle (or not, with insecureSkipTLSVerify), presenting
 * this server's proxy client certificate and naming the user in X-Remote-* headers
 * (upstream's request-header authentication). The answer comes back as it is, streamed.
 */
import { request, type RequestOptions } from "node:https";
import type { IncomingMessage } from "node:http";
import type { APIService, RestRequest, RestResponse } from "../../api/index.js";
import { ApiError } from "../../machinery/index.js";
import type { ServerParts } from "../context.js";
import { resolveService } from "../webhook-client.js";

interface Target {
  host: string;
  port: number;
  servername: string;
}

export interface ProxyClientCert {
  cert: string;
  key: string;
}

/** Where an APIService's server is, and how to trust it. */
export async function apiServiceTarget(parts: ServerParts, svc: APIService): Promise<{ target: Target; tls: Pick<RequestOptions, "ca" | "rejectUnauthorized" | "servername"> }> {
  const ref = svc.spec?.service;
  if (!ref?.name || !ref.namespace) throw new Error("the APIService names no service");
  const ep = await resolveService(parts.store, { namespace: ref.namespace, name: ref.name, port: ref.port ?? 443 });
  const target: Target = { host: ep.host, port: ep.port, servername: ep.serverName };
  const insecure = svc.spec?.insecureSkipTLSVerify === true;
  return {
    target,
    tls: {
      ca: svc.spec?.caBundle ? Buffer.from(svc.spec.caBundle, "base64").toString("utf8") : undefined,
      rejectUnauthorized: !insecure,
      servername: target.servername,
    },
  };
}

/** One HTTPS request to the aggregated server; resolves with the response once its headers arrive. */
export async function forward(parts: ServerParts, svc: APIService, req: Pick<RestRequest, "method" | "path" | "query" | "body" | "contentType" | "accept" | "user" | "signal">, client?: ProxyClientCert, timeoutMs = 30_000): Promise<IncomingMessage> {
  const { target, tls } = await apiServiceTarget(parts, svc);
  const qs = new URLSearchParams(req.query).toString();
  const body = req.body === undefined ? undefined : Buffer.from(JSON.stringify(req.body));
  const headers: Record<string, string | string[]> = { accept: req.accept || "application/json" };
  if (body) {
    headers["content-type"] = req.contentType && req.method === "PATCH" ? req.contentType : "application/json";
    headers["content-length"] = String(body.length);
  }
  const user = req.user;
  if (user) {
    headers["x-remote-user"] = user.username;
    if (user.groups.length) headers["x-remote-group"] = user.groups;
    if (user.uid) headers["x-remote-uid"] = user.uid;
    for (const [k, vs] of Object.entries(user.extra ?? {})) headers[`x-remote-extra-${encodeURIComponent(k)}`] = vs;
  }
  return new Promise((resolve, reject) => {
    const r = request(
      {
        host: target.host,
        port: target.port,
        method: req.method,
        path: `${req.path}${qs ? `?${qs}` : ""}`,
        headers,
        ...tls,
        cert: client?.cert,
        key: client?.key,
        agent: false,
        timeout: timeoutMs,
        signal: req.signal,
      },
      resolve,
    );
    r.on("timeout", () => r.destroy(new Error("timeout awaiting response headers")));
    r.on("error", reject);
    r.end(body);
  });
}

/** A RestHandler for the resources of `svc`: the aggregated server's answer, passed through. */
export function proxyHandler(parts: () => ServerParts, svc: () => APIService | undefined, client?: ProxyClientCert) {
  return async (req: RestRequest): Promise<RestResponse> => {
    const current = svc();
    if (!current) throw ApiError.serviceUnavailable("the APIService serving this resource is gone");
    let res: IncomingMessage;
    try {
      res = await forward(parts(), current, req, client);
    } catch (err) {
      // Upstream answers 503 when the aggregated server cannot be reached.
      throw ApiError.serviceUnavailable(`error trying to reach service: ${err instanceof Error ? err.message : String(err)}`);
    }
    const headers: Record<string, string> = {};
    const ct = res.headers["content-type"];
    if (ct) headers["Content-Type"] = ct;
    return { status: res.statusCode ?? 502, body: undefined, headers, stream: res };
  };
}
