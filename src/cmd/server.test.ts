import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { request } from "node:https";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { runServer, startServer, type RunningServer, type ServerOptions } from "./server.js";

interface Credentials {
  ca: string;
  cert?: string;
  key?: string;
}

/** The admin credentials out of the kubeconfig the server wrote. */
async function kubeconfigCredentials(path: string): Promise<Credentials & { server: string }> {
  const doc = parse(await readFile(path, "utf8")) as {
    clusters: { cluster: { server: string; "certificate-authority-data": string } }[];
    users: { user: { "client-certificate-data": string; "client-key-data": string } }[];
  };
  const b64 = (s: string | undefined) => Buffer.from(s ?? "", "base64").toString();
  return {
    server: doc.clusters[0]?.cluster.server ?? "",
    ca: b64(doc.clusters[0]?.cluster["certificate-authority-data"]),
    cert: b64(doc.users[0]?.user["client-certificate-data"]),
    key: b64(doc.users[0]?.user["client-key-data"]),
  };
}

function call(url: string, creds: Credentials, options: { method?: string; body?: unknown } = {}): Promise<{ status: number; body: string }> {
  return new Promise((done, fail) => {
    const req = request(url, { method: options.method ?? "GET", ca: creds.ca, cert: creds.cert, key: creds.key, headers: { "content-type": "application/json" } }, (res) => {
      let body = "";
      res.on("data", (chunk: Buffer) => (body += chunk.toString()));
      res.on("end", () => done({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", fail);
    req.end(options.body === undefined ? undefined : JSON.stringify(options.body));
  });
}

describe("k8ts server", () => {
  let dir: string;
  const lines: string[] = [];
  const options = (dataDir: string, store: ServerOptions["store"]): ServerOptions => ({
    dataDir,
    bindAddress: "127.0.0.1",
    port: 0,
    store,
    disableAgent: true,
    log: (line) => lines.push(line),
  });

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "k8ts-server-"));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("prints the kubeconfig path and serves the admin over TLS; no client certificate gets 401", async () => {
    lines.length = 0;
    const server = await startServer(options(join(dir, "memory"), "memory"));
    try {
      assert.equal(server.kubeconfigPath, join(dir, "memory", "kubeconfig.yaml"));
      assert.ok(lines.includes(`kubeconfig: ${server.kubeconfigPath}`), lines.join("\n"));
      assert.equal((await stat(server.kubeconfigPath)).mode & 0o777, 0o600);
      const creds = await kubeconfigCredentials(server.kubeconfigPath);
      assert.equal(creds.server, server.url);
      assert.equal((await call(`${server.url}/api/v1/namespaces`, creds)).status, 200);
      assert.equal((await call(`${server.url}/api/v1/namespaces`, { ca: creds.ca })).status, 401);
    } finally {
      await server.close();
      await server.close(); // a second close is harmless
    }
  });

  it("restarts on the same data dir with the same CA and every object intact", async () => {
    const dataDir = join(dir, "sqlite");
    const first = await startServer(options(dataDir, "sqlite"));
    let creds: Credentials;
    try {
      creds = await kubeconfigCredentials(first.kubeconfigPath);
      const created = await call(`${first.url}/api/v1/namespaces/default/configmaps`, creds, {
        method: "POST",
        body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "survivor" }, data: { a: "1" } },
      });
      assert.equal(created.status, 201, created.body);
    } finally {
      await first.close();
    }

    const second = await startServer(options(dataDir, "sqlite"));
    try {
      const again = await kubeconfigCredentials(second.kubeconfigPath);
      assert.equal(again.ca, creds.ca);
      const got = await call(`${second.url}/api/v1/namespaces/default/configmaps/survivor`, again);
      assert.equal(got.status, 200, got.body);
      assert.deepEqual((JSON.parse(got.body) as { data: unknown }).data, { a: "1" });
    } finally {
      await second.close();
    }
  });

  it("runServer returns after the signal aborts, having closed everything", async () => {
    const ac = new AbortController();
    const log: string[] = [];
    let listening!: () => void;
    const started = new Promise<void>((resolve) => (listening = resolve));
    const running = runServer(
      {
        ...options(join(dir, "run"), "memory"),
        log: (line) => {
          log.push(line);
          if (line.startsWith("listening: ")) listening();
        },
      },
      ac.signal,
    );
    await Promise.race([started, running]);
    ac.abort();
    await running;
    assert.deepEqual(log.slice(-2), ["shutting down", "stopped"]);
  });
});
