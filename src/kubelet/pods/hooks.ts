import type { Clock } from "../../client/index.js";
import type { Container, LifecycleHandler } from "../../api/index.js";
import { execHandler, httpGetHandler, tcpHandler, type HandlerResult } from "../probes/index.js";
import type { ContainerRuntime } from "../runtime/index.js";

/** Runs a postStart or preStop handler (pkg/kubelet/lifecycle/handlers.go): exec, httpGet, sleep. */
export async function runLifecycleHandler(opts: {
  runtime: ContainerRuntime;
  clock: Clock;
  handler: LifecycleHandler;
  containerId: string;
  container: Container;
  podIP: string;
  timeoutSeconds: number;
}): Promise<HandlerResult> {
  const { handler } = opts;
  const timeout = Math.max(1, opts.timeoutSeconds);
  if (handler.exec) return execHandler(opts.runtime, opts.containerId, handler.exec, timeout);
  if (handler.httpGet) return httpGetHandler(handler.httpGet, opts.podIP, opts.container, timeout);
  if (handler.sleep) {
    await opts.clock.sleep(Math.min(handler.sleep.seconds, timeout) * 1000);
    return { result: "success", output: "" };
  }
  if (handler.tcpSocket) return tcpHandler(handler.tcpSocket, opts.podIP, opts.container, timeout);
  return { result: "failure", output: "a lifecycle handler must name an action" };
}
