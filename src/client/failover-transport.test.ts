import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import { failoverTransport } from "./failover-transport.js";

function serve(name: string): Promise<{ url: string; server: Server; hits: () => number }> {
  let hits = 0;
  const server = createServer((_req, res) => {
    hits++;
    res.writeHead(200, { "Content-Type": "application/json" });
    res.end(JSON.stringify({ name }));
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve({ url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, server, hits: () => hits })));
}

describe("failoverTransport", () => {
  it("moves to the next server when one cannot be reached, and stays there", async () => {
    const a = await serve("a");
    const b = await serve("b");
    const t = failoverTransport([a.url, b.url], {});
    try {
      assert.deepEqual((await t({ method: "GET", path: "/x", query: {} })).body, { name: "a" });
      await new Promise<void>((r) => {
        a.server.closeAllConnections();
        a.server.close(() => r());
      });
      assert.deepEqual((await t({ method: "GET", path: "/x", query: {} })).body, { name: "b" });
      assert.deepEqual((await t({ method: "GET", path: "/x", query: {} })).body, { name: "b" });
      assert.equal(a.hits(), 1);
      assert.equal(b.hits(), 2);
    } finally {
      t.close();
      b.server.close();
    }
  });

  it("throws the last error when no server answers", async () => {
    const t = failoverTransport(["http://127.0.0.1:1", "http://127.0.0.1:2"], {});
    await assert.rejects(t({ method: "GET", path: "/x", query: {} }), /ECONNREFUSED/);
    t.close();
  });
});
