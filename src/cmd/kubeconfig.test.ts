import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer, request, type Server } from "node:https";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import type { TLSSocket } from "node:tls";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parse } from "yaml";
import { ensurePki, type Pki } from "./pki.js";
import { renderKubeconfig, serverUrl, writeKubeconfig } from "./kubeconfig.js";

interface KubeconfigDoc {
  clusters: { name: string; cluster: { server: string; "certificate-authority-data": string } }[];
  users: { name: string; user: { "client-certificate-data": string; "client-key-data": string } }[];
  contexts: { name: string; context: { cluster: string; user: string } }[];
  "current-context": string;
}

const kubectl = resolve(".tools/bin/kubectl");

describe("kubeconfig", () => {
  let dir: string;
  let pki: Pki;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "k8ts-kubeconfig-"));
    pki = await ensurePki(join(dir, "pki"), { bindAddress: "127.0.0.1" });
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("names cluster k8ts, user admin and context k8ts, with the certificates embedded", () => {
    const text = renderKubeconfig({ server: "https://127.0.0.1:6443", caCert: pki.ca.cert, clientCert: pki.admin.cert, clientKey: pki.admin.key });
    const doc = parse(text) as KubeconfigDoc & { apiVersion: string; kind: string };
    assert.equal(doc.apiVersion, "v1");
    assert.equal(doc.kind, "Config");
    assert.equal(doc["current-context"], "k8ts");
    assert.deepEqual(doc.contexts, [{ name: "k8ts", context: { cluster: "k8ts", user: "admin" } }]);
    const [cluster] = doc.clusters;
    assert.equal(cluster?.name, "k8ts");
    assert.equal(cluster?.cluster.server, "https://127.0.0.1:6443");
    assert.equal(Buffer.from(cluster?.cluster["certificate-authority-data"] ?? "", "base64").toString(), pki.ca.cert);
    const [user] = doc.users;
    assert.equal(user?.name, "admin");
    assert.equal(Buffer.from(user?.user["client-certificate-data"] ?? "", "base64").toString(), pki.admin.cert);
    assert.equal(Buffer.from(user?.user["client-key-data"] ?? "", "base64").toString(), pki.admin.key);
  });

  it("writes the file readable by the owner only", async () => {
    const path = await writeKubeconfig(join(dir, "kubeconfig.yaml"), {
      server: "https://127.0.0.1:6443",
      caCert: pki.ca.cert,
      clientCert: pki.admin.cert,
      clientKey: pki.admin.key,
    });
    assert.equal((await stat(path)).mode & 0o777, 0o600);
  });

  it("turns wildcard bind addresses into loopback URLs and brackets IPv6", () => {
    assert.equal(serverUrl("127.0.0.1", 6443), "https://127.0.0.1:6443");
    assert.equal(serverUrl("0.0.0.0", 6443), "https://127.0.0.1:6443");
    assert.equal(serverUrl("::", 6443), "https://[::1]:6443");
    assert.equal(serverUrl("fd00::5", 7443), "https://[fd00::5]:7443");
    assert.equal(serverUrl("node-a", 6443), "https://node-a:6443");
  });

  describe("against a TLS server using the serving certificate", () => {
    let server: Server;
    let url: string;
    let path: string;
    before(async () => {
      server = createServer({ key: pki.serving.key, cert: pki.serving.cert, ca: pki.ca.cert, requestCert: true, rejectUnauthorized: true }, (req, res) => {
        const peer = (req.socket as TLSSocket).getPeerCertificate();
        res.setHeader("content-type", "text/plain");
        res.end(`${peer.subject.CN}/${String(peer.subject.O)}`);
      });
      await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
      url = serverUrl("127.0.0.1", (server.address() as AddressInfo).port);
      path = await writeKubeconfig(join(dir, "tls-kubeconfig.yaml"), { server: url, caCert: pki.ca.cert, clientCert: pki.admin.cert, clientKey: pki.admin.key });
    });
    after(async () => {
      server.closeAllConnections();
      await new Promise((done) => server.close(done));
    });

    it("completes a mutual TLS handshake with the kubeconfig's credentials", async () => {
      const doc = parse(await readFile(path, "utf8")) as KubeconfigDoc;
      const b64 = (s: string | undefined) => Buffer.from(s ?? "", "base64").toString();
      const body = await new Promise<string>((done, fail) => {
        const req = request(
          `${url}/healthz`,
          {
            ca: b64(doc.clusters[0]?.cluster["certificate-authority-data"]),
            cert: b64(doc.users[0]?.user["client-certificate-data"]),
            key: b64(doc.users[0]?.user["client-key-data"]),
          },
          (res) => {
            let text = "";
            res.on("data", (chunk: Buffer) => (text += chunk.toString()));
            res.on("end", () => done(text));
          },
        );
        req.on("error", fail);
        req.end();
      });
      assert.equal(body, "kubernetes-admin/system:masters");
    });

    it("is accepted by the official kubectl", { skip: existsSync(kubectl) ? false : "run `npm run tools` for kubectl" }, async () => {
      const out = await new Promise<string>((done, fail) =>
        execFile(kubectl, ["--kubeconfig", path, "get", "--raw", "/healthz"], (err, stdout, stderr) => (err ? fail(new Error(stderr || err.message)) : done(stdout))),
      );
      assert.equal(out, "kubernetes-admin/system:masters");
    });
  });
});
