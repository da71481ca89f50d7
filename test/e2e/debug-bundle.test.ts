// `k8ts debug bundle` against a running `k8ts server`: the archive holds the server's log
// file and recorded flags, events, nodes and pods as YAML, versions and the doctor's
// report; nothing in it is a private key, a kubeconfig credential or the join token.
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { after, before, describe, it } from "node:test";
import { gunzipSync } from "node:zlib";
import { extract } from "tar-stream";
import { parse } from "yaml";
import { k8tsBin, kubectl, run, startK8tsServer, type K8tsServerProcess } from "../harness/index.js";

async function readArchive(path: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const ex = extract();
  const done = (async () => {
    for await (const entry of ex) {
      const chunks: Buffer[] = [];
      for await (const c of entry) chunks.push(c as Buffer);
      files.set(entry.header.name.replace(/^[^/]+\//, ""), Buffer.concat(chunks).toString("utf8"));
    }
  })();
  Readable.from([gunzipSync(readFileSync(path))]).pipe(ex);
  await done;
  return files;
}

describe("k8ts debug bundle", () => {
  let server: K8tsServerProcess;
  let outDir = "";

  before(async () => {
    server = await startK8tsServer();
    outDir = await mkdtemp(join(tmpdir(), "k8ts-e2e-bundle-"));
  });

  after(async () => {
    await server?.stop();
    await rm(server.dataDir, { recursive: true, force: true });
    await rm(outDir, { recursive: true, force: true });
  });

  it("writes logs, events, nodes, pods, versions and doctor output, with no key or token", async () => {
    // An event to find: a pod that cannot be scheduled (no agent) gets FailedScheduling.
    const created = await kubectl(server, ["run", "bundle-probe", "--image=busybox", "--restart=Never"]);
    assert.equal(created.code, 0, created.stderr);
    const deadline = Date.now() + 30_000;
    while (!(await kubectl(server, ["get", "events", "-o", "name"])).stdout.trim() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 300));

    const output = join(outDir, "b.tar.gz");
    const r = await run(process.execPath, [k8tsBin, "debug", "bundle", "--data-dir", server.dataDir, "--output", output], { timeoutMs: 90_000 });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`wrote ${output} \\(\\d+ files, \\d+ bytes\\)`));
    const files = await readArchive(output);
    const names = [...files.keys()];
    for (const want of ["logs/k8ts-server.log", "logs/k8ts-server.flags.json", "cluster/version.json", "cluster/events.txt", "cluster/nodes.yaml", "cluster/pods.yaml", "versions.txt", "doctor.txt"]) {
      assert.ok(names.includes(want), `${want} in ${names.join(", ")}`);
    }
    assert.match(files.get("logs/k8ts-server.log")!, /^\S+Z .*listening: /m);
    assert.match(files.get("logs/k8ts-server.log")!, /join token: <redacted>/);
    const flags = JSON.parse(files.get("logs/k8ts-server.flags.json")!) as { args: string[] };
    assert.ok(flags.args.includes("--disable-agent") && flags.args.includes(server.dataDir));
    const pods = parse(files.get("cluster/pods.yaml")!) as { kind: string; items: { metadata: { name: string } }[] };
    assert.equal(pods.kind, "PodList");
    assert.ok(pods.items.some((p) => p.metadata.name === "bundle-probe"));
    assert.match(files.get("cluster/events.txt")!, /^NAMESPACE\s+LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE/);
    assert.match(files.get("versions.txt")!, /^k8ts: \d+\.\d+\.\d+/);
    assert.match(JSON.parse(files.get("cluster/version.json")!).gitVersion as string, /^v1\./);

    // No secret of the data dir is in the archive.
    const all = [...files.values()].join("\n");
    const token = readFileSync(join(server.dataDir, "join-token"), "utf8").trim();
    assert.ok(!all.includes(token), "the join token");
    assert.ok(!/PRIVATE KEY-----/.test(all), "a private key");
    const kubeconfig = parse(readFileSync(server.kubeconfig, "utf8")) as { users: { user: Record<string, string> }[] };
    const creds = Object.entries(kubeconfig.users[0]!.user).filter(([k]) => k === "client-key-data" || k === "token");
    assert.ok(creds.length > 0, "the admin kubeconfig has a credential to look for");
    for (const [k, v] of creds) assert.ok(!all.includes(v) && !all.includes(Buffer.from(v, "base64").toString("utf8").split("\n")[1] ?? v), `the kubeconfig's ${k}`);
    for (const f of readdirSync(join(server.dataDir, "pki")).filter((f) => f.endsWith(".key"))) {
      const key = readFileSync(join(server.dataDir, "pki", f), "utf8").split("\n")[1]!;
      assert.ok(!all.includes(key), `pki/${f}`);
    }
  });

  it("fails with one line when the data dir does not exist", async () => {
    const r = await run(process.execPath, [k8tsBin, "debug", "bundle", "--data-dir", join(outDir, "nope")]);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, `k8ts: debug bundle: data dir ${join(outDir, "nope")} does not exist (--data-dir)\n`);
  });
});
