// The public face of the kubelet: the node agent and what `k8ts server/agent/sim` wire.
export { startKubelet } from "./kubelet.js";
export type { KubeletOptions, RunningKubelet } from "./kubelet.js";
export { kubeletVersion, computeNodeStatus, pickPodCidr } from "./node/node-status.js";
export { readMachineInfo } from "./node/machine-info.js";
export type { MachineInfo } from "./node/machine-info.js";
export { computePodStatus } from "./pods/status.js";
export type { PodRuntimeState, PodWorkerView } from "./pods/status.js";
export { FakeRuntime } from "./runtime/index.js";
export type { ContainerRuntime } from "./runtime/index.js";
export { startNodeAgent } from "./node-agent.js";
export type { NodeAgentProcessOptions, RunningNodeAgent } from "./node-agent.js";
export { startKubeletServer, apiserverKubeletClientCN, defaultKubeletPort } from "./server/index.js";
export type { KubeletServerOptions, RunningKubeletServer } from "./server/index.js";
export { startSim, defaultSimBehaviour, parseDuration as parseSimDuration } from "./sim/index.js";
export type { SimOptions, SimStats, RunningSim, SimBehaviour } from "./sim/index.js";
