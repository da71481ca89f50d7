// The public face of the clusterrole-aggregation controller.
export { ClusterRoleAggregationController, aggregatedRules } from "./clusterrole-aggregation-controller.js";
export type { ClusterRoleAggregationControllerOptions } from "./clusterrole-aggregation-controller.js";
