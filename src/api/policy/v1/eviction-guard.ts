/**
 * pods/eviction against PodDisruptionBudgets, as upstream's eviction REST
 * (pkg/registry/core/pod/storage/eviction.go): a pod that is not running (or already
 * terminating) may go; otherwise the one PDB that selects it must allow a disruption,
 * which the eviction takes (disruptionsAllowed - 1, the pod in disruptedPods) before the
 * pod is deleted. A budget at zero is a 429 with a DisruptionBudget cause, as kubectl
 * drain expects (it retries).
 */
import { ApiError, labelSelectorFromObject } from "../../../machinery/index.js";
import type { KubeObject } from "../../object.js";
import type { RequestEnv } from "../../resource-type.js";
import type { PodDisruptionBudget } from "./pdb-types.js";

const pdbRef = { group: "policy", version: "v1", plural: "poddisruptionbudgets" };
/** Upstream's MaxDisruptedPodSize. */
const maxDisruptedPods = 2000;

interface PodView extends KubeObject {
  spec?: { nodeName?: string };
  status?: { phase?: string; conditions?: { type: string; status: string }[] };
}

export async function evictionGuard(parent: KubeObject, _body: KubeObject, env: RequestEnv): Promise<void> {
  const pod = parent as PodView;
  const phase = pod.status?.phase;
  if (pod.metadata.deletionTimestamp || phase === "Succeeded" || phase === "Failed" || phase === "Pending") return;
  if (!env.list || !env.updateStatus) return;
  for (let attempt = 0; attempt < 10; attempt++) {
    const pdbs = ((await env.list({ ...pdbRef, namespace: pod.metadata.namespace })) as PodDisruptionBudget[]).filter((pdb) => selects(pdb, pod));
    if (pdbs.length === 0) return;
    if (pdbs.length > 1) throw ApiError.internal("This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.");
    const pdb = pdbs[0]!;
    const ready = pod.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;
    const status = pdb.status ?? { currentHealthy: 0, desiredHealthy: 0, disruptionsAllowed: 0, expectedPods: 0 };
    // An unhealthy pod may go when the budget is already met (IfHealthyBudget) or always (AlwaysAllow).
    if (!ready && (pdb.spec?.unhealthyPodEvictionPolicy === "AlwaysAllow" || status.currentHealthy >= status.desiredHealthy) && (pdb.status?.observedGeneration ?? 0) >= (pdb.metadata.generation ?? 0)) return;
    if ((status.observedGeneration ?? 0) < (pdb.metadata.generation ?? 0)) throw tooManyRequests(`The disruption budget ${pdb.metadata.name} is still being processed by the server.`, 10);
    if (status.disruptionsAllowed < 0) throw ApiError.forbidden({ group: "policy", resource: "poddisruptionbudget" }, pdb.metadata.name ?? "", "pdb disruptions allowed is negative");
    if (Object.keys(status.disruptedPods ?? {}).length > maxDisruptedPods) {
      throw ApiError.forbidden({ group: "policy", resource: "poddisruptionbudget" }, pdb.metadata.name ?? "", "DisruptedPods map too big - too many evictions not confirmed by PDB controller");
    }
    if (status.disruptionsAllowed === 0) throw tooManyRequests(`The disruption budget ${pdb.metadata.name} needs ${status.desiredHealthy} healthy pods and has ${status.currentHealthy} currently`, 0);
    if (env.dryRun) return;
    const next: PodDisruptionBudget = structuredClone(pdb);
    next.status = { ...status, disruptionsAllowed: status.disruptionsAllowed - 1, disruptedPods: { ...(status.disruptedPods ?? {}), [pod.metadata.name ?? ""]: env.now.toISOString().replace(/\.\d{3}Z$/, "Z") } };
    if (next.status.disruptionsAllowed === 0) {
      const others = (next.status.conditions ?? []).filter((c) => c.type !== "DisruptionAllowed");
      next.status.conditions = [...others, { type: "DisruptionAllowed", status: "False", reason: "InsufficientPods", message: "", lastTransitionTime: env.now.toISOString().replace(/\.\d{3}Z$/, "Z"), observedGeneration: pdb.metadata.generation }];
    }
    try {
      await env.updateStatus(pdbRef, next);
      return;
    } catch (err) {
      // Another eviction took a disruption first: read the budget again.
      if (err instanceof ApiError && err.code === 409) continue;
      throw err;
    }
  }
  throw tooManyRequests("too many concurrent evictions, try again", 1);
}

function selects(pdb: PodDisruptionBudget, pod: KubeObject): boolean {
  const sel = pdb.spec?.selector;
  // An empty selector selects nothing here, as upstream's eviction (and PDB controller) read it.
  if (!sel || (Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0)) return false;
  try {
    return labelSelectorFromObject(sel).matches(pod.metadata.labels ?? {});
  } catch {
    return false;
  }
}

function tooManyRequests(cause: string, retryAfterSeconds: number): ApiError {
  const err = ApiError.tooManyRequests("Cannot evict pod as it would violate the pod's disruption budget.", retryAfterSeconds);
  err.status.details = { ...(err.status.details ?? {}), causes: [{ reason: "DisruptionBudget", message: cause }] };
  return err;
}
