// `k8ts server` renews its certificates while running: an API server whose serving and
// admin certificates have aged into the renewal window serves a renewed certificate on
// new connections without a restart, rewrites the admin kubeconfig, exposes each expiry
// on /metrics and records a CertificateRenewed Event.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { request } from "node:https";
import { connect, type PeerCertificate } from "node:tls";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { advertiseAddressFor } from "../apiserver/index.js";
import { ensurePki, issueClientCertificate, issueServingCertificate, readCertKeyPair, servingSans, subjectAltNames, writeCertKeyPair } from "./pki.js";
import { startServer, type RunningServer } from "./server.js";

const dayMs = 24 * 60 * 60 * 1000;

function peerCertificate(url: string, ca: string): Promise<{ cert: PeerCertificate; close: () => void }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: u.hostname, port: Number(u.port), ca }, () => resolve({ cert: socket.getPeerCertificate(), close: () => socket.destroy() }));
    socket.on("error", reject);
  });
}

function get(url: string, creds: { ca: string; cert?: string; key?: string }): Promise<{ status: number; body: string }> {
  return new Promise((done, fail) => {
    const req = request(url, { ca: creds.ca, cert: creds.cert, key: creds.key, agent: false }, (res) => {
      let body = "";
      res.on("data", (c: Buffer) => (body += c.toString()));
      res.on("end", () => done({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", fail);
    req.end();
  });
}

async function adminCredentials(path: string): Promise<{ ca: string; cert: string; key: string }> {
  const doc = parse(await readFile(path, "utf8")) as { clusters: { cluster: Record<string, string> }[]; users: { user: Record<string, string> }[] };
  const b64 = (s: string | undefined) => Buffer.from(s ?? "", "base64").toString();
  return { ca: b64(doc.clusters[0]?.cluster["certificate-authority-data"]), cert: b64(doc.users[0]?.user["client-certificate-data"]), key: b64(doc.users[0]?.user["client-key-data"]) };
}

async function eventually<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const pemOf = (raw: Buffer) => new X509Certificate(raw).toString();

describe("k8ts server renews its certificates while running", () => {
  let dir: string;
  let server: RunningServer;
  const lines: string[] = [];
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "certrenew-server-"));
    server = await startServer({ dataDir: dir, bindAddress: "127.0.0.1", port: 0, store: "memory", disableAgent: true, certificateCheckIntervalMs: 300, log: (l) => lines.push(l) });
  });
  after(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("serves the renewed certificate on new connections, rewrites the kubeconfig, measures and announces it", async () => {
    const pkiDir = join(dir, "pki");
    const before = await adminCredentials(server.kubeconfigPath);
    const first = await peerCertificate(server.url, before.ca);
    const original = pemOf(first.cert.raw);
    // A fresh certificate is not renewed.
    await new Promise((r) => setTimeout(r, 700));
    const again = await peerCertificate(server.url, before.ca);
    assert.equal(pemOf(again.cert.raw), original);
    again.close();

    // Age the serving and admin certificates on disk: issued 300 days ago, 65 days left (inside the 90-day window).
    const ca = (await readCertKeyPair(pkiDir, "ca"))!;
    const aged = new Date(Date.now() - 300 * dayMs);
    const oldServing = await issueServingCertificate(ca, { commonName: "kube-apiserver", sans: subjectAltNames(original), now: aged });
    await writeCertKeyPair(pkiDir, "apiserver", oldServing);
    await writeCertKeyPair(pkiDir, "admin", await issueClientCertificate(ca, { commonName: "kubernetes-admin", organizations: ["system:masters"], now: aged }));

    const renewed = await eventually("a renewed serving certificate on a new connection", async () => {
      const c = await peerCertificate(server.url, before.ca);
      c.close();
      const pem = pemOf(c.cert.raw);
      return pem !== original && pem !== new X509Certificate(oldServing.cert).toString() ? new X509Certificate(c.cert.raw) : undefined;
    });
    // The renewed one is on disk, a year long, with the same names.
    assert.equal(renewed.toString(), new X509Certificate((await readCertKeyPair(pkiDir, "apiserver"))!.cert).toString());
    assert.ok(Math.abs(Date.parse(renewed.validTo) - (Date.now() + 365 * dayMs)) < 60_000, renewed.validTo);
    assert.deepEqual(subjectAltNames(renewed.toString()).sort(), subjectAltNames(original).sort());
    // The connection opened before the renewal still has the original certificate and was not cut.
    assert.equal(pemOf(first.cert.raw), original);
    first.close();

    // The kubeconfig carries the renewed admin certificate, and it works.
    const afterCreds = await eventually("the kubeconfig is rewritten", async () => {
      const c = await adminCredentials(server.kubeconfigPath);
      return c.cert !== before.cert && Date.parse(new X509Certificate(c.cert).validTo) > Date.now() + 300 * dayMs ? c : undefined;
    });
    assert.equal((await get(`${server.url}/api/v1/namespaces`, afterCreds)).status, 200);

    // Each certificate's expiry on /metrics; the renewed one's is the new notAfter.
    const metrics = await get(`${server.url}/metrics`, afterCreds);
    assert.equal(metrics.status, 200);
    const value = (name: string) => Number(new RegExp(`^k8ts_certificate_expiration_timestamp_seconds\\{name="${name}"\\} (\\S+)$`, "m").exec(metrics.body)?.[1]);
    assert.equal(value("apiserver"), Math.floor(Date.parse(renewed.validTo) / 1000));
    for (const name of ["admin", "apiserver-kubelet-client"]) assert.ok(value(name) > Date.now() / 1000 + 300 * 86400, `${name}: ${value(name)}`);
    assert.match(metrics.body, /^k8ts_certificate_renewals_total\{name="apiserver",result="success"\} [1-9]/m);

    // A Normal CertificateRenewed Event on the Node, for each.
    const events = await eventually("CertificateRenewed events", async () => {
      const r = await get(`${server.url}/api/v1/namespaces/default/events`, afterCreds);
      const items = (JSON.parse(r.body) as { items: Array<{ reason: string; type: string; message: string; involvedObject: { kind: string } }> }).items.filter((e) => e.reason === "CertificateRenewed");
      return items.length >= 2 ? items : undefined;
    });
    assert.ok(events.every((e) => e.type === "Normal" && e.involvedObject.kind === "Node"));
    assert.ok(events.some((e) => /^Certificate apiserver renewed/.test(e.message)));
    assert.ok(events.some((e) => /^Certificate admin renewed/.test(e.message)));
  });
});

describe("k8ts server renews certificates near expiry when it starts", () => {
  let dir: string;
  after(() => rm(dir, { recursive: true, force: true }));

  it("renews one 10 days from expiry and one 60 days from expiry, and announces both", async () => {
    dir = await mkdtemp(join(tmpdir(), "certrenew-start-"));
    const options = { dataDir: dir, bindAddress: "127.0.0.1", port: 0, store: "memory" as const, disableAgent: true, log: () => undefined };
    // The PKI of an earlier run, a year on.
    const pkiDir = join(dir, "pki");
    const { ca } = await ensurePki(pkiDir, { bindAddress: "127.0.0.1" });
    const sans = servingSans({ bindAddress: "127.0.0.1", extraSans: [advertiseAddressFor("127.0.0.1"), "10.43.0.1"] });
    await writeCertKeyPair(pkiDir, "apiserver", await issueServingCertificate(ca, { commonName: "kube-apiserver", sans, now: new Date(Date.now() - 355 * dayMs) }));
    await writeCertKeyPair(pkiDir, "admin", await issueClientCertificate(ca, { commonName: "kubernetes-admin", organizations: ["system:masters"], now: new Date(Date.now() - 305 * dayMs) }));
    const server = await startServer(options);
    try {
      const creds = await adminCredentials(server.kubeconfigPath);
      const presented = await peerCertificate(server.url, creds.ca);
      presented.close();
      assert.ok(Date.parse(new X509Certificate(presented.cert.raw).validTo) > Date.now() + 360 * dayMs, "a fresh serving certificate from the first connection");
      const events = await eventually("CertificateRenewed events", async () => {
        const r = await get(`${server.url}/api/v1/namespaces/default/events`, await adminCredentials(server.kubeconfigPath));
        const items = (JSON.parse(r.body) as { items: Array<{ reason: string; message: string }> }).items.filter((e) => e.reason === "CertificateRenewed");
        return items.length >= 2 ? items : undefined;
      });
      assert.ok(events.some((e) => /^Certificate apiserver renewed/.test(e.message)), JSON.stringify(events));
      assert.ok(events.some((e) => /^Certificate admin renewed/.test(e.message)), JSON.stringify(events));
      const admin = new X509Certificate((await adminCredentials(server.kubeconfigPath)).cert);
      assert.ok(Date.parse(admin.validTo) > Date.now() + 360 * dayMs, "the kubeconfig has the renewed admin certificate");
    } finally {
      await server.close();
    }
  });
});
