// Helpers for the ReplicaSet and Deployment controller tests: a stand-in scheduler that
// binds pods round-robin, a transport that can hold back pod watch events or refuse pod
// creates, and polling.
import assert from "node:assert/strict";
import type { KubeObject, Pod, RestRequest, RestResponse, WatchEventBody } from "../../src/api/index.js";
import { Client, Informer, inProcessTransport, resource, resources, type Transport } from "../../src/client/index.js";
import type { TestApiServer } from "../harness/index.js";

export async function eventually(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) assert.fail(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export const container = [{ name: "c", image: "busybox:1" }];

/**
 * Binds every pending, unbound pod to one of `nodes` in turn through pods/binding, as a
 * scheduler would (the real one is written concurrently). `pause()` stops binding.
 */
export async function startBinder(client: Client, nodes: string[], options: { skip?: (pod: Pod) => boolean } = {}): Promise<{ paused: boolean; close(): Promise<void> }> {
  const stop = new AbortController();
  const pods = new Informer<Pod>({ client, resource: resource<Pod>("", "v1", "pods", "Pod", true) });
  let next = 0;
  const state = {
    paused: false,
    async close() {
      stop.abort();
      await done.catch(() => undefined);
    },
  };
  const bind = (pod: Pod): void => {
    if (state.paused || stop.signal.aborted || pod.spec?.nodeName || pod.metadata.deletionTimestamp || options.skip?.(pod)) return;
    const node = nodes[next++ % nodes.length];
    const binding = { apiVersion: "v1", kind: "Binding", metadata: { name: pod.metadata.name, namespace: pod.metadata.namespace }, target: { apiVersion: "v1", kind: "Node", name: node } };
    void client.createSubresource(resources.pods, pod.metadata.name ?? "", binding, { namespace: pod.metadata.namespace, subresource: "binding" }).catch(() => undefined);
  };
  pods.addHandler({ add: bind, update: (_, p) => bind(p) });
  const done = pods.start(stop.signal);
  await pods.waitForSync(stop.signal);
  return state;
}

/**
 * A Client whose pod watch events can be held back (a slow cache) and whose pod creates
 * can be refused, over the test server's in-process handler.
 */
export function gatedClient(server: TestApiServer): { client: Client; holdPodEvents(hold: boolean): void; refusePodCreates(status?: number): void; podCreates(): number } {
  const inner = inProcessTransport(server.handler);
  let held = false;
  const waiters = new Set<() => void>();
  let refuse = 0;
  let creates = 0;
  const gate = async (): Promise<void> => {
    while (held) await new Promise<void>((r) => waiters.add(r));
  };
  const isPods = (req: RestRequest) => /\/pods$/.test(req.path);
  const transport: Transport = async (req) => {
    if (req.method === "POST" && isPods(req)) {
      creates++;
      if (refuse) {
        return {
          status: refuse,
          body: { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: `pods is forbidden: exceeded quota: test`, reason: "Forbidden", code: refuse },
        } satisfies RestResponse;
      }
    }
    const res = await inner(req);
    if (req.method === "GET" && req.query?.watch === "true" && isPods(req) && res.watch) {
      const events = res.watch;
      res.watch = {
        async *[Symbol.asyncIterator](): AsyncGenerator<WatchEventBody> {
          for await (const ev of events) {
            await gate();
            yield ev;
          }
        },
      };
    }
    return res;
  };
  return {
    client: new Client({ transport }),
    holdPodEvents(hold) {
      held = hold;
      if (!hold) for (const w of [...waiters]) (waiters.delete(w), w());
    },
    refusePodCreates(status = 0) {
      refuse = status;
    },
    podCreates: () => creates,
  };
}

export async function listPods(client: Client, namespace: string, labelSelector?: string): Promise<Pod[]> {
  return (await client.list(resources.pods, { namespace, labelSelector })).items as Pod[];
}

export function isReady(pod: KubeObject): boolean {
  return ((pod as Pod).status?.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True");
}

export async function eventsFor(client: Client, namespace: string, name: string): Promise<{ reason: string; message: string; type: string }[]> {
  const list = await client.list(resources.events, { namespace });
  return list.items
    .filter((e) => (e.involvedObject as { name?: string } | undefined)?.name === name)
    .map((e) => ({ reason: String(e.reason), message: String(e.message), type: String(e.type) }));
}
