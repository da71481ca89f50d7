/**
 * Posting an AdmissionReview (or any review) to a webhook's clientConfig: a URL, or a
 * Service resolved to one of its ready endpoints (so the API server needs no service
 * proxy on its own machine), verified with the configuration's caBundle and the name
 * `<service>.<namespace>.svc`, within the webhook's timeout.
 */
import { request } from "node:https";
import type { EndpointSlice, KubeObject, Service } from "../../api/index.js";
import type { ServerParts } from "../context.js";
import { decodeObject, objectKey, resourcePrefix } from "../object-store.js";

export interface ClientConfig {
  url?: string;
  service?: { namespace: string; name: string; path?: string; port?: number };
  /** base64 of a PEM bundle. */
  caBundle?: string;
}

/** A failure to reach the webhook or to read its answer (upstream's ErrCallingWebhook). */
export class WebhookCallError extends Error {}

/** The URL upstream names in its errors: https://name.namespace.svc:port/path?timeout=10s. */
export function webhookDisplayUrl(cc: ClientConfig, timeoutSeconds: number): string {
  if (cc.url) return `${cc.url}${cc.url.includes("?") ? "&" : "?"}timeout=${timeoutSeconds}s`;
  const svc = cc.service!;
  return `https://${svc.name}.${svc.namespace}.svc:${svc.port ?? 443}${svc.path ?? ""}?timeout=${timeoutSeconds}s`;
}

/** POSTs `body` as JSON and returns the parsed JSON answer; throws WebhookCallError. */
export async function postToWebhook(parts: ServerParts, cc: ClientConfig, body: unknown, timeoutSeconds: number): Promise<unknown> {
  const display = webhookDisplayUrl(cc, timeoutSeconds);
  let target: Target;
  try {
    target = cc.url ? urlTarget(cc.url) : await serviceTarget(parts, cc.service!);
  } catch (err) {
    throw new WebhookCallError(`failed to call webhook: Post "${display}": ${err instanceof Error ? err.message : String(err)}`);
  }
  const ca = cc.caBundle ? Buffer.from(cc.caBundle, "base64").toString("utf8") : undefined;
  const payload = Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const fail = (why: string) => reject(new WebhookCallError(`failed to call webhook: Post "${display}": ${why}`));
    const req = request(
      {
        host: target.host,
        port: target.port,
        path: `${target.path}${target.path.includes("?") ? "&" : "?"}timeout=${timeoutSeconds}s`,
        method: "POST",
        servername: target.servername,
        ca,
        headers: { "content-type": "application/json", accept: "application/json", "content-length": payload.length },
        timeout: timeoutSeconds * 1000,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("error", (err) => fail(err.message));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          if (res.statusCode !== 200) {
            reject(new WebhookCallError(`received invalid webhook response: expected status 200, got ${res.statusCode}: ${text.slice(0, 200)}`));
            return;
          }
          try {
            resolve(JSON.parse(text));
          } catch (err) {
            reject(new WebhookCallError(`received invalid webhook response: ${err instanceof Error ? err.message : String(err)}`));
          }
        });
      },
    );
    req.on("timeout", () => {
      req.destroy();
      fail("context deadline exceeded");
    });
    req.on("error", (err) => fail(err.message));
    req.end(payload);
  });
}

export interface Target {
  host: string;
  port: number;
  path: string;
  servername?: string;
}

function urlTarget(url: string): Target {
  const u = new URL(url);
  const host = u.hostname.replace(/^\[(.*)\]$/, "$1");
  return { host, port: Number(u.port || 443), path: `${u.pathname}${u.search}`, servername: /^[\d.]+$|:/.test(host) ? undefined : host };
}

/** The Service's port → a ready endpoint's address and target port, picked at random. */
export async function serviceTarget(parts: ServerParts, ref: NonNullable<ClientConfig["service"]>): Promise<Target> {
  const servername = `${ref.name}.${ref.namespace}.svc`;
  const svcType = parts.registry.get("", "v1", "services");
  const sliceType = parts.registry.get("discovery.k8s.io", "v1", "endpointslices");
  if (!svcType || !sliceType) throw new Error(`service "${ref.name}" cannot be resolved`);
  const got = await parts.store.get(objectKey(svcType, ref.namespace, ref.name));
  if (!got.kv) throw new Error(`service "${ref.name}" not found`);
  const svc = decodeObject(got.kv) as Service;
  const port = (svc.spec?.ports ?? []).find((p) => p.port === (ref.port ?? 443));
  if (!port) throw new Error(`service "${ref.name}" has no port ${ref.port ?? 443}`);
  const slices = await parts.store.range(`${resourcePrefix(sliceType)}${ref.namespace}/`);
  const candidates: { ip: string; port: number }[] = [];
  for (const kv of slices.kvs) {
    const slice = decodeObject(kv) as EndpointSlice & KubeObject;
    if (slice.metadata.labels?.["kubernetes.io/service-name"] !== ref.name) continue;
    const slicePort = (slice.ports ?? []).find((p) => (p.name ?? "") === (port.name ?? ""));
    if (slicePort?.port === undefined) continue;
    for (const ep of slice.endpoints ?? []) {
      if (ep.conditions?.ready === false) continue;
      for (const ip of ep.addresses) candidates.push({ ip, port: slicePort.port });
    }
  }
  if (candidates.length === 0) throw new Error(`no endpoints available for service "${ref.name}"`);
  const pick = candidates[Math.floor(Math.random() * candidates.length)]!;
  return { host: pick.ip, port: pick.port, path: ref.path ?? "/", servername };
}
