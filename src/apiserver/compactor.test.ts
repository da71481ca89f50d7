import { test } from "node:test";
import assert from "node:assert/strict";
import { MemoryStore } from "../storage/index.js";
import { startCompactor } from "./compactor.js";

test("compacts at the revision seen one interval earlier", async () => {
  const store = new MemoryStore();
  await store.create("/a", "1");
  const stop = new AbortController();
  startCompactor(store, { intervalMs: 30, signal: stop.signal });
  await new Promise((r) => setTimeout(r, 5));
  const seen = await store.currentRevision();
  await store.create("/b", "2");
  await new Promise((r) => setTimeout(r, 45));
  stop.abort();
  assert.equal(await store.compactedRevision(), seen);
  // History after the compacted revision is still there.
  await assert.doesNotReject(store.range("/", { revision: seen + 1 }));
});
