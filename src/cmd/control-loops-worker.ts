// The worker thread of `k8ts server --control-loops-thread` (control-loops-thread.ts):
// the controller manager and the scheduler, each leader-elected as in the main thread,
// over the MessagePort transport.
import { parentPort, workerData, type MessagePort } from "node:worker_threads";
import { Registry } from "prom-client";
import type { UserInfo } from "../api/index.js";
import { Client, PortChannel, portTransport, workqueueRegistry } from "../client/index.js";
import type { LegacyTokenClaims } from "../controllers/serviceaccount/index.js";
import { schedulerRegistry, startScheduler } from "../scheduler/index.js";
import type { ControlLoopsSettings, FromControlLoops, ToControlLoops } from "./control-loops-thread.js";
import { startControllers } from "./controllers.js";
import { componentUsers, serviceAccountUser, userAgentOf } from "./identities.js";
import { runLeaderElected } from "./leader.js";

const parent = parentPort!;
const stop = new AbortController();
const { settings, api } = workerData as { settings: ControlLoopsSettings; api: MessagePort };
const channel = new PortChannel(api);
const post = (msg: FromControlLoops) => parent.postMessage(msg);
const log = (line: string) => post({ t: "log", line });
// Stopping aborts the requests in flight; those are not failures worth a line each.
const stopping = (err: unknown) => stop.signal.aborted && err instanceof Error && err.name === "AbortError";

// The loopback identity, as the main thread's in-process client (leader election Leases).
const client = new Client({ transport: portTransport(channel) });
const clientAs = (user: UserInfo) => new Client({ transport: portTransport(channel, { user, userAgent: userAgentOf(user) }) });

const signing = new Map<number, { resolve: (token: string) => void; reject: (err: Error) => void }>();
let nextSignId = 1;
const signToken = (claims: LegacyTokenClaims) =>
  new Promise<string>((resolve, reject) => {
    const id = nextSignId++;
    signing.set(id, { resolve, reject });
    post({ t: "sign", id, claims });
  });

const metrics = Registry.merge([schedulerRegistry, workqueueRegistry]);
parent.on("message", (msg: ToControlLoops) => {
  switch (msg.t) {
    case "signed": {
      const waiting = signing.get(msg.id);
      signing.delete(msg.id);
      if (msg.token !== undefined) waiting?.resolve(msg.token);
      else waiting?.reject(new Error(msg.error ?? "signing failed"));
      return;
    }
    case "metrics":
      void metrics.metrics().then((text) => post({ t: "metrics", id: msg.id, text }));
      return;
    case "stop":
      stop.abort();
      return;
  }
});

const elected = (lease: string, run: (signal: AbortSignal) => Promise<void>): Promise<void> =>
  settings.leaderElect ? runLeaderElected({ client, lease, identity: settings.identity, timings: settings.leaderElection, signal: stop.signal, log, run }) : run(stop.signal);

const controllersDone = elected("kube-controller-manager", (signal) =>
  startControllers({
    client: clientAs(componentUsers.controllerManager),
    clientFor: (account) => clientAs(serviceAccountUser("kube-system", account)),
    signal,
    nodeMonitorGracePeriodMs: settings.nodeMonitorGracePeriodMs,
    terminatedPodGCThreshold: settings.terminatedPodGCThreshold,
    serviceAccountTokens: { rootCA: settings.rootCA, signToken },
    localStoragePath: settings.localStoragePath,
    clusterCidr: settings.clusterCidr,
    onError: (controller, key, err) => {
      if (!stopping(err)) log(`controller ${controller}: ${key}: ${err instanceof Error ? err.message : String(err)}`);
    },
  }),
).catch((err: unknown) => log(`controller manager stopped: ${err instanceof Error ? err.message : String(err)}`));
const schedulerDone = elected("kube-scheduler", (signal) =>
  startScheduler({
    client: clientAs(componentUsers.scheduler),
    signal,
    onError: (key, err) => {
      if (!stopping(err)) log(`scheduler: ${key}: ${err instanceof Error ? err.message : String(err)}`);
    },
  }),
).catch((err: unknown) => log(`scheduler stopped: ${err instanceof Error ? err.message : String(err)}`));

await Promise.all([controllersDone, schedulerDone]);
post({ t: "stopped" });
