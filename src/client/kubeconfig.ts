import { readFile } from "node:fs/promises";
import { dirname, isAbsolute, resolve } from "node:path";
import { homedir } from "node:os";
import { parse } from "yaml";
import type { HttpTransportOptions } from "./http-transport.js";

/**
 * Reads a kubeconfig (as kubectl writes it) into options for `httpTransport`: the
 * current context's (or `context`'s) cluster server, CA and TLS setting, and its user's
 * client certificate and key or token. `*-data` fields are base64 PEM; file fields are
 * resolved against the kubeconfig's folder, as kubectl does.
 *
 *   const transport = httpTransport(await loadKubeconfig("/var/lib/k8ts/kubeconfig.yaml"));
 */
export async function loadKubeconfig(path: string, options: { context?: string } = {}): Promise<HttpTransportOptions> {
  const file = expandHome(path);
  const doc: unknown = parse(await readFile(file, "utf8"));
  const config = asRecord(doc, "kubeconfig");
  const contextName = options.context ?? str(config["current-context"]);
  if (!contextName) throw new Error(`${file}: no current-context and no context given`);
  const context = asRecord(named(config.contexts, contextName, "context", file), `context ${contextName}`);
  const clusterName = str(context.cluster);
  const userName = str(context.user);
  if (!clusterName) throw new Error(`${file}: context "${contextName}" names no cluster`);
  const cluster = asRecord(named(config.clusters, clusterName, "cluster", file), `cluster ${clusterName}`);
  const user = userName ? asRecord(named(config.users, userName, "user", file), `user ${userName}`) : {};

  const server = str(cluster.server);
  if (!server) throw new Error(`${file}: cluster "${clusterName}" has no server`);
  const dir = dirname(file);
  const out: HttpTransportOptions = { server };
  out.ca = await pem(cluster["certificate-authority-data"], cluster["certificate-authority"], dir);
  out.cert = await pem(user["client-certificate-data"], user["client-certificate"], dir);
  out.key = await pem(user["client-key-data"], user["client-key"], dir);
  const token = str(user.token) ?? (str(user.tokenFile) ? (await readFile(resolveIn(dir, str(user.tokenFile) as string), "utf8")).trim() : undefined);
  if (token) out.token = token;
  if (cluster["insecure-skip-tls-verify"] === true) out.insecureSkipTlsVerify = true;
  for (const k of ["ca", "cert", "key"] as const) if (out[k] === undefined) delete out[k];
  return out;
}

function named(list: unknown, name: string, what: string, file: string): unknown {
  if (Array.isArray(list)) {
    for (const entry of list) {
      const e = entry as { name?: unknown } | null;
      if (e && e.name === name) return (e as Record<string, unknown>)[what];
    }
  }
  throw new Error(`${file}: no ${what} named "${name}"`);
}

async function pem(data: unknown, file: unknown, dir: string): Promise<string | undefined> {
  if (typeof data === "string" && data) return Buffer.from(data, "base64").toString("utf8");
  if (typeof file === "string" && file) return readFile(resolveIn(dir, file), "utf8");
  return undefined;
}

function resolveIn(dir: string, p: string): string {
  const e = expandHome(p);
  return isAbsolute(e) ? e : resolve(dir, e);
}

function expandHome(p: string): string {
  return p === "~" || p.startsWith("~/") ? homedir() + p.slice(1) : p;
}

function asRecord(v: unknown, what: string): Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw new Error(`kubeconfig: ${what} is not a mapping`);
  return v as Record<string, unknown>;
}

function str(v: unknown): string | undefined {
  return typeof v === "string" && v ? v : undefined;
}
