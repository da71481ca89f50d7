/**
 * policy/v1 poddisruptionbudgets: ValidatePodDisruptionBudget* (main rules) and
 * printPodDisruptionBudget (NAME MIN AVAILABLE MAX UNAVAILABLE ALLOWED DISRUPTIONS AGE).
 */
import { fieldError } from "../../../machinery/index.js";
import type { FieldError } from "../../../machinery/index.js";
import type { KubeObject } from "../../object.js";
import type { ResourceType, TableConvertor, WriteContext } from "../../resource-type.js";
import { ageColumn, nameColumn, translateTimestampSince } from "../../table-helpers.js";
import { validateNameRule } from "../../_name-rule.js";
import { intOrPercent, nonNegative, notMoreThan100Percent } from "../../_workload.js";
import { n } from "./_names.js";
import { evictionDefinitions } from "./eviction-schema.js";
import { pdbDefinitions } from "./pdb-schema.js";
import type { PodDisruptionBudget } from "./pdb-types.js";

const asPdb = (obj: KubeObject): PodDisruptionBudget => obj as PodDisruptionBudget;
const unhealthyPodEvictionPolicies = ["AlwaysAllow", "IfHealthyBudget"];

export function validatePodDisruptionBudget(pdb: PodDisruptionBudget, _old: PodDisruptionBudget | undefined, ctx: WriteContext): FieldError[] {
  const errs = validateNameRule(pdb);
  const spec = pdb.spec ?? {};
  if (ctx.subresource === "status") {
    const s = pdb.status;
    if (s) for (const f of ["disruptionsAllowed", "currentHealthy", "desiredHealthy", "expectedPods"] as const) errs.push(...nonNegative(`status.${f}`, s[f]));
    return errs;
  }
  if (spec.minAvailable !== undefined && spec.maxUnavailable !== undefined) {
    errs.push(fieldError.invalid("spec", spec, "minAvailable and maxUnavailable cannot be both set"));
  }
  errs.push(...intOrPercent("spec.minAvailable", spec.minAvailable), ...notMoreThan100Percent("spec.minAvailable", spec.minAvailable));
  errs.push(...intOrPercent("spec.maxUnavailable", spec.maxUnavailable), ...notMoreThan100Percent("spec.maxUnavailable", spec.maxUnavailable));
  if (spec.unhealthyPodEvictionPolicy !== undefined && !unhealthyPodEvictionPolicies.includes(spec.unhealthyPodEvictionPolicy)) {
    errs.push(fieldError.notSupported("spec.unhealthyPodEvictionPolicy", spec.unhealthyPodEvictionPolicy, unhealthyPodEvictionPolicies));
  }
  return errs;
}

export const pdbTable: TableConvertor = {
  columns: [
    nameColumn,
    { name: "Min Available", type: "string", description: "An eviction is allowed if at least \"minAvailable\" pods selected by \"selector\" will still be available after the eviction, i.e. even in the absence of the evicted pod.  So for example you can prevent all voluntary evictions by specifying \"100%\".", priority: 0 },
    { name: "Max Unavailable", type: "string", description: "An eviction is allowed if at most \"maxUnavailable\" pods selected by \"selector\" are unavailable after the eviction, i.e. even in absence of the evicted pod. For example, one can prevent all voluntary evictions by specifying 0. This is a mutually exclusive setting with \"minAvailable\".", priority: 0 },
    { name: "Allowed Disruptions", type: "integer", description: "Number of pod disruptions that are currently allowed.", priority: 0 },
    ageColumn,
  ],
  cells(obj, now) {
    const pdb = asPdb(obj);
    const text = (v: number | string | undefined): string => (v === undefined ? "N/A" : String(v));
    return [pdb.metadata.name, text(pdb.spec?.minAvailable), text(pdb.spec?.maxUnavailable), pdb.status?.disruptionsAllowed ?? 0, translateTimestampSince(pdb.metadata.creationTimestamp, now)];
  },
};

export const podDisruptionBudgetsResource: ResourceType = {
  group: "policy",
  version: "v1",
  kind: "PodDisruptionBudget",
  plural: "poddisruptionbudgets",
  singular: "poddisruptionbudget",
  namespaced: true,
  shortNames: ["pdb"],
  definition: n.PodDisruptionBudget,
  definitions: { ...pdbDefinitions, ...evictionDefinitions },
  subresources: { status: true },
  strategy: {
    validate: (obj, old, ctx) => validatePodDisruptionBudget(asPdb(obj), old && asPdb(old), ctx),
    table: pdbTable,
    tracksGeneration: true,
  },
};
