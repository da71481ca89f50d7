import { maxNodeScore, type NodeScore } from "./plugin.js";

/**
 * helper.DefaultNormalizeScore: scale scores so the highest becomes `max`; with `reverse`,
 * the highest becomes 0 and 0 becomes `max`. All-zero scores become `max` when reversed.
 */
export function defaultNormalizeScore(scores: NodeScore[], reverse: boolean, max = maxNodeScore): void {
  let highest = 0;
  for (const s of scores) highest = Math.max(highest, s.score);
  if (highest === 0) {
    if (reverse) for (const s of scores) s.score = max;
    return;
  }
  for (const s of scores) {
    const v = Math.trunc((max * s.score) / highest);
    s.score = reverse ? max - v : v;
  }
}
