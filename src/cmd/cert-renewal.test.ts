// Certificate renewal with a fake clock: what is due is renewed (and applied, written,
// measured, announced), what is not is left alone; the timer renews later as time passes.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { X509Certificate } from "node:crypto";
import { FakeClock } from "../client/index.js";
import { apiserverRegistry } from "../apiserver/index.js";
import { CertificateRenewer, notAfterOf, type ManagedCertificate } from "./cert-renewal.js";
import { parseServerFlags } from "./main.js";
import { ensurePki, issueClientCertificate, issueServingCertificate, subjectAltNames, writeCertKeyPair, type CertKeyPair, type Pki } from "./pki.js";

const dayMs = 24 * 60 * 60 * 1000;
const T = Date.parse("2030-06-01T00:00:00Z");

async function gauge(name: string): Promise<number | undefined> {
  const metric = await apiserverRegistry.getSingleMetric("k8ts_certificate_expiration_timestamp_seconds")?.get();
  return metric?.values.find((v) => v.labels.name === name)?.value;
}

describe("CertificateRenewer", () => {
  let dir: string;
  let pki: Pki;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "certrenew-"));
    pki = await ensurePki(join(dir, "pki"), { bindAddress: "127.0.0.1", hostname: "node-a", now: new Date(T - 400 * dayMs) });
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it("renews a certificate 10 days from expiry and leaves one with 300 days left", async () => {
    // Leaf certificates live 365 days: issued 355 days ago → 10 days left; 65 days ago → 300 days left.
    const near = await issueServingCertificate(pki.ca, { commonName: "near-serving", sans: ["localhost", "10.0.0.7"], now: new Date(T - 355 * dayMs) });
    const far = await issueClientCertificate(pki.ca, { commonName: "far-client", organizations: ["system:masters"], now: new Date(T - 65 * dayMs) });
    await writeCertKeyPair(pki.dir, "near", near);
    await writeCertKeyPair(pki.dir, "far", far);
    const applied: Array<[string, CertKeyPair]> = [];
    const events: Array<[string, string, string]> = [];
    const managed = (name: string): ManagedCertificate => ({ name, apply: (pair) => void applied.push([name, pair]) });
    const clock = new FakeClock({ now: T });
    const recorder = { event: (_obj: unknown, type: string, reason: string, message: string) => void events.push([type, reason, message]) };
    const renewer = new CertificateRenewer({
      dir: pki.dir,
      ca: pki.ca,
      certificates: [managed("near"), managed("far")],
      clock,
      // Only `event` is called; the recorder's other members are not needed here.
      events: { recorder: recorder as unknown as import("../client/index.js").EventRecorder, object: { apiVersion: "v1", kind: "Node", metadata: { name: "node-a" } } },
      log: () => undefined,
    });
    const results = await renewer.check();
    assert.deepEqual(results.map((r) => [r.name, r.renewed]), [["near", true], ["far", false]]);
    // The renewed one: applied, written, same subject/SANs/usage, a full year from now.
    assert.equal(applied.length, 1);
    const [name, pair] = applied[0]!;
    assert.equal(name, "near");
    assert.equal(await readFile(join(pki.dir, "near.crt"), "utf8"), pair.cert);
    assert.notEqual(pair.cert, near.cert);
    const cert = new X509Certificate(pair.cert);
    assert.match(cert.subject, /CN=near-serving/);
    assert.deepEqual(subjectAltNames(pair.cert).sort(), ["10.0.0.7", "localhost"]);
    assert.ok(cert.checkIssued(new X509Certificate(pki.ca.cert)), "signed by the same CA");
    assert.ok(cert.verify(new X509Certificate(pki.ca.cert).publicKey));
    assert.ok(Math.abs(notAfterOf(pair.cert).getTime() - (T + 365 * dayMs)) < 2000);
    assert.match(cert.keyUsage?.join(",") ?? "", /1\.3\.6\.1\.5\.5\.7\.3\.1/, "still a serving certificate (serverAuth)");
    // The untouched one keeps its file.
    assert.equal(await readFile(join(pki.dir, "far.crt"), "utf8"), far.cert);
    // Metrics and the Event.
    assert.equal(await gauge("near"), Math.floor(notAfterOf(pair.cert).getTime() / 1000));
    assert.equal(await gauge("far"), Math.floor(notAfterOf(far.cert).getTime() / 1000));
    assert.equal(events.length, 1);
    assert.equal(events[0]![0], "Normal");
    assert.equal(events[0]![1], "CertificateRenewed");
    assert.match(events[0]![2], /^Certificate near renewed/);
    // Checking again changes nothing.
    assert.deepEqual((await renewer.check()).map((r) => r.renewed), [false, false]);
    assert.equal(applied.length, 1);
  });

  it("renews on its timer as the certificate nears expiry, without being asked", async () => {
    const cert = await issueClientCertificate(pki.ca, { commonName: "timer-client", organizations: ["g1", "g2"], now: new Date(T - 65 * dayMs) });
    await writeCertKeyPair(pki.dir, "timer", cert);
    const clock = new FakeClock({ now: T });
    const applied: CertKeyPair[] = [];
    const renewer = new CertificateRenewer({ dir: pki.dir, ca: pki.ca, certificates: [{ name: "timer", apply: (p) => void applied.push(p) }], clock, checkIntervalMs: dayMs, log: () => undefined });
    const stop = new AbortController();
    const running = renewer.run(stop.signal);
    // Day by day: each check reads the files (real I/O) before the timer is armed again.
    const days = async (n: number) => {
      for (let i = 0; i < n; i++) {
        await renewer.lastCheck;
        await clock.advance(dayMs);
      }
      await renewer.lastCheck;
    };
    await days(200);
    assert.equal(applied.length, 0, "300 → 100 days left: not yet");
    await days(15);
    assert.equal(applied.length, 1, "under 90 days left: renewed by the timer");
    const renewed = new X509Certificate(applied[0]!.cert);
    assert.match(renewed.subject, /CN=timer-client/);
    assert.match(renewed.subject, /O=g1/);
    assert.match(renewed.subject, /O=g2/);
    await days(30);
    assert.equal(applied.length, 1, "the renewed one is good for a year");
    stop.abort();
    await running;
  });

  it("keeps going when one certificate cannot be renewed", async () => {
    await writeCertKeyPair(pki.dir, "broken", { cert: "not a certificate", key: "x" });
    const ok = await issueClientCertificate(pki.ca, { commonName: "ok", now: new Date(T - 360 * dayMs) });
    await writeCertKeyPair(pki.dir, "ok", ok);
    const lines: string[] = [];
    const renewer = new CertificateRenewer({ dir: pki.dir, ca: pki.ca, certificates: [{ name: "broken", apply: () => undefined }, { name: "ok", apply: () => undefined }], clock: new FakeClock({ now: T }), log: (l) => lines.push(l) });
    const results = await renewer.check();
    assert.deepEqual(results.map((r) => [r.name, r.renewed]), [["ok", true]]);
    assert.ok(lines.some((l) => l.startsWith("certificates: renewing broken:")));
  });
});

describe("--certificate-renew-before", () => {
  const env = { isRoot: false, home: "/tmp/certrenew-home" };
  it("sets the renewal threshold; the default is left to the renewer (90 days)", () => {
    assert.equal(parseServerFlags(["--certificate-renew-before", "720h"], env).certificateRenewBeforeMs, 30 * dayMs);
    assert.equal(parseServerFlags([], env).certificateRenewBeforeMs, undefined);
  });
  it("refuses what is not a positive duration", () => {
    assert.throws(() => parseServerFlags(["--certificate-renew-before", "90d"], env), /--certificate-renew-before: "90d" is not a duration like 2160h/);
    assert.throws(() => parseServerFlags(["--certificate-renew-before", "0"], env), /is not a duration/);
  });
});
