// The public face of the garbage collector.
export { GarbageCollector } from "./garbage-collector.js";
export type { GarbageCollectorOptions } from "./garbage-collector.js";
export { ObjectGraph, resourceKey } from "./graph.js";
export type { GraphNode } from "./graph.js";
export { decideDependent, ownerState, referenceTo, hasFinalizer, orphanFinalizer, foregroundFinalizer } from "./owners.js";
export type { DependentAction, OwnerState } from "./owners.js";
