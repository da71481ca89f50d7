// `k8ts server --control-loops-thread`: the scheduler and the controller manager in a
// worker thread of the server process, so they run on a second core beside the API
// server's thread. They reach the API through a MessagePort (client/port-transport.ts):
// the same handler and semantics as the in-process transport, each component as its own
// user, no HTTP or TLS. What only the main thread has — the service-account signing key,
// the log — is asked for over the worker's parent port.
import { MessageChannel, Worker } from "node:worker_threads";
import type { RestHandler, WatchEventBody } from "../api/index.js";
import { servePortRequests } from "../client/index.js";
import type { LegacyTokenClaims } from "../controllers/serviceaccount/index.js";
import type { LeaderElectionTimings } from "./leader.js";

/** What the worker is started with (workerData, structured-cloned). */
export interface ControlLoopsSettings {
  leaderElect: boolean;
  identity: string;
  leaderElection?: Partial<LeaderElectionTimings>;
  nodeMonitorGracePeriodMs?: number;
  terminatedPodGCThreshold?: number;
  localStoragePath?: string;
  clusterCidr?: string;
  /** The cluster CA (PEM) for token Secrets and kube-root-ca.crt. */
  rootCA: string;
}

/** Worker → main over the parent port. */
export type FromControlLoops =
  | { t: "log"; line: string }
  | { t: "sign"; id: number; claims: LegacyTokenClaims }
  | { t: "metrics"; id: number; text: string }
  | { t: "stopped" };

/** Main → worker over the parent port. */
export type ToControlLoops = { t: "signed"; id: number; token?: string; error?: string } | { t: "metrics"; id: number } | { t: "stop" };

export interface ControlLoopsThread {
  /** The worker's /metrics text (scheduler and work queues), for the API server's /metrics. */
  metrics(): Promise<string>;
  /** Stops the control loops and then the thread; resolves once it has exited. */
  stop(): Promise<void>;
}

export function startControlLoopsThread(options: {
  handler: RestHandler;
  settings: ControlLoopsSettings;
  signToken: (claims: LegacyTokenClaims) => Promise<string>;
  watchLine: (event: WatchEventBody) => string;
  log: (line: string) => void;
}): ControlLoopsThread {
  const { port1, port2 } = new MessageChannel();
  const stopServing = servePortRequests(port1, options.handler, { watchLine: options.watchLine });
  const worker = new Worker(new URL("./control-loops-worker.js", import.meta.url), { workerData: { settings: options.settings, api: port2 }, transferList: [port2] });
  // The server's listener is what keeps the process up; the thread and its port never do on their own.
  worker.unref();
  port1.unref();
  const metricsWaiting = new Map<number, (text: string) => void>();
  let hasExited = false;
  const exited = new Promise<void>((resolve) =>
    worker.once("exit", () => {
      hasExited = true;
      // A thread that has exited never answers.
      for (const answer of metricsWaiting.values()) answer("");
      metricsWaiting.clear();
      resolve();
    }),
  );
  let stopped: () => void = () => undefined;
  const stoppedLoops = new Promise<void>((resolve) => (stopped = resolve));
  void exited.then(() => stopped());
  let nextMetricsId = 1;
  const post = (msg: ToControlLoops) => worker.postMessage(msg);

  worker.on("message", (msg: FromControlLoops) => {
    switch (msg.t) {
      case "log":
        options.log(msg.line);
        return;
      case "sign":
        options.signToken(msg.claims).then(
          (token) => post({ t: "signed", id: msg.id, token }),
          (err: unknown) => post({ t: "signed", id: msg.id, error: err instanceof Error ? err.message : String(err) }),
        );
        return;
      case "metrics":
        metricsWaiting.get(msg.id)?.(msg.text);
        metricsWaiting.delete(msg.id);
        return;
      case "stopped":
        stopped();
        return;
    }
  });
  worker.on("error", (err) => options.log(`control loops thread: ${err.message}`));

  let stopping: Promise<void> | undefined;
  return {
    metrics: () => {
      if (hasExited) return Promise.resolve("");
      const id = nextMetricsId++;
      return new Promise<string>((resolve) => {
        metricsWaiting.set(id, resolve);
        post({ t: "metrics", id });
      });
    },
    stop: () => {
      stopping ??= (async () => {
        post({ t: "stop" });
        await stoppedLoops;
        stopServing();
        await worker.terminate();
        await exited;
        port1.close();
      })();
      return stopping;
    },
  };
}
