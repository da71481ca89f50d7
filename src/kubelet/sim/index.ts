// `k8ts sim`: simulated nodes on the node agent's own node and pod-status code.
export { startSim, slimPod, podCidrOf, hostIPOf } from "./sim.js";
export type { SimOptions, SimStats, RunningSim } from "./sim.js";
export { podStage, behaviourOf, parseDuration, defaultSimBehaviour, startupDelayAnnotation, runDurationAnnotation, exitCodeAnnotation } from "./pod-stages.js";
export type { SimBehaviour, PodStage } from "./pod-stages.js";
