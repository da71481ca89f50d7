import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { X509Certificate, createPrivateKey } from "node:crypto";
import { mkdtemp, rm, stat, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensurePki, issueClientCertificate, servingSans, subjectAltNames, writeCertKeyPair } from "./pki.js";

describe("ensurePki", () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "k8ts-pki-"));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("creates a CA that signs the serving and admin certificates", async () => {
    const pki = await ensurePki(join(dir, "pki"), { bindAddress: "127.0.0.1", hostname: "node-a" });
    const ca = new X509Certificate(pki.ca.cert);
    const serving = new X509Certificate(pki.serving.cert);
    const admin = new X509Certificate(pki.admin.cert);
    assert.equal(ca.ca, true);
    assert.equal(ca.verify(ca.publicKey), true);
    assert.equal(serving.verify(ca.publicKey), true);
    assert.equal(admin.verify(ca.publicKey), true);
    assert.equal(serving.checkIssued(ca), true);
    assert.equal(admin.checkIssued(ca), true);
    assert.equal(serving.ca, false);
    assert.equal(serving.checkPrivateKey(keyObject(pki.serving.key)), true);
    assert.equal(admin.checkPrivateKey(keyObject(pki.admin.key)), true);
  });

  it("names localhost, the bind address, the host name and the kubernetes service in the serving certificate", async () => {
    const pki = await ensurePki(join(dir, "pki"), { bindAddress: "127.0.0.1", hostname: "node-a" });
    const sans = subjectAltNames(pki.serving.cert);
    for (const name of [
      "localhost",
      "127.0.0.1",
      "node-a",
      "kubernetes",
      "kubernetes.default",
      "kubernetes.default.svc",
      "kubernetes.default.svc.cluster.local",
      "10.96.0.1",
    ]) {
      assert.ok(sans.includes(name), `${name} missing from ${sans.join(", ")}`);
    }
    // Node agrees about which are IPs and which DNS names.
    const nodeView = new X509Certificate(pki.serving.cert).subjectAltName ?? "";
    assert.match(nodeView, /IP Address:10\.96\.0\.1/);
    assert.match(nodeView, /DNS:kubernetes\.default\.svc\.cluster\.local/);
    assert.equal(new X509Certificate(pki.serving.cert).checkHost("kubernetes.default.svc"), "kubernetes.default.svc");
    assert.equal(new X509Certificate(pki.serving.cert).checkIP("127.0.0.1"), "127.0.0.1");
  });

  it("makes the admin a member of system:masters named kubernetes-admin", async () => {
    const pki = await ensurePki(join(dir, "pki"), { bindAddress: "127.0.0.1", hostname: "node-a" });
    const subject = new X509Certificate(pki.admin.cert).subject;
    assert.match(subject, /CN=kubernetes-admin/);
    assert.match(subject, /O=system:masters/);
    assert.match(new X509Certificate(pki.admin.cert).toLegacyObject().ext_key_usage?.join(",") ?? "", /1\.3\.6\.1\.5\.5\.7\.3\.2/);
  });

  it("reuses the certificates on a second start", async () => {
    const first = await ensurePki(join(dir, "pki"), { bindAddress: "127.0.0.1", hostname: "node-a" });
    const second = await ensurePki(join(dir, "pki"), { bindAddress: "127.0.0.1", hostname: "node-a" });
    assert.deepEqual(second, first);
  });

  it("writes private keys readable by the owner only", async () => {
    await ensurePki(join(dir, "pki"), { bindAddress: "127.0.0.1", hostname: "node-a" });
    for (const name of ["ca.key", "apiserver.key", "admin.key"]) {
      const mode = (await stat(join(dir, "pki", name))).mode & 0o777;
      assert.equal(mode, 0o600, `${name} has mode ${mode.toString(8)}`);
    }
  });

  it("reissues only the serving certificate, from the same CA, when the bind address changes", async () => {
    const first = await ensurePki(join(dir, "pki"), { bindAddress: "127.0.0.1", hostname: "node-a" });
    const moved = await ensurePki(join(dir, "pki"), { bindAddress: "192.0.2.7", hostname: "node-a" });
    assert.equal(moved.ca.cert, first.ca.cert);
    assert.equal(moved.admin.cert, first.admin.cert);
    assert.notEqual(moved.serving.cert, first.serving.cert);
    assert.ok(subjectAltNames(moved.serving.cert).includes("192.0.2.7"));
    assert.equal(new X509Certificate(moved.serving.cert).verify(new X509Certificate(first.ca.cert).publicKey), true);
  });

  it("reissues a leaf certificate that is about to expire", async () => {
    const first = await ensurePki(join(dir, "pki"), { bindAddress: "127.0.0.1", hostname: "node-a" });
    const later = new Date(Date.now() + 340 * 24 * 3600 * 1000);
    const renewed = await ensurePki(join(dir, "pki"), { bindAddress: "127.0.0.1", hostname: "node-a", now: later });
    assert.equal(renewed.ca.cert, first.ca.cert);
    assert.notEqual(renewed.admin.cert, first.admin.cert);
    assert.notEqual(renewed.serving.cert, first.serving.cert);
    assert.ok(new Date(new X509Certificate(renewed.admin.cert).validTo).getTime() > later.getTime() + 300 * 24 * 3600 * 1000);
  });
});

describe("issueClientCertificate", () => {
  it("issues a client certificate with the given user and groups, signed by the CA", async () => {
    const dir = await mkdtemp(join(tmpdir(), "k8ts-pki-"));
    try {
      const pki = await ensurePki(dir, { bindAddress: "127.0.0.1", hostname: "node-a" });
      const node = await issueClientCertificate(pki.ca, { commonName: "system:node:worker-1", organizations: ["system:nodes"] });
      const cert = new X509Certificate(node.cert);
      assert.equal(cert.verify(new X509Certificate(pki.ca.cert).publicKey), true);
      assert.match(cert.subject, /CN=system:node:worker-1/);
      assert.match(cert.subject, /O=system:nodes/);
      assert.equal(cert.checkPrivateKey(keyObject(node.key)), true);

      await writeCertKeyPair(join(dir, "nodes"), "worker-1", node);
      assert.equal(await readFile(join(dir, "nodes", "worker-1.crt"), "utf8"), node.cert);
      assert.equal((await stat(join(dir, "nodes", "worker-1.key"))).mode & 0o777, 0o600);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("servingSans", () => {
  it("lists each name once", () => {
    const sans = servingSans({ bindAddress: "127.0.0.1", hostname: "localhost" });
    assert.equal(sans.length, new Set(sans).size);
  });

  it("names the machine's addresses instead of 0.0.0.0 when listening everywhere", () => {
    const sans = servingSans({ bindAddress: "0.0.0.0", hostname: "node-a" });
    assert.ok(!sans.includes("0.0.0.0"));
    assert.ok(sans.includes("127.0.0.1"));
  });
});

/** node:crypto's X509Certificate.checkPrivateKey wants a KeyObject. */
function keyObject(pem: string) {
  return createPrivateKey(pem);
}
