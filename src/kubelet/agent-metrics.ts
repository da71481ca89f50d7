import { Registry } from "prom-client";
import { kubeletRegistry, kubeletMetrics } from "./metrics.js";
import { ContainerState, PodSandboxState, type ContainerRuntime } from "./runtime/index.js";

/**
 * The agent's /metrics: the kubelet's registry (running pods and containers counted from
 * the runtime at scrape time) merged with what the caller adds (the service proxy's,
 * process_* and nodejs_*).
 */
export function agentMetrics(runtime: ContainerRuntime, extra: Registry[] = []): () => Promise<{ contentType: string; text: string }> {
  const merged = Registry.merge([kubeletRegistry, ...extra]);
  return async () => {
    try {
      const [sandboxes, containers] = await Promise.all([
        runtime.listPodSandbox({ filter: { state: { state: PodSandboxState.SANDBOX_READY } } }),
        runtime.listContainers({}),
      ]);
      kubeletMetrics.runningPods.set(sandboxes.items.length);
      const byState = { running: 0, exited: 0, created: 0, unknown: 0 };
      for (const c of containers.containers) {
        if (c.state === ContainerState.CONTAINER_RUNNING) byState.running++;
        else if (c.state === ContainerState.CONTAINER_EXITED) byState.exited++;
        else if (c.state === ContainerState.CONTAINER_CREATED) byState.created++;
        else byState.unknown++;
      }
      for (const [state, n] of Object.entries(byState)) kubeletMetrics.runningContainers.set({ container_state: state }, n);
    } catch {
      // The runtime is away: the last figures stay.
    }
    return { contentType: merged.contentType, text: await merged.metrics() };
  };
}
