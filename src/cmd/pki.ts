// tsyringe (inside @peculiar/x509) needs the Reflect metadata polyfill before it loads.
import "reflect-metadata";
import * as x509 from "@peculiar/x509";
import { webcrypto } from "node:crypto";
import { isIP } from "node:net";
import { hostname as osHostname, networkInterfaces } from "node:os";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";

/**
 * The cluster's PKI, kept in DATA_DIR/pki as PEM files (kubeadm's names where it has one):
 *
 *   ca.crt, ca.key                 the cluster CA (10 years)
 *   apiserver.crt, apiserver.key   the API server's serving certificate (1 year)
 *   admin.crt, admin.key           CN=kubernetes-admin, O=system:masters (1 year)
 *
 * `ensurePki` creates what is missing and reuses what is there. A leaf certificate is
 * issued again (by the same CA) when it is within 30 days of expiry or, for the serving
 * certificate, when it lacks a name the current flags need. Keys are written 0600.
 * While the server runs, cert-renewal.ts renews them earlier (90 days by default) and
 * puts the new ones to use without a restart.
 * Keys are ECDSA P-256, signatures ECDSA with SHA-256.
 *
 *   const pki = await ensurePki(join(dataDir, "pki"), { bindAddress: "127.0.0.1" });
 *   https.createServer({ key: pki.serving.key, cert: pki.serving.cert, ca: pki.ca.cert, requestCert: true });
 */

const crypto = webcrypto;
x509.cryptoProvider.set(crypto);

const keyAlgorithm: webcrypto.EcKeyGenParams = { name: "ECDSA", namedCurve: "P-256" };
const signingAlgorithm: webcrypto.EcdsaParams = { name: "ECDSA", hash: "SHA-256" };
const dayMs = 24 * 60 * 60 * 1000;
const caValidityDays = 3650;
const leafValidityDays = 365;
const renewBeforeDays = 30;

/** A certificate and its private key, both PEM. */
export interface CertKeyPair {
  cert: string;
  key: string;
}

/** The CA that signs everything else: its certificate and key (PEM). */
export type CertificateAuthority = CertKeyPair;

export interface Pki {
  dir: string;
  ca: CertificateAuthority;
  serving: CertKeyPair;
  admin: CertKeyPair;
  /** Certificates that were there but issued again by this call (near expiry, expired, names missing), with their old expiry. */
  renewed: Array<{ name: string; previousNotAfter: Date }>;
}

export interface EnsurePkiOptions {
  /** The address the API server listens on; goes into the serving certificate. */
  bindAddress: string;
  /** Defaults to os.hostname(). */
  hostname?: string;
  /** More DNS names or IP addresses for the serving certificate. */
  extraSans?: string[];
  /** The current time; tests move it. */
  now?: Date;
}

/** Names every serving certificate carries, besides the bind address and host name. */
export const defaultServingSans: readonly string[] = [
  "localhost",
  "127.0.0.1",
  "kubernetes",
  "kubernetes.default",
  "kubernetes.default.svc",
  "kubernetes.default.svc.cluster.local",
  "10.96.0.1",
];

export const adminCommonName = "kubernetes-admin";
export const adminOrganization = "system:masters";

/** Creates the CA, serving and admin certificates in `dir` if absent; reuses them otherwise. */
export async function ensurePki(dir: string, options: EnsurePkiOptions): Promise<Pki> {
  const now = options.now ?? new Date();
  await mkdir(dir, { recursive: true, mode: 0o700 });

  let ca = await readPair(dir, "ca");
  if (!ca || !isValidAt(new x509.X509Certificate(ca.cert), now, 0)) {
    ca = await createCa({ now });
    await writePair(dir, "ca", ca);
  }

  const renewed: Pki["renewed"] = [];
  const sans = servingSans(options);
  let serving = await readPair(dir, "apiserver");
  if (!serving || !(await leafIsUsable(serving, ca, now)) || !hasSans(serving.cert, sans)) {
    if (serving) renewed.push({ name: "apiserver", previousNotAfter: new x509.X509Certificate(serving.cert).notAfter });
    serving = await issueCertificate(ca, { commonName: "kube-apiserver", sans, usage: "server", now });
    await writePair(dir, "apiserver", serving);
  }

  let admin = await readPair(dir, "admin");
  if (!admin || !(await leafIsUsable(admin, ca, now))) {
    if (admin) renewed.push({ name: "admin", previousNotAfter: new x509.X509Certificate(admin.cert).notAfter });
    admin = await issueClientCertificate(ca, { commonName: adminCommonName, organizations: [adminOrganization], now });
    await writePair(dir, "admin", admin);
  }

  return { dir, ca, serving, admin, renewed };
}

export interface ClientCertificateOptions {
  /** The user name the API server sees, e.g. `system:node:worker-1`. */
  commonName: string;
  /** The groups, e.g. `system:nodes`. */
  organizations?: string[];
  validityDays?: number;
  now?: Date;
}

/**
 * Issues a client certificate signed by `ca` (for the node agent, other users). Write it
 * with `writeCertKeyPair` or put it in a kubeconfig; it is not stored by this call.
 */
export function issueClientCertificate(ca: CertificateAuthority, options: ClientCertificateOptions): Promise<CertKeyPair> {
  return issueCertificate(ca, { ...options, usage: "client" });
}

/** Issues a serving certificate signed by `ca` for these DNS names and IP addresses (e.g. a kubelet's). */
export function issueServingCertificate(ca: CertificateAuthority, options: { commonName: string; sans: string[]; now?: Date }): Promise<CertKeyPair> {
  return issueCertificate(ca, { ...options, usage: "server" });
}

/** Reads `<name>.crt` and `<name>.key` from `dir`, if both are there and `ca` signed a certificate still valid for 30 days. */
export async function readUsablePair(dir: string, name: string, ca: CertificateAuthority, now = new Date()): Promise<CertKeyPair | undefined> {
  const pair = await readPair(dir, name);
  return pair && (await leafIsUsable(pair, ca, now)) ? pair : undefined;
}

/** Reads `<name>.crt` and `<name>.key` from `dir` as they are (undefined when either is missing). */
export function readCertKeyPair(dir: string, name: string): Promise<CertKeyPair | undefined> {
  return readPair(dir, name);
}

/** Writes `<name>.crt` (0644) and `<name>.key` (0600) into `dir`. */
export async function writeCertKeyPair(dir: string, name: string, pair: CertKeyPair): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await writePair(dir, name, pair);
}

/** The DNS names and IP addresses the serving certificate needs for these options. */
export function servingSans(options: Pick<EnsurePkiOptions, "bindAddress" | "hostname" | "extraSans">): string[] {
  const names = [...defaultServingSans];
  const bind = options.bindAddress;
  if (isUnspecified(bind)) {
    // Listening everywhere: name every address this machine has, as k3s does, so agents on
    // other machines can verify the server by IP.
    for (const list of Object.values(networkInterfaces())) {
      for (const a of list ?? []) if (!a.internal && !a.address.startsWith("fe80:")) names.push(a.address);
    }
  } else if (bind) {
    names.push(bind);
  }
  names.push(options.hostname ?? osHostname());
  names.push(...(options.extraSans ?? []));
  return [...new Set(names.filter((n) => n !== ""))];
}

interface IssueOptions {
  commonName: string;
  organizations?: string[];
  sans?: string[];
  usage: "server" | "client";
  validityDays?: number;
  now?: Date;
}

async function createCa(options: { now: Date }): Promise<CertificateAuthority> {
  const keys = await crypto.subtle.generateKey(keyAlgorithm, true, ["sign", "verify"]);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: `CN=k8ts-ca-${Math.floor(options.now.getTime() / 1000)}`,
    notBefore: backdate(options.now),
    notAfter: new Date(options.now.getTime() + caValidityDays * dayMs),
    signingAlgorithm,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { cert: cert.toString("pem"), key: await exportKey(keys.privateKey) };
}

async function issueCertificate(ca: CertificateAuthority, options: IssueOptions): Promise<CertKeyPair> {
  const now = options.now ?? new Date();
  const caCert = new x509.X509Certificate(ca.cert);
  const caKey = await importKey(ca.key);
  const keys = await crypto.subtle.generateKey(keyAlgorithm, true, ["sign", "verify"]);
  const subject = [`CN=${escapeDn(options.commonName)}`, ...(options.organizations ?? []).map((o) => `O=${escapeDn(o)}`)];
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
    new x509.ExtendedKeyUsageExtension([options.usage === "server" ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth]),
    await x509.AuthorityKeyIdentifierExtension.create(caCert.publicKey),
  ];
  if (options.sans?.length) {
    extensions.push(
      new x509.SubjectAlternativeNameExtension(options.sans.map((value) => ({ type: isIP(value) ? "ip" : "dns", value }))),
    );
  }
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: subject.join(", "),
    issuer: caCert.subject,
    notBefore: backdate(now),
    notAfter: new Date(now.getTime() + (options.validityDays ?? leafValidityDays) * dayMs),
    signingAlgorithm,
    publicKey: keys.publicKey,
    signingKey: caKey,
    extensions,
  });
  return { cert: cert.toString("pem"), key: await exportKey(keys.privateKey) };
}

async function leafIsUsable(pair: CertKeyPair, ca: CertificateAuthority, now: Date): Promise<boolean> {
  const cert = new x509.X509Certificate(pair.cert);
  if (!isValidAt(cert, now, renewBeforeDays)) return false;
  const caCert = new x509.X509Certificate(ca.cert);
  return cert.verify({ publicKey: caCert.publicKey, date: now, signatureOnly: true });
}

function isValidAt(cert: x509.X509Certificate, now: Date, marginDays: number): boolean {
  return cert.notBefore.getTime() <= now.getTime() && cert.notAfter.getTime() - marginDays * dayMs > now.getTime();
}

function hasSans(certPem: string, wanted: string[]): boolean {
  const have = new Set(subjectAltNames(certPem));
  return wanted.every((n) => have.has(n));
}

/** The DNS names and IP addresses in a certificate's subjectAltName extension. */
export function subjectAltNames(certPem: string): string[] {
  const ext = new x509.X509Certificate(certPem).getExtension(x509.SubjectAlternativeNameExtension);
  return ext ? ext.names.items.map((n) => n.value) : [];
}

async function readPair(dir: string, name: string): Promise<CertKeyPair | undefined> {
  try {
    const [cert, key] = await Promise.all([readFile(join(dir, `${name}.crt`), "utf8"), readFile(join(dir, `${name}.key`), "utf8")]);
    return { cert, key };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}

async function writePair(dir: string, name: string, pair: CertKeyPair): Promise<void> {
  // Key first, then certificate, each by rename so a crash never leaves half a file.
  await writeAtomic(join(dir, `${name}.key`), pair.key, 0o600);
  await writeAtomic(join(dir, `${name}.crt`), pair.cert, 0o644);
}

async function writeAtomic(path: string, data: string, mode: number): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, data, { mode });
  await rename(tmp, path);
}

async function exportKey(key: webcrypto.CryptoKey): Promise<string> {
  const der = await crypto.subtle.exportKey("pkcs8", key);
  return x509.PemConverter.encode(der, "PRIVATE KEY");
}

async function importKey(pem: string): Promise<webcrypto.CryptoKey> {
  const [der] = x509.PemConverter.decode(pem);
  if (!der) throw new Error("no PEM block in private key");
  return crypto.subtle.importKey("pkcs8", der, keyAlgorithm, false, ["sign"]);
}

function randomSerial(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[0] = (bytes[0] ?? 0) & 0x7f; // positive, as RFC 5280 requires
  return Buffer.from(bytes).toString("hex");
}

/** Starts validity an hour early so a client with a slightly slow clock accepts a fresh cert. */
function backdate(now: Date): Date {
  return new Date(now.getTime() - 60 * 60 * 1000);
}

function isUnspecified(address: string): boolean {
  return address === "0.0.0.0" || address === "::" || address === "";
}

function escapeDn(value: string): string {
  return value.replace(/([,+"\\<>;=])/g, "\\$1");
}

/** The service-account signing key pair (kubeadm's sa.key, sa.pub), both PEM. */
export interface ServiceAccountKeyPair {
  privateKey: string;
  publicKey: string;
}

/**
 * Creates `sa.key` (0600) and `sa.pub` in `dir` if absent (RSA 2048, as kubeadm: tokens
 * are RS256) and reuses them otherwise, so tokens outlive restarts.
 */
export async function ensureServiceAccountKey(dir: string): Promise<ServiceAccountKeyPair> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  try {
    const [privateKey, publicKey] = await Promise.all([readFile(join(dir, "sa.key"), "utf8"), readFile(join(dir, "sa.pub"), "utf8")]);
    return { privateKey, publicKey };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  const { generateKeyPairSync } = await import("node:crypto");
  const pair = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const keys = {
    privateKey: pair.privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    publicKey: pair.publicKey.export({ type: "spki", format: "pem" }).toString(),
  };
  await writeAtomic(join(dir, "sa.key"), keys.privateKey, 0o600);
  await writeAtomic(join(dir, "sa.pub"), keys.publicKey, 0o644);
  return keys;
}
