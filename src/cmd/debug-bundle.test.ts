import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { after, describe, it } from "node:test";
import { gunzipSync } from "node:zlib";
import { extract } from "tar-stream";
import { collectBundle, debugCommand, eventsTable, redact, writeBundle } from "./debug-bundle.js";
import { RollingLog, recordEffectiveConfig, redactArgs } from "./log-file.js";

const pem = "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBkg4LVWM9nuwNSk3yByxZpYRTBnVJk5oefmHo3kN0PvoAoGCCqGSM49\n-----END EC PRIVATE KEY-----";
const joinToken = `K8TS${"ab12".repeat(12)}`;

/** Reads a .tar.gz into name → content. */
async function readArchive(path: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const ex = extract();
  const done = (async () => {
    for await (const entry of ex) {
      const chunks: Buffer[] = [];
      for await (const c of entry) chunks.push(c as Buffer);
      files.set(entry.header.name, Buffer.concat(chunks).toString("utf8"));
    }
  })();
  Readable.from([gunzipSync(readFileSync(path))]).pipe(ex);
  await done;
  return files;
}

describe("redact", () => {
  it("removes PEM private keys but keeps certificates", () => {
    const cert = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----";
    const out = redact(`a\n${pem}\n${cert}\n-----BEGIN PRIVATE KEY-----\nxyz\n-----END PRIVATE KEY-----\n`);
    assert.ok(!out.includes("MHcCAQEE") && !out.includes("xyz"), out);
    assert.ok(out.includes(cert));
    assert.equal(out.match(/<redacted private key>/g)?.length, 2);
  });

  it("removes kubeconfig credentials, bearer tokens, --token values, join and bootstrap tokens", () => {
    const text = [
      "    client-certificate-data: Q0VSVA==",
      "    client-key-data: S0VZ",
      "    token: eyJhbGciOi.abc.def",
      '{"token":"s3cret","user":"x"}',
      "Authorization: Bearer abc.def-ghi",
      "k8ts agent --server https://h:6443 --token K8TSsomething",
      `join token: ${joinToken} (x)`,
      "kubeadm join --token abcdef.0123456789abcdef",
      "bootstrap abcdef.0123456789abcdef ok",
    ].join("\n");
    const out = redact(text);
    for (const secret of ["S0VZ", "eyJhbGciOi", "s3cret", "abc.def-ghi", "K8TSsomething", joinToken, "0123456789abcdef"]) assert.ok(!out.includes(secret), `${secret} in\n${out}`);
    assert.match(out, /client-certificate-data: Q0VSVA==/, "certificates are public");
    assert.match(out, /"user":"x"/);
  });

  it("removes the exact secrets it is given", () => {
    assert.equal(redact("x=supersecretvalue;", ["supersecretvalue"]), "x=<redacted>;");
  });
});

describe("eventsTable", () => {
  it("prints kubectl get events -A columns, oldest first", () => {
    const now = Date.parse("2026-01-01T00:10:00Z");
    const t = eventsTable(
      [
        { metadata: { namespace: "default" }, type: "Warning", reason: "BackOff", message: "Back-off restarting", lastTimestamp: "2026-01-01T00:09:30Z", involvedObject: { kind: "Pod", name: "web-0" } },
        { metadata: { namespace: "kube-system" }, type: "Normal", reason: "Started", message: "Started container", lastTimestamp: "2026-01-01T00:00:00Z", involvedObject: { kind: "Pod", name: "dns" } },
      ],
      now,
    );
    const lines = t.trimEnd().split("\n");
    assert.match(lines[0]!, /^NAMESPACE\s+LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE$/);
    assert.match(lines[1]!, /^kube-system\s+10m\s+Normal\s+Started\s+pod\/dns\s+Started container$/);
    assert.match(lines[2]!, /^default\s+30s\s+Warning\s+BackOff\s+pod\/web-0\s+Back-off restarting$/);
  });
});

describe("log file", () => {
  const dir = mkdtempSync(join(tmpdir(), "debug-bundle-log-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("rolls over to .log.1 at its size limit", () => {
    const path = join(dir, "logs", "k8ts-server.log");
    const log = new RollingLog({ path, maxBytes: 200 });
    for (let i = 0; i < 6; i++) log.write(`line ${i} ${"x".repeat(40)}`, new Date("2026-01-01T00:00:00Z"));
    const current = readFileSync(path, "utf8");
    const old = readFileSync(`${path}.1`, "utf8");
    assert.ok(current.length <= 200 && old.length <= 200);
    assert.match(current, /^2026-01-01T00:00:00\.000Z line \d/);
    assert.match(current, /line 5/);
    assert.ok(!current.includes("line 0") && !old.includes("line 5"));
  });

  it("records the flags with the token redacted", () => {
    assert.deepEqual(redactArgs(["--server", "https://x", "--token", "K8TSabc", "--token=K8TSdef"]), ["--server", "https://x", "--token", "<redacted>", "--token=<redacted>"]);
    recordEffectiveConfig(dir, "agent", ["--token", "K8TSabc"], { token: "K8TSabc", dataDir: dir, log: () => undefined });
    const rec = JSON.parse(readFileSync(join(dir, "logs", "k8ts-agent.flags.json"), "utf8")) as { args: string[]; options: Record<string, unknown> };
    assert.deepEqual(rec.args, ["--token", "<redacted>"]);
    assert.deepEqual(rec.options, { token: "<redacted>", dataDir: dir });
  });
});

describe("collectBundle", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "debug-bundle-data-"));
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it("packs logs, config and command output, never the PKI's keys, kubeconfig credentials or the join token", async () => {
    mkdirSync(join(dataDir, "pki"));
    writeFileSync(join(dataDir, "pki", "ca.key"), pem);
    writeFileSync(join(dataDir, "pki", "ca.crt"), "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
    writeFileSync(join(dataDir, "join-token"), `${joinToken}\n`);
    // The kubeconfig names a server that is not there: the cluster part says why it is missing.
    writeFileSync(
      join(dataDir, "kubeconfig.yaml"),
      `apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "https://127.0.0.1:1", insecure-skip-tls-verify: true}}]\nusers: [{name: u, user: {client-key-data: UFJJVkFURQ==, token: tok-secret-123}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n`,
    );
    mkdirSync(join(dataDir, "logs"));
    writeFileSync(join(dataDir, "logs", "k8ts-server.log"), `2026-01-01T00:00:00Z join token: ${joinToken} (x)\n2026-01-01T00:00:01Z listening: https://127.0.0.1:6443\n`);
    writeFileSync(join(dataDir, "logs", "k8ts-server.log.1"), "older line\n");
    writeFileSync(join(dataDir, "logs", "k8ts-server.flags.json"), '{"args":["--data-dir","/d"]}\n');
    mkdirSync(join(dataDir, "agent", "containerd"), { recursive: true });
    writeFileSync(join(dataDir, "agent", "containerd", "containerd.log"), "level=info msg=started\n");
    writeFileSync(join(dataDir, "agent", "containerd", "config.toml"), 'version = 2\nroot = "/d/root"\n');

    const ran: string[] = [];
    const entries = await collectBundle({
      dataDir,
      version: "9.9.9",
      doctor: async () => "ok   Node.js: v20\n",
      exec: async (cmd, args) => {
        ran.push([cmd, ...args].join(" "));
        if (cmd === "iptables-save") throw new Error("iptables-save: command not found");
        if (cmd === "nft") return `table ip k8ts-proxy {\n}\n# ${pem}\n`;
        return `${cmd} version 1.0\n`;
      },
    });
    const out = join(dataDir, "bundle.tar.gz");
    await writeBundle(out, entries, new Date("2026-01-02T03:04:05Z"));
    const files = await readArchive(out);
    const names = [...files.keys()].map((n) => n.replace(/^k8ts-debug-20260102T030405Z\//, "")).sort();
    assert.ok([...files.keys()].every((n) => n.startsWith("k8ts-debug-20260102T030405Z/")));
    for (const want of ["logs/k8ts-server.log", "logs/k8ts-server.log.1", "logs/k8ts-server.flags.json", "logs/containerd.log", "config/containerd.toml", "versions.txt", "doctor.txt", "network/nft-ruleset.txt", "network/iptables-save.txt.error", "cluster/README"]) {
      assert.ok(names.includes(want), `${want} in ${names.join(", ")}`);
    }
    assert.ok(!names.some((n) => n.includes("pki") || n.includes("kubeconfig") || n.includes("join-token")), names.join(", "));
    const all = [...files.values()].join("\n");
    for (const secret of [joinToken, "MHcCAQEE", "UFJJVkFURQ==", "tok-secret-123"]) assert.ok(!all.includes(secret), `${secret} leaked`);
    const get = (n: string) => files.get(`k8ts-debug-20260102T030405Z/${n}`)!;
    assert.match(get("logs/k8ts-server.log"), /join token: <redacted> \(x\)\n.*listening: https:\/\/127\.0\.0\.1:6443/);
    assert.match(get("network/nft-ruleset.txt"), /table ip k8ts-proxy/);
    assert.match(get("network/iptables-save.txt.error"), /not collected: iptables-save: command not found/);
    assert.match(get("cluster/README"), /cluster state not collected/);
    assert.match(get("versions.txt"), /^k8ts: 9\.9\.9\nnode: v\d+.*\nkernel: .*\ncontainerd: containerd version 1\.0\nrunc: runc version 1\.0\n$/);
    assert.ok(ran.includes("nft list ruleset") && ran.includes("iptables-save"));
  });
});

describe("k8ts debug", () => {
  const env = { isRoot: false, home: "/nonexistent-home" };
  it("names what is wrong in one line", async () => {
    await assert.rejects(debugCommand(["bundel"], { out: () => undefined }, env), { message: 'debug: unknown subcommand "bundel" (only "bundle")' });
    await assert.rejects(debugCommand(["bundle", "--data-dir", "/nonexistent-k8ts"], { out: () => undefined }, env), { message: "debug bundle: data dir /nonexistent-k8ts does not exist (--data-dir)" });
    const dir = mkdtempSync(join(tmpdir(), "debug-bundle-out-"));
    try {
      await assert.rejects(
        debugCommand(["bundle", "--data-dir", dir, "--output", join(dir, "missing", "b.tar.gz")], { out: () => undefined }, env),
        (err: Error) => err.message.startsWith(`debug bundle: cannot write ${join(dir, "missing", "b.tar.gz")}: ENOENT`) && !err.message.includes("\n"),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
