/**
 * The aggregation layer (upstream's kube-aggregator, inside this server):
 * - every group/version this server serves itself has a "Local" APIService (as
 *   upstream's autoregister controller keeps them), always Available;
 * - an APIService with a Service is checked now, on every change and every 10 s: its
 *   server must answer `GET /apis/<group>/<version>`; the resources it lists are added
 *   to the kind registry with a proxy handler, so discovery, OpenAPI's group list,
 *   authorization and routing treat them like any other resource, and requests for them
 *   are passed to that server. `status.conditions[Available]` says how the check went.
 */
import type { APIService, APIServiceCondition, KindRegistry, ResourceType, RestHandler, Verb } from "../../api/index.js";
import type { Store } from "../../storage/index.js";
import { systemUser } from "../bootstrap.js";
import type { ServerParts } from "../context.js";
import { PrefixCache } from "../webhooks/index.js";
import { forward, proxyHandler, type ProxyClientCert } from "./proxy.js";

const automanagedLabel = "kube-aggregator.kubernetes.io/automanaged";

/** Upstream's priorities for the built-in group/versions (pkg/controlplane/apiserver/aggregator.go). */
const priorities: Record<string, [number, number]> = {
  "/v1": [18000, 1],
  "apiregistration.k8s.io/v1": [18000, 15],
  "apps/v1": [17800, 15],
  "events.k8s.io/v1": [17750, 15],
  "authentication.k8s.io/v1": [17700, 15],
  "authorization.k8s.io/v1": [17600, 15],
  "autoscaling/v2": [17500, 30],
  "autoscaling/v1": [17500, 15],
  "batch/v1": [17400, 15],
  "certificates.k8s.io/v1": [17300, 15],
  "networking.k8s.io/v1": [17200, 15],
  "policy/v1": [17100, 15],
  "rbac.authorization.k8s.io/v1": [17000, 15],
  "storage.k8s.io/v1": [16800, 15],
  "apiextensions.k8s.io/v1": [16700, 15],
  "admissionregistration.k8s.io/v1": [16700, 15],
  "scheduling.k8s.io/v1": [16600, 15],
  "coordination.k8s.io/v1": [16500, 15],
  "node.k8s.io/v1": [16300, 15],
  "discovery.k8s.io/v1": [16200, 15],
  "flowcontrol.apiserver.k8s.io/v1": [16100, 21],
  "metrics.k8s.io/v1beta1": [100, 100],
};

export interface AggregatorOptions {
  store: Store;
  registry: KindRegistry;
  handler: RestHandler;
  parts: () => ServerParts;
  /** The certificate this server presents to aggregated servers (upstream's --proxy-client-cert-file). */
  proxyClient?: ProxyClientCert;
  signal: AbortSignal;
  checkIntervalMs?: number;
}

interface Remote {
  /** "group/version" → the plurals this APIService added to the registry. */
  plurals: Set<string>;
  current: APIService;
}

export class Aggregator {
  private readonly cache: PrefixCache<APIService>;
  private readonly remotes = new Map<string, Remote>();
  private running: Promise<void> | undefined;
  private again = false;

  constructor(private readonly o: AggregatorOptions) {
    this.cache = new PrefixCache(o.store, "/registry/apiregistration.k8s.io/apiservices/");
  }

  async start(): Promise<void> {
    await this.cache.start(this.o.signal);
    await this.ensureLocal();
    this.cache.onChange(() => this.kick());
    const off = this.o.registry.onChange(() => void this.ensureLocal().catch((err: unknown) => console.error("k8ts apiserver: local APIServices:", err)));
    const timer = setInterval(() => this.kick(), this.o.checkIntervalMs ?? 10_000);
    this.o.signal.addEventListener("abort", () => (clearInterval(timer), off()), { once: true });
    this.kick();
  }

  /** Runs a reconcile pass now, or once more after the running one. */
  private kick(): void {
    if (this.o.signal.aborted) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.reconcile()
      .catch((err: unknown) => console.error("k8ts apiserver: aggregator:", err))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** A Local APIService for every group/version this server serves itself. */
  private async ensureLocal(): Promise<void> {
    const have = new Set(this.cache.sorted().map((s) => s.metadata.name));
    const served = new Set<string>();
    for (const rt of this.o.registry.all()) {
      if (rt.proxy) continue;
      served.add(`${rt.group}/${rt.version}`);
    }
    for (const gv of served) {
      const [group, version] = gv.split("/") as [string, string];
      const name = `${version}.${group}`;
      if (have.has(name)) continue;
      const [gpm, vp] = priorities[gv] ?? [1000, 15];
      await this.request("POST", "/apis/apiregistration.k8s.io/v1/apiservices", {
        apiVersion: "apiregistration.k8s.io/v1",
        kind: "APIService",
        metadata: { name, labels: { [automanagedLabel]: "onstart" } },
        spec: { group, version, groupPriorityMinimum: gpm, versionPriority: vp },
      });
    }
  }

  private async reconcile(): Promise<void> {
    const seen = new Set<string>();
    for (const svc of this.cache.sorted()) {
      const name = svc.metadata.name ?? "";
      seen.add(name);
      if (!svc.spec?.service) {
        await this.setAvailable(svc, { status: "True", reason: "Local", message: "Local APIServices are always available" });
        continue;
      }
      const remote = this.remotes.get(name) ?? { plurals: new Set<string>(), current: svc };
      remote.current = svc;
      this.remotes.set(name, remote);
      const outcome = await this.check(svc, remote);
      await this.setAvailable(svc, outcome);
    }
    for (const [name, remote] of this.remotes) {
      if (seen.has(name)) continue;
      this.unregister(remote, new Set());
      this.remotes.delete(name);
    }
  }

  /** Asks the aggregated server for its resources and registers them; the Available condition it earns. */
  private async check(svc: APIService, remote: Remote): Promise<Omit<APIServiceCondition, "type" | "lastTransitionTime">> {
    const { group = "", version = "" } = svc.spec ?? {};
    const ref = svc.spec!.service!;
    let list: { resources?: { name: string; singularName?: string; namespaced?: boolean; kind?: string; verbs?: string[]; shortNames?: string[]; categories?: string[] }[] };
    try {
      const res = await forward(this.o.parts(), svc, { method: "GET", path: `/apis/${group}/${version}`, query: {}, user: systemUser }, this.o.proxyClient, 5000);
      const text = await readAll(res);
      if (res.statusCode !== 200) return { status: "False", reason: "FailedDiscoveryCheck", message: `failing or missing response from https://${ref.name}.${ref.namespace}.svc:${ref.port ?? 443}/apis/${group}/${version}: bad status from https://${ref.name}.${ref.namespace}.svc:${ref.port ?? 443}/apis/${group}/${version}: ${res.statusCode}` };
      list = JSON.parse(text) as typeof list;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (/not found/.test(message)) return { status: "False", reason: "ServiceNotFound", message: `service/${ref.name} in "${ref.namespace}" is not present` };
      if (/no ready endpoints|no endpoints|no service port/.test(message)) return { status: "False", reason: "MissingEndpoints", message: `endpoints for service/${ref.name} in "${ref.namespace}" have no addresses with port name ""` };
      return { status: "False", reason: "FailedDiscoveryCheck", message: `failing or missing response from https://${ref.name}.${ref.namespace}.svc:${ref.port ?? 443}/apis/${group}/${version}: ${message}` };
    }
    const keep = new Set<string>();
    const entries = list.resources ?? [];
    for (const r of entries) {
      if (r.name.includes("/")) continue;
      const subs = new Set(entries.filter((s) => s.name.startsWith(`${r.name}/`)).map((s) => s.name.slice(r.name.length + 1)));
      const name = svc.metadata.name ?? "";
      const rt: ResourceType = {
        group,
        version,
        kind: r.kind ?? r.name,
        plural: r.name,
        singular: r.singularName || (r.kind ?? r.name).toLowerCase(),
        namespaced: r.namespaced ?? true,
        shortNames: r.shortNames,
        categories: r.categories,
        verbs: (r.verbs ?? []) as Verb[],
        definition: "",
        definitions: {},
        subresources: subs.has("status") ? { status: true } : undefined,
        proxy: proxyHandler(this.o.parts, () => this.remotes.get(name)?.current, this.o.proxyClient),
      };
      keep.add(r.name);
      const existing = this.o.registry.get(group, version, r.name);
      if (existing && !existing.proxy) continue; // never shadow what this server serves itself
      if (!existing || !remote.plurals.has(r.name) || JSON.stringify({ ...existing, proxy: undefined }) !== JSON.stringify({ ...rt, proxy: undefined })) {
        this.o.registry.add(rt, { replace: true });
      }
      remote.plurals.add(r.name);
    }
    this.unregister(remote, keep);
    return { status: "True", reason: "Passed", message: "all checks passed" };
  }

  private unregister(remote: Remote, keep: Set<string>): void {
    const { group = "", version = "" } = remote.current.spec ?? {};
    for (const plural of [...remote.plurals]) {
      if (keep.has(plural)) continue;
      if (this.o.registry.get(group, version, plural)?.proxy) this.o.registry.remove(group, version, plural);
      remote.plurals.delete(plural);
    }
  }

  private async setAvailable(svc: APIService, c: Omit<APIServiceCondition, "type" | "lastTransitionTime">): Promise<void> {
    const old = svc.status?.conditions?.find((x) => x.type === "Available");
    if (old && old.status === c.status && old.reason === c.reason && old.message === c.message) return;
    const condition: APIServiceCondition = {
      type: "Available",
      ...c,
      lastTransitionTime: old && old.status === c.status ? old.lastTransitionTime : new Date().toISOString().replace(/\.\d{3}Z$/, "Z"),
    };
    const conditions = [...(svc.status?.conditions ?? []).filter((x) => x.type !== "Available"), condition];
    await this.request("PUT", `/apis/apiregistration.k8s.io/v1/apiservices/${svc.metadata.name}/status`, { ...svc, status: { ...svc.status, conditions } });
  }

  private async request(method: "POST" | "PUT", path: string, body: unknown): Promise<void> {
    const res = await this.o.handler({ method, path, query: {}, body, user: systemUser });
    if (res.status >= 300 && res.status !== 409) console.error(`k8ts apiserver: aggregator: ${method} ${path}: ${JSON.stringify(res.body)}`);
  }
}

async function readAll(res: AsyncIterable<unknown>): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of res) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(String(c)));
  return Buffer.concat(chunks).toString("utf8");
}
