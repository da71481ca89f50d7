/**
 * Calls a webhook the way the API server calls conversion and admission webhooks
 * (apiserver pkg/util/webhook): a JSON POST over HTTPS to `clientConfig.url`, or to the
 * Service `clientConfig.service` resolved to one of its ready endpoints through its
 * EndpointSlices (the port named like the Service port), verified against
 * `clientConfig.caBundle` (base64 PEM in JSON) with the name `<service>.<namespace>.svc`.
 *
 *   const reply = await callWebhook({ store, clientConfig, body: review, timeoutMs: 10_000 });
 *
 * Failures throw a WebhookError whose message reads like upstream's
 * (`Post "https://web.ns.svc:443/convert?timeout=30s": ...`).
 */
import { request } from "node:https";
import type { Store } from "../storage/index.js";
import { decodeObject } from "./object-store.js";

export interface WebhookClientConfig {
  url?: string;
  service?: { namespace: string; name: string; path?: string; port?: number };
  caBundle?: string;
}

export class WebhookError extends Error {}

interface ServicePort {
  name?: string;
  port: number;
  targetPort?: number | string;
}

interface SlicePort {
  name?: string;
  port?: number;
}

interface Slice {
  metadata: { labels?: Record<string, string> };
  addressType?: string;
  endpoints?: { addresses: string[]; conditions?: { ready?: boolean } }[];
  ports?: SlicePort[];
}

/** Where a service reference goes: an endpoint address and port, and the name its certificate carries. */
export async function resolveService(store: Store, ref: { namespace: string; name: string; port?: number }): Promise<{ host: string; port: number; serverName: string }> {
  const servicePort = ref.port ?? 443;
  const serverName = `${ref.name}.${ref.namespace}.svc`;
  const got = await store.get(`/registry/core/services/${ref.namespace}/${ref.name}`);
  if (!got.kv) throw new WebhookError(`service "${ref.name}" not found`);
  const svc = decodeObject(got.kv) as { spec?: { ports?: ServicePort[] } };
  const sp = svc.spec?.ports?.find((p) => p.port === servicePort);
  if (!sp) throw new WebhookError(`no service port ${servicePort} found for service "${ref.name}"`);
  const slices = (await store.range(`/registry/discovery.k8s.io/endpointslices/${ref.namespace}/`)).kvs
    .map((kv) => decodeObject(kv) as unknown as Slice)
    .filter((s) => s.metadata.labels?.["kubernetes.io/service-name"] === ref.name && (s.addressType ?? "IPv4") !== "FQDN");
  for (const slice of slices) {
    const port = slice.ports?.find((p) => (p.name ?? "") === (sp.name ?? ""))?.port;
    if (port === undefined) continue;
    const ready = slice.endpoints?.find((e) => e.conditions?.ready !== false && e.addresses.length > 0);
    if (ready) return { host: ready.addresses[0], port, serverName };
  }
  throw new WebhookError(`service "${ref.namespace}/${ref.name}" has no ready endpoints`);
}

/** POSTs `body` as JSON and returns the parsed JSON reply (any 2xx). */
export async function callWebhook(options: { store: Store; clientConfig: WebhookClientConfig; body: unknown; timeoutMs: number; signal?: AbortSignal }): Promise<unknown> {
  const { clientConfig, timeoutMs } = options;
  const timeoutParam = `timeout=${Math.round(timeoutMs / 1000)}s`;
  let target: { host: string; port: number; path: string; serverName: string; shown: string };
  if (clientConfig.url) {
    const u = new URL(clientConfig.url);
    const port = u.port ? Number(u.port) : 443;
    const path = `${u.pathname}${u.search ? `${u.search}&` : "?"}${timeoutParam}`;
    target = { host: u.hostname.replace(/^\[|\]$/g, ""), port, path, serverName: u.hostname, shown: `${u.origin}${path}` };
  } else if (clientConfig.service) {
    const svc = clientConfig.service;
    const path = `${svc.path ?? "/"}?${timeoutParam}`;
    const shown = `https://${svc.name}.${svc.namespace}.svc:${svc.port ?? 443}${path}`;
    let ep: Awaited<ReturnType<typeof resolveService>>;
    try {
      ep = await resolveService(options.store, svc);
    } catch (err) {
      // Named like a failed POST, as upstream reports a Service it cannot reach.
      throw new WebhookError(`Post "${shown}": ${err instanceof Error ? err.message : String(err)}`);
    }
    target = { host: ep.host, port: ep.port, path, serverName: ep.serverName, shown };
  } else {
    throw new WebhookError("webhook clientConfig has neither url nor service");
  }
  const ca = clientConfig.caBundle ? Buffer.from(clientConfig.caBundle, "base64").toString("utf8") : undefined;
  const payload = Buffer.from(JSON.stringify(options.body));
  return new Promise((resolve, reject) => {
    const fail = (msg: string) => reject(new WebhookError(`Post "${target.shown}": ${msg}`));
    const req = request(
      {
        host: target.host,
        port: target.port,
        path: target.path,
        method: "POST",
        servername: /^[\d.]+$|:/.test(target.serverName) ? undefined : target.serverName,
        ca,
        headers: { "Content-Type": "application/json", Accept: "application/json", "Content-Length": payload.length },
        timeout: timeoutMs,
        signal: options.signal,
        checkServerIdentity: (_host, cert) => {
          // Verify against the service DNS name (or the URL's host), not the endpoint address we dialled.
          const names = (cert.subjectaltname ?? "").split(/,\s*/).map((s) => s.replace(/^(DNS|IP Address):/, ""));
          if (names.includes(target.serverName) || cert.subject?.CN === target.serverName) return undefined;
          return new Error(`x509: certificate is valid for ${names.join(", ")}, not ${target.serverName}`);
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          if ((res.statusCode ?? 0) < 200 || (res.statusCode ?? 0) >= 300) return fail(`the server responded with status ${res.statusCode}: ${text.slice(0, 200)}`);
          try {
            resolve(JSON.parse(text));
          } catch {
            fail("the webhook's response is not JSON");
          }
        });
        res.on("error", (err) => fail(err.message));
      },
    );
    req.on("timeout", () => req.destroy(new Error("context deadline exceeded")));
    req.on("error", (err) => fail(err.message));
    req.end(payload);
  });
}
