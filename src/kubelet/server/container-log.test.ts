import assert from "node:assert/strict";
import { appendFile, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { parseCriLogLine, readContainerLog, type ContainerLogOptions, type FollowHooks } from "./container-log.js";

const file = [
  "2024-05-01T10:00:00.000000001Z stdout F one",
  "2024-05-01T10:00:01.5Z stderr F two",
  "2024-05-01T10:00:02.123456789Z stdout P thr",
  "2024-05-01T10:00:02.223456789Z stdout F ee",
  "2024-05-01T10:00:03Z stdout F ",
  "2024-05-01T10:00:04Z stdout F four",
  "",
].join("\n");

async function collect(path: string, options: ContainerLogOptions, hooks?: FollowHooks): Promise<string> {
  const out: Buffer[] = [];
  for await (const c of readContainerLog(path, options, hooks)) out.push(c);
  return Buffer.concat(out).toString();
}

describe("CRI log files", () => {
  let dir: string;
  let path: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "k8ts-logs-"));
    path = join(dir, "0.log");
    await writeFile(path, file);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it("parses time, stream, the partial tag and the text", () => {
    const e = parseCriLogLine(Buffer.from("2024-05-01T10:00:02.123456789Z stderr P a b "));
    assert.equal(e?.time, "2024-05-01T10:00:02.123456789Z");
    assert.equal(e?.timeMs, Date.UTC(2024, 4, 1, 10, 0, 2, 123));
    assert.equal(e?.stream, "stderr");
    assert.equal(e?.partial, true);
    assert.equal(e?.text.toString(), "a b ");
    assert.equal(parseCriLogLine(Buffer.from("garbage")), undefined);
    assert.equal(parseCriLogLine(Buffer.from("2024-05-01T10:00:00Z stdin F x")), undefined);
  });

  it("joins partial entries into one line and ends full ones with a newline", async () => {
    assert.equal(await collect(path, {}), "one\ntwo\nthree\n\nfour\n");
  });

  it("puts the time before each output line, not before continuations", async () => {
    const out = await collect(path, { timestamps: true });
    assert.deepEqual(out.split("\n"), [
      "2024-05-01T10:00:00.000000001Z one",
      "2024-05-01T10:00:01.5Z two",
      "2024-05-01T10:00:02.123456789Z three",
      "2024-05-01T10:00:03Z ",
      "2024-05-01T10:00:04Z four",
      "",
    ]);
  });

  it("tails the last N file lines", async () => {
    assert.equal(await collect(path, { tailLines: 2 }), "\nfour\n");
    assert.equal(await collect(path, { tailLines: 4 }), "three\n\nfour\n");
    assert.equal(await collect(path, { tailLines: 100 }), "one\ntwo\nthree\n\nfour\n");
    assert.equal(await collect(path, { tailLines: 0 }), "");
  });

  it("skips entries before since", async () => {
    assert.equal(await collect(path, { sinceMs: Date.UTC(2024, 4, 1, 10, 0, 1) }), "two\nthree\n\nfour\n");
    assert.equal(await collect(path, { sinceMs: Date.UTC(2024, 4, 1, 10, 0, 4) }), "four\n");
  });

  it("stops after limitBytes", async () => {
    assert.equal(await collect(path, { limitBytes: 6 }), "one\ntw");
    assert.equal(await collect(path, { limitBytes: 4 }), "one\n");
  });

  it("picks one stream when asked", async () => {
    assert.equal(await collect(path, { stream: "stderr" }), "two\n");
  });

  it("yields nothing for a missing file", async () => {
    assert.equal(await collect(join(dir, "nope.log"), {}), "");
  });

  it("follows new lines until the container stops", async () => {
    const p = join(dir, "follow.log");
    await writeFile(p, "2024-05-01T10:00:00Z stdout F a\n");
    let running = true;
    const seen: string[] = [];
    const done = (async () => {
      for await (const c of readContainerLog(p, { follow: true }, { isRunning: async () => running, pollMs: 10 })) seen.push(c.toString());
    })();
    await new Promise((r) => setTimeout(r, 50));
    await appendFile(p, "2024-05-01T10:00:01Z stdout F b\n2024-05-01T10:00:02Z stdout P c");
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(seen.join(""), "a\nb\n", "an unfinished file line waits for its newline");
    await appendFile(p, "\n2024-05-01T10:00:03Z stdout F d\n");
    running = false;
    await done;
    assert.equal(seen.join(""), "a\nb\ncd\n");
  });

  it("stops following when the signal aborts", async () => {
    const ac = new AbortController();
    const it = readContainerLog(path, { follow: true }, { isRunning: async () => true, signal: ac.signal, pollMs: 10_000 });
    const first = await it.next();
    assert.equal(first.value?.toString(), "one\ntwo\nthree\n\nfour\n");
    const next = it.next();
    ac.abort();
    assert.equal((await next).done, true);
  });
});
