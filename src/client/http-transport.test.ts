// Wire encoding of the HTTP transport against a plain node:http server that answers
// canned responses. That both transports mean the same against the real API server is
// proven in test/client-contract.test.ts.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { mkdtemp, writeFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import { httpTransport, type HttpTransport } from "./http-transport.js";
import { loadKubeconfig } from "./kubeconfig.js";

interface Seen {
  method?: string;
  url?: string;
  headers: IncomingMessage["headers"];
  body: string;
}

describe("httpTransport", () => {
  let server: Server;
  let transport: HttpTransport;
  const seen: Seen[] = [];
  let handle: (req: IncomingMessage, res: ServerResponse, body: string) => void = () => {};

  before(async () => {
    server = createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        seen.push({ method: req.method, url: req.url, headers: req.headers, body });
        handle(req, res, body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    transport = httpTransport({ server: `http://127.0.0.1:${port}`, token: "t0k" });
  });

  after(async () => {
    transport.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it("sends JSON with the patch Content-Type, Accept, bearer token and query", async () => {
    handle = (_req, res) => {
      res.writeHead(200, { "Content-Type": "application/json", Warning: '299 - "x"' });
      res.end(JSON.stringify({ kind: "Pod", metadata: { name: "p" } }));
    };
    const out = await transport({
      method: "PATCH",
      path: "/api/v1/namespaces/ns/pods/p",
      query: { fieldManager: "me", dryRun: "All" },
      body: { metadata: { labels: { a: "b" } } },
      contentType: "application/merge-patch+json",
    });
    assert.equal(out.status, 200);
    assert.deepEqual(out.body, { kind: "Pod", metadata: { name: "p" } });
    assert.equal(out.headers?.warning, '299 - "x"');
    const s = seen.at(-1) as Seen;
    assert.equal(s.method, "PATCH");
    assert.equal(s.url, "/api/v1/namespaces/ns/pods/p?fieldManager=me&dryRun=All");
    assert.equal(s.headers["content-type"], "application/merge-patch+json");
    assert.equal(s.headers.accept, "application/json");
    assert.equal(s.headers.authorization, "Bearer t0k");
    assert.deepEqual(JSON.parse(s.body), { metadata: { labels: { a: "b" } } });
  });

  it("returns a non-2xx Status as a response, not a throw", async () => {
    const status = { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", reason: "NotFound", code: 404, message: 'pods "x" not found' };
    handle = (_req, res) => {
      res.writeHead(404, { "Content-Type": "application/json" });
      res.end(JSON.stringify(status));
    };
    const out = await transport({ method: "GET", path: "/api/v1/namespaces/ns/pods/x", query: {} });
    assert.equal(out.status, 404);
    assert.deepEqual(out.body, status);
  });

  it("returns text/plain as text", async () => {
    handle = (_req, res) => {
      res.writeHead(200, { "Content-Type": "text/plain" });
      res.end("ok");
    };
    const out = await transport({ method: "GET", path: "/healthz", query: {} });
    assert.equal(out.text, "ok");
  });

  it("reads a watch as newline-delimited events split across chunks, ending when the server closes", async () => {
    handle = (_req, res) => {
      res.writeHead(200, { "Content-Type": "application/json" });
      const a = JSON.stringify({ type: "ADDED", object: { metadata: { name: "a" } } });
      const b = JSON.stringify({ type: "DELETED", object: { metadata: { name: "a" } } });
      res.write(a.slice(0, 10));
      setTimeout(() => {
        res.write(a.slice(10) + "\n" + b.slice(0, 5));
        setTimeout(() => res.end(b.slice(5) + "\n"), 5);
      }, 5);
    };
    const out = await transport({ method: "GET", path: "/api/v1/pods", query: { watch: "true" } });
    assert.ok(out.watch);
    const types: string[] = [];
    for await (const ev of out.watch) types.push(ev.type);
    assert.deepEqual(types, ["ADDED", "DELETED"]);
  });

  it("ends a watch when the request's signal aborts", async () => {
    handle = (_req, res) => {
      res.writeHead(200, { "Content-Type": "application/json" });
      res.write(JSON.stringify({ type: "ADDED", object: { metadata: { name: "a" } } }) + "\n");
      // keep the stream open
    };
    const ac = new AbortController();
    const out = await transport({ method: "GET", path: "/api/v1/pods", query: { watch: "true" }, signal: ac.signal });
    const types: string[] = [];
    for await (const ev of out.watch ?? []) {
      types.push(ev.type);
      ac.abort();
    }
    assert.deepEqual(types, ["ADDED"]);
  });

  it("rejects when the server cannot be reached", async () => {
    const t = httpTransport({ server: "http://127.0.0.1:1" });
    await assert.rejects(t({ method: "GET", path: "/api", query: {} }), { code: "ECONNREFUSED" });
    t.close();
  });
});

describe("loadKubeconfig", () => {
  it("reads the current context's server, CA, client cert/key and token", async () => {
    const dir = await mkdtemp(join(tmpdir(), "k8ts-kubeconfig-"));
    try {
      await writeFile(join(dir, "ca.crt"), "CA PEM");
      const b64 = (s: string) => Buffer.from(s).toString("base64");
      await writeFile(
        join(dir, "config"),
        [
          "apiVersion: v1",
          "kind: Config",
          "current-context: admin@k8ts",
          "clusters:",
          "- name: other",
          "  cluster: { server: https://example.invalid }",
          "- name: k8ts",
          "  cluster:",
          "    server: https://127.0.0.1:6443",
          "    certificate-authority: ca.crt",
          "contexts:",
          "- name: admin@k8ts",
          "  context: { cluster: k8ts, user: admin }",
          "users:",
          "- name: admin",
          "  user:",
          `    client-certificate-data: ${b64("CERT PEM")}`,
          `    client-key-data: ${b64("KEY PEM")}`,
          "    token: abc",
        ].join("\n"),
      );
      const opts = await loadKubeconfig(join(dir, "config"));
      assert.deepEqual(opts, { server: "https://127.0.0.1:6443", ca: "CA PEM", cert: "CERT PEM", key: "KEY PEM", token: "abc" });
      await assert.rejects(loadKubeconfig(join(dir, "config"), { context: "nope" }), /no context named "nope"/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
