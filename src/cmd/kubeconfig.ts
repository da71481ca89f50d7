import { mkdir, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { isIPv6 } from "node:net";
import { stringify } from "yaml";

/**
 * Writes an admin kubeconfig, in the format kubectl reads
 * (https://kubernetes.io/docs/concepts/configuration/organize-cluster-access-kubeconfig/):
 * one cluster, one user with an embedded client certificate, one context that joins
 * them, and that context as current-context. The file holds a private key, so it is 0600.
 *
 *   await writeKubeconfig("/var/lib/k8ts/kubeconfig.yaml", { server: "https://127.0.0.1:6443", caCert, clientCert, clientKey });
 */
export interface KubeconfigOptions {
  /** The API server's URL, e.g. https://127.0.0.1:6443. */
  server: string;
  /** PEM of the CA that signed the serving certificate. */
  caCert: string;
  /** PEM of the user's client certificate and key. */
  clientCert: string;
  clientKey: string;
  /** Defaults: cluster and context `k8ts`, user `admin`. */
  clusterName?: string;
  userName?: string;
  contextName?: string;
}

/** The kubeconfig document as YAML text. */
export function renderKubeconfig(options: KubeconfigOptions): string {
  const cluster = options.clusterName ?? "k8ts";
  const user = options.userName ?? "admin";
  const context = options.contextName ?? "k8ts";
  const doc = {
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: cluster, cluster: { server: options.server, "certificate-authority-data": base64(options.caCert) } }],
    users: [{ name: user, user: { "client-certificate-data": base64(options.clientCert), "client-key-data": base64(options.clientKey) } }],
    contexts: [{ name: context, context: { cluster, user } }],
    "current-context": context,
    preferences: {},
  };
  // lineWidth 0: never fold the long base64 lines.
  return stringify(doc, { lineWidth: 0 });
}

/** Writes the kubeconfig (0600, atomically) and returns its path. */
export async function writeKubeconfig(path: string, options: KubeconfigOptions): Promise<string> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, renderKubeconfig(options), { mode: 0o600 });
  await rename(tmp, path);
  return path;
}

/**
 * The URL clients on this machine use for a server bound to `bindAddress`: a wildcard
 * address becomes loopback; IPv6 literals get brackets.
 */
export function serverUrl(bindAddress: string, port: number): string {
  let host = bindAddress;
  if (host === "" || host === "0.0.0.0") host = "127.0.0.1";
  else if (host === "::") host = "::1";
  return `https://${isIPv6(host) ? `[${host}]` : host}:${port}`;
}

function base64(pem: string): string {
  return Buffer.from(pem, "utf8").toString("base64");
}
