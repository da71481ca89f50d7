// A stand-in for the scheduler in control-loop tests: binds every unscheduled pod to the
// node its required node affinity names by metadata.name (daemon pods), or else to the
// next of `nodes` in turn. Nothing else of the scheduler (fit, taints) is imitated.
import type { Pod } from "../../src/api/index.js";
import { Informer, resources, type Client } from "../../src/client/index.js";

export interface PodBinder {
  close(): Promise<void>;
}

function affinityNode(pod: Pod): string | undefined {
  for (const term of pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? []) {
    for (const f of term.matchFields ?? []) if (f.key === "metadata.name" && f.operator === "In" && f.values?.length === 1) return f.values[0];
  }
  return undefined;
}

export async function startPodBinder(options: { client: Client; nodes?: () => string[] }): Promise<PodBinder> {
  const { client } = options;
  const stop = new AbortController();
  const informer = new Informer({ client, resource: resources.pods }) as unknown as Informer<Pod>;
  let turn = 0;
  const tried = new Set<string>();
  const onPod = (pod: Pod): void => {
    if (pod.spec?.nodeName || pod.metadata.deletionTimestamp || stop.signal.aborted) return;
    const uid = pod.metadata.uid ?? "";
    if (tried.has(uid)) return;
    let node = affinityNode(pod);
    if (!node) {
      const all = options.nodes?.() ?? [];
      if (all.length === 0) return;
      node = all[turn++ % all.length];
    }
    tried.add(uid);
    const binding = { apiVersion: "v1", kind: "Binding", metadata: { name: pod.metadata.name }, target: { kind: "Node", name: node } };
    void client.createSubresource(resources.pods, pod.metadata.name ?? "", binding, { namespace: pod.metadata.namespace, subresource: "binding" }).catch(() => undefined);
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
