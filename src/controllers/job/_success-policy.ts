// spec.successPolicy of Indexed jobs (pkg/controller/job/success_policy.go).
import type { JobSpec } from "../../api/index.js";
import { parseIndexes } from "./_indexes.js";

/** matchSuccessPolicy: "Matched rules at index N" for the first rule the succeeded indexes satisfy. */
export function matchSuccessPolicy(policy: NonNullable<JobSpec["successPolicy"]>, completions: number, succeeded: Set<number>): string | undefined {
  for (const [i, rule] of policy.rules.entries()) {
    if (rule.succeededIndexes !== undefined) {
      const wanted = parseIndexes(rule.succeededIndexes, completions);
      const done = wanted.filter((ix) => succeeded.has(ix)).length;
      const need = rule.succeededCount ?? wanted.length;
      if (wanted.length > 0 && done >= need) return `Matched rules at index ${i}`;
    } else if (rule.succeededCount !== undefined && succeeded.size >= rule.succeededCount) {
      return `Matched rules at index ${i}`;
    }
  }
  return undefined;
}
