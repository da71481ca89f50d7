// The conversion webhook client on its own: a URL clientConfig verified with caBundle, the
// timeout parameter upstream adds, and upstream's wording when the webhook cannot be trusted.
import assert from "node:assert/strict";
import { createServer, type Server } from "node:https";
import { after, before, describe, it } from "node:test";
import { callWebhook } from "../../src/apiserver/webhook-client.js";
import { ensurePki, issueServingCertificate, type Pki } from "../../src/cmd/pki.js";
import { MemoryStore } from "../../src/storage/index.js";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

describe("conversion webhook client", () => {
  let server: Server;
  let port = 0;
  let pki: Pki;
  let dir = "";
  const paths: string[] = [];
  const store = new MemoryStore();

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "k8ts-webhook-"));
    pki = await ensurePki(join(dir, "pki"), { bindAddress: "127.0.0.1" });
    const cert = await issueServingCertificate(pki.ca, { commonName: "127.0.0.1", sans: ["127.0.0.1"] });
    server = createServer({ key: cert.key, cert: cert.cert }, (req, res) => {
      paths.push(req.url ?? "");
      let text = "";
      req.on("data", (c: Buffer) => (text += c.toString()));
      req.on("end", () => res.end(JSON.stringify({ echoed: JSON.parse(text) })));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as { port: number }).port;
  });
  after(async () => {
    server.close();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("posts to a URL it verifies with caBundle, adding the timeout", async () => {
    const reply = await callWebhook({ store, clientConfig: { url: `https://127.0.0.1:${port}/convert`, caBundle: Buffer.from(pki.ca.cert).toString("base64") }, body: { hello: 1 }, timeoutMs: 5000 });
    assert.deepEqual(reply, { echoed: { hello: 1 } });
    assert.equal(paths.at(-1), "/convert?timeout=5s");
  });

  it("refuses a server its caBundle does not vouch for", async () => {
    await assert.rejects(callWebhook({ store, clientConfig: { url: `https://127.0.0.1:${port}/convert` }, body: {}, timeoutMs: 5000 }), /^Error: Post "https:\/\/127\.0\.0\.1:\d+\/convert\?timeout=5s": .*(self[- ]signed|unable to verify|local issuer)/i);
  });

  it("names a Service with no ready endpoints", async () => {
    await assert.rejects(callWebhook({ store, clientConfig: { service: { namespace: "ns", name: "missing" } }, body: {}, timeoutMs: 5000 }), /service "missing" not found/);
  });
});
