// Container probes and lifecycle-hook handlers (exec, httpGet, tcpSocket, grpc).
export { Prober, probeTiming } from "./prober.js";
export type { ProbeType, ProbeTarget, ProberOptions } from "./prober.js";
export { execHandler, httpGetHandler, tcpHandler, grpcHandler, resolvePort, probeUserAgent } from "./handlers.js";
export type { HandlerResult } from "./handlers.js";
