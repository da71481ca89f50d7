// The public face of policy/v1: PodDisruptionBudget, and the Eviction kind of pods/eviction.
import type { ResourceType } from "../../resource-type.js";
import { podDisruptionBudgetsResource } from "./pdb.js";

export { pdbDefinitions as policyV1Definitions } from "./pdb-schema.js";
export { evictionDefinitions } from "./eviction-schema.js";
export { podDisruptionBudgetsResource, validatePodDisruptionBudget } from "./pdb.js";
export type { PodDisruptionBudget, PodDisruptionBudgetSpec, PodDisruptionBudgetStatus } from "./pdb-types.js";
export type { Eviction } from "./eviction-types.js";

export const policyV1Resources: ResourceType[] = [podDisruptionBudgetsResource];
