// What the node agent needs on the machine, checked at start so that a missing
// package is one clear line, not a CRI error minutes later.
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";

/** The Debian packages that bring everything the node agent runs. */
export const NODE_APT_PACKAGES = [
  "containerd",
  "runc",
  "containernetworking-plugins",
  "busybox-static",
  "umoci",
  "skopeo",
  "iptables",
  "conntrack",
] as const;

export const APT_INSTALL_HINT = `apt-get install -y ${NODE_APT_PACKAGES.join(" ")}`;

/** Where Debian's containernetworking-plugins puts the CNI plugins. */
export const DEFAULT_CNI_BIN_DIR = "/usr/lib/cni";

export const REQUIRED_CNI_PLUGINS = ["bridge", "host-local", "portmap", "loopback"] as const;

/** The full path of an executable found in `path` (a PATH string), or undefined. */
export function findExecutable(name: string, path: string | undefined = process.env["PATH"]): string | undefined {
  if (name.includes("/")) return isExecutable(name) ? name : undefined;
  for (const dir of (path ?? "").split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, name);
    if (isExecutable(p)) return p;
  }
  return undefined;
}

function isExecutable(p: string): boolean {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export interface PrerequisiteOptions {
  /** PATH to search (default: this process's). */
  path?: string;
  cniBinDir?: string;
  /** Also check for what a private containerd needs (containerd, its shim, ctr). */
  managedContainerd?: boolean;
  /** Also check for busybox (to build k8ts's own images). */
  images?: boolean;
}

/**
 * Returns undefined when everything is there, else ONE line naming what is missing
 * and the apt-get command that installs it.
 */
export function checkNodePrerequisites(opts: PrerequisiteOptions = {}): string | undefined {
  const missing: string[] = [];
  const bins = ["runc", "iptables"];
  if (opts.managedContainerd ?? true) bins.unshift("containerd", "containerd-shim-runc-v2", "ctr");
  if (opts.images ?? true) bins.push("busybox");
  for (const b of bins) if (!findExecutable(b, opts.path)) missing.push(b);
  const cniDir = opts.cniBinDir ?? DEFAULT_CNI_BIN_DIR;
  const cniMissing = REQUIRED_CNI_PLUGINS.filter((p) => !isExecutable(join(cniDir, p)));
  if (cniMissing.length) missing.push(`CNI plugins ${cniMissing.join(", ")} in ${cniDir}`);
  if (!missing.length) return undefined;
  return `k8ts node agent: missing ${missing.join(", ")}; install them with: ${APT_INSTALL_HINT}`;
}

/** Thrown when the machine lacks what the agent needs; the message is one line. */
export class MissingPrerequisitesError extends Error {
  override readonly name = "MissingPrerequisitesError";
}
