import type { ClusterRole, PolicyRule } from "../../api/index.js";
import { isApiError, labelSelectorFromObject } from "../../machinery/index.js";
import { WorkQueue, realClock, resource, runWorkers, type Client, type Clock, type Informer, type InformerFactory, type ReconcileResult } from "../../client/index.js";

const clusterRolesRes = resource<ClusterRole>("rbac.authorization.k8s.io", "v1", "clusterroles", "ClusterRole", false);

export interface ClusterRoleAggregationControllerOptions {
  client: Client;
  informers: InformerFactory;
  clock?: Clock;
  onError?: (key: string, err: unknown) => void;
}

/**
 * The rules an aggregated ClusterRole should have: the rules of every other ClusterRole
 * its selectors match, in name order, each rule once (upstream's syncClusterRole).
 */
export function aggregatedRules(role: ClusterRole, all: readonly ClusterRole[]): PolicyRule[] {
  const selectors = (role.aggregationRule?.clusterRoleSelectors ?? []).map((s) => labelSelectorFromObject(s));
  const matched = new Map<string, ClusterRole>();
  for (const sel of selectors) {
    for (const other of all) {
      if (other.metadata.name === role.metadata.name) continue;
      if (sel.matches(other.metadata.labels)) matched.set(other.metadata.name!, other);
    }
  }
  const rules: PolicyRule[] = [];
  const seen = new Set<string>();
  for (const name of [...matched.keys()].sort()) {
    for (const r of matched.get(name)!.rules ?? []) {
      const key = JSON.stringify(r);
      if (seen.has(key)) continue;
      seen.add(key);
      rules.push(r);
    }
  }
  return rules;
}

/**
 * The clusterrole-aggregation controller (pkg/controller/clusterroleaggregation): keeps
 * the rules of every ClusterRole with an aggregationRule equal to the union of the rules
 * of the ClusterRoles its selectors match. Any ClusterRole change re-checks every
 * aggregated one, since any of them may select it.
 */
export class ClusterRoleAggregationController {
  private readonly client: Client;
  readonly roles: Informer<ClusterRole>;
  private readonly queue: WorkQueue;

  constructor(private readonly options: ClusterRoleAggregationControllerOptions) {
    this.client = options.client;
    this.queue = new WorkQueue({ clock: options.clock ?? realClock, name: "ClusterRoleAggregator" });
    this.roles = options.informers.informer(clusterRolesRes);
    const enqueueAll = (): void => {
      for (const r of this.roles.list()) if (r.aggregationRule) this.queue.add(r.metadata.name!);
    };
    this.roles.addHandler({ add: enqueueAll, update: enqueueAll, delete: enqueueAll });
  }

  async start(signal: AbortSignal): Promise<void> {
    if (await this.roles.waitForSync(signal)) {
      await runWorkers(this.queue, (key, s) => this.reconcile(key, s), { workers: 1, signal, onError: this.options.onError });
    }
    this.queue.shutDown();
  }

  async reconcile(name: string, signal: AbortSignal): Promise<ReconcileResult | void> {
    const role = this.roles.get(name);
    if (!role?.aggregationRule) return;
    const rules = aggregatedRules(role, this.roles.list());
    if (JSON.stringify(rules) === JSON.stringify(role.rules ?? [])) return;
    try {
      await this.client.update(clusterRolesRes, { ...role, rules }, { signal });
    } catch (err) {
      if (!isApiError(err, "NotFound")) throw err;
    }
  }
}
