// The controller manager: wires every control loop onto one Client (cmd wires; each
// controller is its own component under src/controllers/).
import type { Client, Clock } from "../client/index.js";
import { GarbageCollector } from "../controllers/garbagecollector/index.js";
import { NamespaceController } from "../controllers/namespace/index.js";

export interface StartControllersOptions {
  client: Client;
  /** Stops every controller. */
  signal: AbortSignal;
  clock?: Clock;
  /** Told about each failed pass or list/watch failure, by controller name; the work is retried. */
  onError?: (controller: string, key: string, err: unknown) => void;
}

/**
 * Starts the controllers of `k8ts server` (kube-controller-manager's role) on one
 * Client. Resolves once `signal` has aborted and every controller has stopped; a
 * controller that fails unexpectedly is reported through `onError` and the others go on.
 *
 *   const stopped = startControllers({ client, signal });
 *   ...; abort(); await stopped;
 */
export async function startControllers(options: StartControllersOptions): Promise<void> {
  const { client, signal, clock } = options;
  const report = (controller: string) => (key: string, err: unknown) => options.onError?.(controller, key, err);
  const controllers: Array<{ name: string; start(signal: AbortSignal): Promise<void> }> = [
    { name: "namespace", start: (s) => new NamespaceController({ client, clock, onError: report("namespace") }).start(s) },
    { name: "garbagecollector", start: (s) => new GarbageCollector({ client, clock, onError: report("garbagecollector") }).start(s) },
  ];
  await Promise.all(
    controllers.map(async (c) => {
      try {
        await c.start(signal);
      } catch (err) {
        report(c.name)("", err);
      }
    }),
  );
}

