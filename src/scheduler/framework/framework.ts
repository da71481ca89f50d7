import { CycleState } from "./cycle-state.js";
import type { NodeInfo } from "./node-info.js";
import type { PodInfo } from "./pod-info.js";
import type { ClusterEvent, CycleContext, NodeScore, Plugin } from "./plugin.js";
import type { Snapshot } from "./snapshot.js";
import { success, withPlugin, type Status } from "./status.js";

export interface ProfilePlugin {
  plugin: Plugin;
  /** Score weight; upstream's defaults are in plugins/registry.ts. */
  weight?: number;
}

/** Thrown when a plugin reports an internal Error: the pod is retried with back-off. */
export class SchedulerError extends Error {}

/**
 * Runs a profile's plugins at each extension point (frameworkImpl). Filter stops at the
 * first plugin that rejects a node, as upstream, so each node's status names one plugin.
 */
export class Framework {
  readonly plugins: readonly Plugin[];
  private readonly weights = new Map<string, number>();

  constructor(profile: readonly ProfilePlugin[]) {
    this.plugins = profile.map((p) => p.plugin);
    for (const p of profile) this.weights.set(p.plugin.name, p.weight ?? 1);
  }

  newCycle(snapshot: Snapshot): CycleContext {
    return { state: new CycleState(), snapshot };
  }

  /** Success, or the first rejection (its `plugin` set). `only` limits which plugins run. */
  runPreFilter(ctx: CycleContext, pod: PodInfo, only?: (p: Plugin) => boolean): Status {
    for (const p of this.plugins) {
      if (!p.preFilter || (only && !only(p))) continue;
      const s = p.preFilter(ctx, pod);
      if (s.code === "Skip") {
        ctx.state.skipFilter.add(p.name);
        continue;
      }
      ctx.state.skipFilter.delete(p.name);
      if (s.code === "Error") throw new SchedulerError(`running PreFilter plugin "${p.name}": ${s.reasons.join(", ")}`);
      if (s.code !== "Success") return withPlugin(s, p.name);
    }
    return success;
  }

  runFilter(ctx: CycleContext, pod: PodInfo, node: NodeInfo): Status {
    for (const p of this.plugins) {
      if (!p.filter || ctx.state.skipFilter.has(p.name)) continue;
      const s = p.filter(ctx, pod, node);
      if (s.code === "Success") continue;
      if (s.code === "Error") throw new SchedulerError(`running "${p.name}" filter plugin: ${s.reasons.join(", ")}`);
      return withPlugin(s, p.name);
    }
    return success;
  }

  /** PreScore, Score and NormalizeScore of every plugin; the weighted sum per node. */
  runScore(ctx: CycleContext, pod: PodInfo, nodes: readonly NodeInfo[]): NodeScore[] {
    const totals = nodes.map((n) => ({ name: n.name, score: 0 }));
    for (const p of this.plugins) {
      if (!p.preScore) continue;
      const s = p.preScore(ctx, pod, nodes);
      if (s.code === "Skip") ctx.state.skipScore.add(p.name);
      else if (s.code !== "Success") throw new SchedulerError(`running PreScore plugin "${p.name}": ${s.reasons.join(", ")}`);
    }
    for (const p of this.plugins) {
      if (!p.score || ctx.state.skipScore.has(p.name)) continue;
      const scores = nodes.map((n) => ({ name: n.name, score: p.score!(ctx, pod, n) }));
      p.normalizeScore?.(ctx, pod, scores);
      const weight = this.weights.get(p.name) ?? 1;
      for (let i = 0; i < scores.length; i++) totals[i].score += scores[i].score * weight;
    }
    return totals;
  }

  /** Names of the plugins that registered `event`. */
  pluginsFor(event: ClusterEvent): Set<string> {
    return new Set(this.plugins.filter((p) => p.events?.includes(event)).map((p) => p.name));
  }
}
