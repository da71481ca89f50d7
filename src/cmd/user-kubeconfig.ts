/**
 * `k8ts server` puts its admin context into the invoking user's ~/.kube/config, so that
 * `kubectl` works at once for the person who ran `sudo k8ts server` (k3s's most
 * common complaint is a kubeconfig only root can read). Entries named `k8ts` are
 * replaced, everything else in the file is kept, the old file is copied to
 * `config.k8ts-backup` first, and the file belongs to (and is readable only by) that user.
 */
import { chownSync, copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { parse, stringify } from "yaml";

export interface InvokingUser {
  home: string;
  uid?: number;
  gid?: number;
}

/** The person behind `sudo` (SUDO_USER/SUDO_UID/SUDO_GID), else this process's user. */
export function invokingUser(env: NodeJS.ProcessEnv = process.env, fallbackHome = env["HOME"] ?? "/root"): InvokingUser {
  const name = env["SUDO_USER"];
  if (name && name !== "root" && env["SUDO_UID"]) {
    const line = readPasswd().find((l) => l.split(":")[0] === name);
    const home = line?.split(":")[5];
    if (home) return { home, uid: Number(env["SUDO_UID"]), gid: Number(env["SUDO_GID"] ?? env["SUDO_UID"]) };
  }
  return { home: fallbackHome };
}

function readPasswd(): string[] {
  try {
    return readFileSync("/etc/passwd", "utf8").split("\n");
  } catch {
    return [];
  }
}

type Named = { name: string };

/** Merges the single cluster/user/context of `adminKubeconfig` into `target`; returns the backup's path, if one was made. */
export function mergeKubeconfig(target: string, adminKubeconfig: string, owner: Pick<InvokingUser, "uid" | "gid"> = {}): string | undefined {
  const ours = parse(adminKubeconfig) as { clusters: Named[]; users: Named[]; contexts: Named[]; "current-context": string };
  let doc: Record<string, unknown> = { apiVersion: "v1", kind: "Config", clusters: [], users: [], contexts: [], preferences: {} };
  let backup: string | undefined;
  if (existsSync(target)) {
    const text = readFileSync(target, "utf8");
    const parsed = text.trim() ? (parse(text) as Record<string, unknown> | null) : null;
    if (parsed && typeof parsed === "object") doc = parsed;
    backup = `${target}.k8ts-backup`;
    copyFileSync(target, backup);
  }
  for (const key of ["clusters", "users", "contexts"] as const) {
    const theirs = (Array.isArray(doc[key]) ? doc[key] : []) as Named[];
    const mine = ours[key];
    doc[key] = [...theirs.filter((e) => !mine.some((m) => m.name === e.name)), ...mine];
  }
  doc["current-context"] = ours["current-context"];
  mkdirSync(dirname(target), { recursive: true, mode: 0o700 });
  const tmp = join(dirname(target), `.config.k8ts-${process.pid}`);
  writeFileSync(tmp, stringify(doc, { lineWidth: 0 }), { mode: 0o600 });
  if (owner.uid !== undefined) {
    chownSync(tmp, owner.uid, owner.gid ?? owner.uid);
    chownSync(dirname(target), owner.uid, owner.gid ?? owner.uid);
    if (backup) chownSync(backup, owner.uid, owner.gid ?? owner.uid);
  }
  renameSync(tmp, target);
  return backup;
}
