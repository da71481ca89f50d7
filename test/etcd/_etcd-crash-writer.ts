/**
 * Child process for the etcd durability test: writes to an EtcdStore as fast as it can and
 * prints one line per acknowledged write, after its promise resolved:
 *   ack create <key> <revision>
 *   ack update <key> <revision> <value>
 * Failed writes (while members die) are retried and not printed.
 *   node _etcd-crash-writer.js <endpoints,comma-separated> <keyPrefix> <workers>
 */
import { EtcdStore } from "../../src/storage/index.js";

const [endpointsArg, keyPrefix, workersArg] = process.argv.slice(2);
if (!endpointsArg || keyPrefix === undefined) throw new Error("usage: _etcd-crash-writer <endpoints> <keyPrefix> <workers>");
const workers = Number(workersArg ?? "10");
const store = await EtcdStore.open({ endpoints: endpointsArg.split(","), keyPrefix });

async function worker(w: number): Promise<never> {
  const counter = `/crash/counter/w${w}`;
  let expected = 0;
  for (let n = 0; ; n++) {
    const key = `/crash/keys/w${w}/${n}`;
    try {
      const created = await store.create(key, `v${n}`);
      if (!created.ok) throw new Error(`create ${key} refused`);
      process.stdout.write(`ack create ${key} ${created.kv.modRevision}\n`);
      const updated = expected === 0 ? await store.create(counter, `${n}`) : await store.update(counter, `${n}`, { expectedModRevision: expected });
      if (!updated.ok) throw new Error(`update ${counter} refused`);
      expected = updated.kv.modRevision;
      process.stdout.write(`ack update ${counter} ${expected} ${n}\n`);
    } catch (err) {
      process.stderr.write(`retry after: ${err instanceof Error ? err.message : String(err)}\n`);
      // Re-read the counter: a failed update may or may not have applied.
      const cur = (await store.get(counter).catch(() => undefined))?.kv;
      if (cur) expected = cur.modRevision;
    }
  }
}

process.stdout.write("ready\n");
await Promise.all(Array.from({ length: workers }, (_, w) => worker(w)));
