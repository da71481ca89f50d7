import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { getEventListeners } from "node:events";
import { MessageChannel } from "node:worker_threads";
import type { RestHandler, RestRequest, WatchEventBody } from "../api/index.js";
import { PortChannel, portTransport, servePortRequests } from "./port-transport.js";

/** Both ends in this thread; `handler` plays the API server. */
function connect(handler: RestHandler) {
  const { port1, port2 } = new MessageChannel();
  const stop = servePortRequests(port1, handler);
  const transport = portTransport(new PortChannel(port2), { user: { username: "tester", groups: [] } });
  return {
    transport,
    close: () => {
      stop();
      port1.close();
    },
  };
}

async function* events(n: number, signal?: AbortSignal): AsyncGenerator<WatchEventBody> {
  for (let i = 0; i < n && !signal?.aborted; i++) yield { type: "ADDED", object: { metadata: { name: `o${i}` } } };
}

describe("port transport", () => {
  it("answers as JSON would (no undefined fields), with the request's user", async () => {
    let seen: RestRequest | undefined;
    const { transport, close } = connect(async (req) => {
      seen = req;
      return { status: 200, body: { kind: "Thing", gone: undefined, when: new Date(0) } };
    });
    try {
      const res = await transport({ method: "POST", path: "/x", query: {}, body: { a: 1 } });
      assert.deepEqual(res.body, { kind: "Thing", when: "1970-01-01T00:00:00.000Z" });
      assert.equal(seen?.user?.username, "tester");
      assert.deepEqual(seen?.body, { a: 1 });
    } finally {
      close();
    }
  });

  it("leaves no abort listener on the caller's signal once a request or a watch is over", async () => {
    const { transport, close } = connect(async (req) => (req.query.watch === "true" ? { status: 200, body: undefined, watch: events(3) } : { status: 200, body: {} }));
    const signal = new AbortController().signal;
    try {
      for (let i = 0; i < 5; i++) await transport({ method: "GET", path: "/x", query: {}, signal });
      const res = await transport({ method: "GET", path: "/x", query: { watch: "true" }, signal });
      const names: string[] = [];
      for await (const ev of res.watch!) names.push((ev.object as { metadata: { name: string } }).metadata.name);
      assert.deepEqual(names, ["o0", "o1", "o2"]);
      assert.equal(getEventListeners(signal, "abort").length, 0);
    } finally {
      close();
    }
  });

  it("stops the server side of a watch when the caller aborts it", async () => {
    let serverSignal: AbortSignal | undefined;
    const { transport, close } = connect(async (req) => {
      serverSignal = req.signal;
      return { status: 200, body: undefined, watch: (async function* () { yield* events(1); await new Promise<void>((r) => req.signal?.addEventListener("abort", () => r())); })() };
    });
    const ac = new AbortController();
    try {
      const res = await transport({ method: "GET", path: "/x", query: { watch: "true" }, signal: ac.signal });
      const it = res.watch![Symbol.asyncIterator]();
      assert.equal((await it.next()).done, false);
      ac.abort();
      assert.equal((await it.next()).done, true);
      for (let i = 0; i < 50 && !serverSignal?.aborted; i++) await new Promise((r) => setTimeout(r, 10));
      assert.equal(serverSignal?.aborted, true);
    } finally {
      close();
    }
  });
});
