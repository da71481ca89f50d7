// Certificate renewal while `k8ts server` runs (k3s: certificates within 90 days of
// expiry are renewed; kubeadm's `certs renew` does the same by hand). Each managed
// certificate in DATA_DIR/pki is checked at start and then every `checkIntervalMs`; one
// within `renewBeforeMs` of its notAfter is issued again by the same CA with the same
// subject, SANs and usage, written atomically, and handed to its `apply` (the HTTPS
// server's secure context, the kubeconfig, the kubelet client's TLS object) — no restart.
// Each certificate's expiry is the gauge k8ts_certificate_expiration_timestamp_seconds
// on the API server's /metrics; a renewal records a Normal `CertificateRenewed` Event.
import "reflect-metadata";
import * as x509 from "@peculiar/x509";
import { X509Certificate } from "node:crypto";
import { Counter, Gauge } from "prom-client";
import { apiserverRegistry } from "../apiserver/index.js";
import { realClock, type Clock, type EventRecorder } from "../client/index.js";
import { issueClientCertificate, issueServingCertificate, readCertKeyPair, subjectAltNames, writeCertKeyPair, type CertificateAuthority, type CertKeyPair } from "./pki.js";

const dayMs = 24 * 60 * 60 * 1000;
/** k3s renews certificates within 90 days of expiry. */
export const defaultRenewBeforeMs = 90 * dayMs;
export const defaultCheckIntervalMs = 60 * 60 * 1000;

export const certificateExpiration = new Gauge({
  name: "k8ts_certificate_expiration_timestamp_seconds",
  help: "[ALPHA] Expiry (notAfter, Unix seconds) of each certificate k8ts server keeps in its data dir.",
  labelNames: ["name"],
  registers: [apiserverRegistry],
});
export const certificateRenewals = new Counter({
  name: "k8ts_certificate_renewals_total",
  help: "[ALPHA] Certificates k8ts server renewed before they expired, by certificate.",
  labelNames: ["name", "result"],
  registers: [apiserverRegistry],
});

export interface ManagedCertificate {
  /** The file base name in the PKI dir (`apiserver` → apiserver.crt/.key); the metric's `name` label. */
  name: string;
  /** Puts a renewed pair to use. */
  apply(pair: CertKeyPair): Promise<void> | void;
}

export interface CertificateRenewerOptions {
  dir: string;
  ca: CertificateAuthority;
  certificates: readonly ManagedCertificate[];
  clock?: Clock;
  /** Renew when less than this remains (default 90 days). */
  renewBeforeMs?: number;
  /** How often to look (default 1 hour). */
  checkIntervalMs?: number;
  /** Records CertificateRenewed on this object (the server's Node). */
  events?: { recorder: EventRecorder; object: Parameters<EventRecorder["event"]>[0] };
  log?: (line: string) => void;
}

export interface RenewalResult {
  name: string;
  notAfter: Date;
  renewed: boolean;
  previousNotAfter?: Date;
}

/** The expiry of a PEM certificate. */
export function notAfterOf(certPem: string): Date {
  return new Date(new X509Certificate(certPem).validTo);
}

/**
 * Issues a certificate like `old`: same CA, common name, organizations, SANs and usage
 * (server or client), valid from `now` for the default leaf lifetime.
 */
export async function reissueLike(ca: CertificateAuthority, old: string, now: Date): Promise<CertKeyPair> {
  const cert = new x509.X509Certificate(old);
  const commonName = cert.subjectName.getField("CN")[0] ?? "";
  const organizations = cert.subjectName.getField("O");
  const eku = cert.getExtension(x509.ExtendedKeyUsageExtension);
  const server = eku?.usages.includes(x509.ExtendedKeyUsage.serverAuth) ?? false;
  return server ? issueServingCertificate(ca, { commonName, sans: subjectAltNames(old), now }) : issueClientCertificate(ca, { commonName, organizations, now });
}

export class CertificateRenewer {
  private readonly clock: Clock;
  private readonly renewBeforeMs: number;
  private readonly checkIntervalMs: number;
  private readonly log: (line: string) => void;
  /** The check `run` started last (tests wait on it after moving a fake clock). */
  lastCheck: Promise<RenewalResult[]> = Promise.resolve([]);

  constructor(private readonly options: CertificateRenewerOptions) {
    this.clock = options.clock ?? realClock;
    this.renewBeforeMs = options.renewBeforeMs ?? defaultRenewBeforeMs;
    this.checkIntervalMs = options.checkIntervalMs ?? defaultCheckIntervalMs;
    this.log = options.log ?? ((line) => console.log(line));
  }

  /** Looks at every certificate once; renews and applies those due. Never throws: a failure is logged and counted, and tried again next time. */
  async check(): Promise<RenewalResult[]> {
    const now = new Date(this.clock.now());
    const results: RenewalResult[] = [];
    for (const managed of this.options.certificates) {
      try {
        const current = await readCertKeyPair(this.options.dir, managed.name);
        if (!current) continue;
        const notAfter = notAfterOf(current.cert);
        if (notAfter.getTime() - now.getTime() >= this.renewBeforeMs) {
          certificateExpiration.set({ name: managed.name }, Math.floor(notAfter.getTime() / 1000));
          results.push({ name: managed.name, notAfter, renewed: false });
          continue;
        }
        const pair = await reissueLike(this.options.ca, current.cert, now);
        await writeCertKeyPair(this.options.dir, managed.name, pair);
        await managed.apply(pair);
        const next = notAfterOf(pair.cert);
        certificateExpiration.set({ name: managed.name }, Math.floor(next.getTime() / 1000));
        certificateRenewals.inc({ name: managed.name, result: "success" });
        const message = `Certificate ${managed.name} renewed: it expired ${notAfter.toISOString()}, the new one expires ${next.toISOString()}`;
        this.log(`certificates: ${message}`);
        this.options.events?.recorder.event(this.options.events.object, "Normal", "CertificateRenewed", message);
        results.push({ name: managed.name, notAfter: next, renewed: true, previousNotAfter: notAfter });
      } catch (err) {
        certificateRenewals.inc({ name: managed.name, result: "error" });
        this.log(`certificates: renewing ${managed.name}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    return results;
  }

  /**
   * Reports certificates the start-up already issued again (ensurePki: expired or within
   * 30 days): counted and announced like the renewals here.
   */
  announce(renewed: ReadonlyArray<{ name: string; previousNotAfter: Date }>, current: (name: string) => string | undefined): void {
    for (const r of renewed) {
      const pem = current(r.name);
      if (!pem) continue;
      const next = notAfterOf(pem);
      certificateRenewals.inc({ name: r.name, result: "success" });
      const message = `Certificate ${r.name} renewed: it expired ${r.previousNotAfter.toISOString()}, the new one expires ${next.toISOString()}`;
      this.log(`certificates: ${message}`);
      this.options.events?.recorder.event(this.options.events.object, "Normal", "CertificateRenewed", message);
    }
  }

  /** Checks now, then every checkIntervalMs until `signal` aborts. */
  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      this.lastCheck = this.check();
      await this.lastCheck;
      try {
        await this.clock.sleep(this.checkIntervalMs, signal);
      } catch {
        return;
      }
    }
  }
}
