import type { Pod } from "../../../api/index.js";
import { fitErrorMessage } from "../../framework/fit-error.js";
import type { Framework } from "../../framework/framework.js";
import type { NodeInfo } from "../../framework/node-info.js";
import type { CycleContext, PriorityOf } from "../../framework/plugin.js";
import type { PodInfo } from "../../framework/pod-info.js";
import { overlaySnapshot } from "../../framework/snapshot.js";
import { isSuccess, unresolvable, type Status } from "../../framework/status.js";

/**
 * DefaultPreemption (PostFilter): when a pod fits nowhere, find the node where evicting
 * lower-priority pods makes it fit, choosing — as upstream's pickOneNodeForPreemption —
 * the lowest highest-victim priority, then the lowest sum of victim priorities, then the
 * fewest victims. On a node, every lower-priority pod is removed, then pods are reprieved
 * from the most important down while the preemptor still fits. PodDisruptionBudgets are
 * not considered. The scheduler deletes the victims and nominates the node.
 */
export const errReasonNotHelpful = "Preemption is not helpful for scheduling";
export const errReasonNoVictims = "No preemption victims found for incoming pod";

export interface PreemptionCandidate {
  nodeName: string;
  victims: PodInfo[];
}

export interface PreemptionOutcome {
  /** Set when preemption found a node. */
  candidate?: PreemptionCandidate;
  /** For the FitError: "preemption: …" (empty when a candidate was found). */
  message: string;
}

export interface DefaultPreemptionOptions {
  framework: Framework;
  priorityOf: PriorityOf;
  /** Dry-run at least this share of the nodes… */
  minCandidateNodesPercentage?: number;
  /** …and at least this many (upstream defaults 10% / 100). */
  minCandidateNodesAbsolute?: number;
}

const startTime = (p: Pod): number => Date.parse(p.status?.startTime ?? p.metadata.creationTimestamp ?? "") || 0;

export class DefaultPreemption {
  readonly name = "DefaultPreemption";
  private readonly options: DefaultPreemptionOptions;

  constructor(options: DefaultPreemptionOptions) {
    this.options = options;
  }

  postFilter(ctx: CycleContext, pod: PodInfo, nodeToStatus: ReadonlyMap<string, Status>): PreemptionOutcome {
    const { priorityOf } = this.options;
    const priority = priorityOf(pod.pod);
    if (pod.pod.spec?.preemptionPolicy === "Never") return { message: "preemption: not eligible due to preemptionPolicy=Never." };
    const nominated = pod.pod.status?.nominatedNodeName;
    if (nominated) {
      const node = ctx.snapshot.get(nominated);
      if (node?.pods.some((p) => p.pod.metadata.deletionTimestamp && priorityOf(p.pod) < priority)) {
        return { message: "preemption: not eligible due to a terminating pod on the nominated node." };
      }
    }
    const all = ctx.snapshot.nodes();
    const potential = all.filter((n) => nodeToStatus.get(n.name)?.code === "Unschedulable");
    const statuses = new Map<string, Status>();
    const candidates: PreemptionCandidate[] = [];
    const wanted = Math.max(Math.floor((all.length * (this.options.minCandidateNodesPercentage ?? 10)) / 100), this.options.minCandidateNodesAbsolute ?? 100);
    for (const node of potential) {
      const r = this.selectVictims(ctx, pod, priority, node);
      if ("victims" in r) {
        candidates.push({ nodeName: node.name, victims: r.victims });
        if (candidates.length >= wanted) break;
      } else statuses.set(node.name, r.status);
    }
    if (candidates.length === 0) {
      for (const n of all) if (!statuses.has(n.name)) statuses.set(n.name, unresolvable(errReasonNotHelpful));
      return { message: `preemption: ${fitErrorMessage({ numAllNodes: all.length, nodeToStatus: statuses })}` };
    }
    return { candidate: this.pick(candidates), message: "" };
  }

  /** SelectVictimsOnNode. */
  private selectVictims(ctx: CycleContext, pod: PodInfo, priority: number, node: NodeInfo): { victims: PodInfo[] } | { status: Status } {
    const { priorityOf } = this.options;
    const lower = node.pods.filter((p) => priorityOf(p.pod) < priority);
    if (lower.length === 0) return { status: unresolvable(errReasonNoVictims) };
    const trial = node.clone();
    for (const v of lower) trial.removePod(v.key);
    const first = this.fits(ctx, pod, trial);
    if (!isSuccess(first)) return { status: first };
    // Most important first: higher priority, then the one that started earlier.
    const ordered = [...lower].sort((a, b) => priorityOf(b.pod) - priorityOf(a.pod) || startTime(a.pod) - startTime(b.pod));
    const victims: PodInfo[] = [];
    for (const p of ordered) {
      trial.addPod(p);
      if (!isSuccess(this.fits(ctx, pod, trial))) {
        trial.removePod(p.key);
        victims.push(p);
      }
    }
    return { victims };
  }

  private fits(ctx: CycleContext, pod: PodInfo, trial: NodeInfo): Status {
    const { framework } = this.options;
    const what: CycleContext = { state: ctx.state.clone(), snapshot: overlaySnapshot(ctx.snapshot, trial) };
    const pre = framework.runPreFilter(what, pod, (p) => p.preFilterUsesPods === true);
    if (!isSuccess(pre)) return pre;
    return framework.runFilter(what, pod, trial);
  }

  /** pickOneNodeForPreemption, without PodDisruptionBudgets. */
  private pick(candidates: PreemptionCandidate[]): PreemptionCandidate {
    const { priorityOf } = this.options;
    const offset = 2 ** 31; // upstream adds MaxInt32+1 so every priority counts positively in the sum
    const keyOf = (c: PreemptionCandidate) => ({
      highest: Math.max(...c.victims.map((v) => priorityOf(v.pod)), -Infinity),
      sum: c.victims.reduce((s, v) => s + priorityOf(v.pod) + offset, 0),
      count: c.victims.length,
    });
    let best = candidates[0];
    let bestKey = keyOf(best);
    for (const c of candidates.slice(1)) {
      const k = keyOf(c);
      if (k.highest < bestKey.highest || (k.highest === bestKey.highest && (k.sum < bestKey.sum || (k.sum === bestKey.sum && k.count < bestKey.count)))) {
        best = c;
        bestKey = k;
      }
    }
    return best;
  }
}
