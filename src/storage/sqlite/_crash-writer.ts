/**
 * Child process for the crash test in sqlite.test.ts: writes to a SqliteStore as fast as it
 * can and prints one line per acknowledged write, after its promise resolved:
 *   ack create <key> <revision>
 *   ack update <key> <revision> <value>
 * The parent SIGKILLs it mid-load and checks every acknowledged write survived.
 *   node _crash-writer.js <path> <workers>
 */
import { SqliteStore } from "./sqlite-store.js";

const [path, workersArg] = process.argv.slice(2);
if (!path) throw new Error("usage: _crash-writer <path> <workers>");
const workers = Number(workersArg ?? "20");
const store = await SqliteStore.open({ path });

async function worker(w: number): Promise<never> {
  const counter = `/crash/counter/w${w}`;
  let expected = 0;
  for (let n = 0; ; n++) {
    const key = `/crash/keys/w${w}/${n}`;
    const created = await store.create(key, `v${n}`);
    if (!created.ok) throw new Error(`create ${key} lost`);
    process.stdout.write(`ack create ${key} ${created.kv.modRevision}\n`);
    const updated = expected === 0 ? await store.create(counter, `${n}`) : await store.update(counter, `${n}`, { expectedModRevision: expected });
    if (!updated.ok) throw new Error(`update ${counter} lost`);
    expected = updated.kv.modRevision;
    process.stdout.write(`ack update ${counter} ${expected} ${n}\n`);
  }
}

process.stdout.write("ready\n");
await Promise.all(Array.from({ length: workers }, (_, w) => worker(w)));
