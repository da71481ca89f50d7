// The public face of scheduling.k8s.io/v1.
import type { ResourceType } from "../../resource-type.js";
import { priorityClassesResource } from "./priorityclass.js";

export { priorityClassDefinitions as schedulingV1Definitions } from "./priorityclass-schema.js";
export { priorityClassesResource, validatePriorityClass, systemPriorityClasses, highestUserDefinablePriority } from "./priorityclass.js";
export type { PriorityClass } from "./priorityclass-types.js";

export const schedulingV1Resources: ResourceType[] = [priorityClassesResource];
