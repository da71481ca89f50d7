// A stand-in for the scheduler in control-loop tests: binds every unscheduled pod to the
// node its required node affinity names by metadata.name (daemon pods), or else to the
// next of `nodes` in turn. Nothing else of the scheduler (fit, taints) is imitated.
//
// With `runOn: clock` it is also the kubelet, on that clock: a bound pod turns Running
// and Ready with lastTransitionTime from the clock (so minReadySeconds can be tested with
// a FakeClock), and a pod being deleted is removed at once.
import type { Pod } from "../../src/api/index.js";
import { Informer, resources, type Client, type Clock } from "../../src/client/index.js";

export interface PodBinder {
  close(): Promise<void>;
}

function affinityNode(pod: Pod): string | undefined {
  for (const term of pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? []) {
    for (const f of term.matchFields ?? []) if (f.key === "metadata.name" && f.operator === "In" && f.values?.length === 1) return f.values[0];
  }
  return undefined;
}

export async function startPodBinder(options: { client: Client; nodes?: () => string[]; runOn?: Clock }): Promise<PodBinder> {
  const { client, runOn } = options;
  const stop = new AbortController();
  const informer = new Informer({ client, resource: resources.pods }) as unknown as Informer<Pod>;
  let turn = 0;
  const tried = new Set<string>();
  const ran = new Set<string>();
  const onPod = (pod: Pod): void => {
    if (stop.signal.aborted) return;
    const uid = pod.metadata.uid ?? "";
    const namespace = pod.metadata.namespace;
    const name = pod.metadata.name ?? "";
    if (runOn && pod.metadata.deletionTimestamp) {
      void client.delete(resources.pods, name, { namespace, gracePeriodSeconds: 0 }).catch(() => undefined);
      return;
    }
    if (pod.spec?.nodeName || pod.metadata.deletionTimestamp) {
      if (runOn && pod.spec?.nodeName && !ran.has(uid) && pod.status?.phase === "Pending") {
        ran.add(uid);
        const at = new Date(runOn.now()).toISOString().replace(/\.\d{3}Z$/, "Z");
        const conditions = ["PodScheduled", "Initialized", "ContainersReady", "Ready"].map((type) => ({ type, status: "True", lastTransitionTime: at }));
        void client.patch(resources.pods, name, { status: { phase: "Running", startTime: at, conditions } }, { namespace, type: "merge", subresource: "status" }).catch(() => ran.delete(uid));
      }
      return;
    }
    if (tried.has(uid)) return;
    let node = affinityNode(pod);
    if (!node) {
      const all = options.nodes?.() ?? [];
      if (all.length === 0) return;
      node = all[turn++ % all.length];
    }
    tried.add(uid);
    const binding = { apiVersion: "v1", kind: "Binding", metadata: { name }, target: { kind: "Node", name: node } };
    void client.createSubresource(resources.pods, name, binding, { namespace, subresource: "binding" }).catch(() => undefined);
  };
  informer.addHandler({ add: onPod, update: (_, p) => onPod(p) });
  const done = informer.start(stop.signal);
  await informer.waitForSync(stop.signal);
  return {
    async close() {
      stop.abort();
      await done.catch(() => undefined);
    },
  };
}
