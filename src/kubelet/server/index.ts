// The kubelet's HTTPS server: container logs, exec, attach and port-forward.
export { startKubeletServer, apiserverKubeletClientCN, defaultKubeletPort, containerIdForLogs } from "./kubelet-server.js";
export type { KubeletServerOptions, RunningKubeletServer } from "./kubelet-server.js";
export { readContainerLog, parseCriLogLine } from "./container-log.js";
export type { ContainerLogOptions, CriLogEntry } from "./container-log.js";
