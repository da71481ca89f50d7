/** scheduling.k8s.io/v1 priorityclasses (pkg/registry/scheduling/priorityclass, pkg/apis/scheduling/validation). */
import { fieldError } from "../../../machinery/index.js";
import type { FieldError } from "../../../machinery/index.js";
import type { KubeObject } from "../../object.js";
import type { ResourceType, TableConvertor } from "../../resource-type.js";
import { ageColumn, nameColumn, translateTimestampSince } from "../../table-helpers.js";
import { validateNameRule } from "../../_name-rule.js";
import { n } from "./_names.js";
import { priorityClassDefinitions } from "./priorityclass-schema.js";
import type { PriorityClass } from "./priorityclass-types.js";

const asPriorityClass = (obj: KubeObject): PriorityClass => obj as PriorityClass;

/** The classes every cluster has (scheduling.SystemPriorityClasses), created when the API server starts. */
export const systemPriorityClasses: readonly PriorityClass[] = [
  { apiVersion: "scheduling.k8s.io/v1", kind: "PriorityClass", metadata: { name: "system-node-critical" }, value: 2_000_001_000, description: "Used for system critical pods that must not be moved from their current node." },
  { apiVersion: "scheduling.k8s.io/v1", kind: "PriorityClass", metadata: { name: "system-cluster-critical" }, value: 2_000_000_000, description: "Used for system critical pods that must run in the cluster, but can be moved to another node if necessary." },
];

const systemPriorityClassPrefix = "system-";
/** HighestUserDefinablePriority: classes without the system- prefix stay at or below one billion. */
export const highestUserDefinablePriority = 1_000_000_000;
const preemptionPolicies = ["Never", "PreemptLowerPriority"];

export function defaultPriorityClass(pc: PriorityClass): void {
  pc.preemptionPolicy ??= "PreemptLowerPriority";
}

function knownSystemClassError(pc: PriorityClass): string | undefined {
  const known = systemPriorityClasses.find((s) => s.metadata.name === pc.metadata.name);
  if (!known) return `${pc.metadata.name} is not a known system priority class`;
  if (known.value !== pc.value) return `value of ${known.metadata.name} PriorityClass must be ${known.value}`;
  if (Boolean(known.globalDefault) !== Boolean(pc.globalDefault)) return `globalDefault of ${known.metadata.name} PriorityClass must be ${Boolean(known.globalDefault)}`;
  return undefined;
}

export function validatePriorityClass(pc: PriorityClass, old: PriorityClass | undefined): FieldError[] {
  const errs = validateNameRule(pc);
  if (old) {
    if (pc.value !== old.value) errs.push(fieldError.forbidden("value", "may not be changed in an update."));
    if (pc.preemptionPolicy !== old.preemptionPolicy) errs.push(fieldError.invalid("preemptionPolicy", pc.preemptionPolicy ?? "", "field is immutable"));
    return errs;
  }
  if (typeof pc.value !== "number") errs.push(fieldError.required("value"));
  if ((pc.metadata.name ?? "").startsWith(systemPriorityClassPrefix)) {
    const why = knownSystemClassError(pc);
    if (why) errs.push(fieldError.forbidden("metadata.name", `priority class names with '${systemPriorityClassPrefix}' prefix are reserved for system use only. error: ${why}`));
  } else if (pc.value > highestUserDefinablePriority) {
    errs.push(fieldError.forbidden("value", `maximum allowed value of a user defined priority is ${highestUserDefinablePriority}`));
  }
  if (pc.preemptionPolicy !== undefined && !preemptionPolicies.includes(pc.preemptionPolicy)) errs.push(fieldError.notSupported("preemptionPolicy", pc.preemptionPolicy, preemptionPolicies));
  return errs;
}

/** printPriorityClass: NAME VALUE GLOBAL-DEFAULT AGE PREEMPTIONPOLICY. */
export const priorityClassTable: TableConvertor = {
  columns: [
    nameColumn,
    { name: "Value", type: "integer", description: "value represents the integer value of this priority class. This is the actual priority that pods receive when they have the name of this class in their pod spec.", priority: 0 },
    { name: "Global-Default", type: "boolean", description: "globalDefault specifies whether this PriorityClass should be considered as the default priority for pods that do not have any priority class. Only one PriorityClass can be marked as `globalDefault`. However, if more than one PriorityClasses exists with their `globalDefault` field set to true, the smallest value of such global default PriorityClasses will be used as the default priority.", priority: 0 },
    ageColumn,
    { name: "PreemptionPolicy", type: "string", description: "preemptionPolicy is the Policy for preempting pods with lower priority. One of Never, PreemptLowerPriority. Defaults to PreemptLowerPriority if unset.", priority: 0 },
  ],
  cells(obj, now) {
    const pc = asPriorityClass(obj);
    return [pc.metadata.name, pc.value, Boolean(pc.globalDefault), translateTimestampSince(pc.metadata.creationTimestamp, now), pc.preemptionPolicy ?? ""];
  },
};

export const priorityClassesResource: ResourceType = {
  group: "scheduling.k8s.io",
  version: "v1",
  kind: "PriorityClass",
  plural: "priorityclasses",
  singular: "priorityclass",
  namespaced: false,
  shortNames: ["pc"],
  definition: n.PriorityClass,
  definitions: priorityClassDefinitions,
  strategy: {
    defaults: (obj) => defaultPriorityClass(asPriorityClass(obj)),
    validate: (obj, old) => validatePriorityClass(asPriorityClass(obj), old && asPriorityClass(old)),
    table: priorityClassTable,
  },
};
