// k8ts's own images, built from Debian's busybox-static so that a machine with no
// registry can run pods: `busybox` (sh, wget, nc, httpd, nslookup, sleep… as applet
// symlinks) and the sandbox (`pause`) image, whose entrypoint is `sleep infinity`.
// Both share one layer, so containerd stores busybox once.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { findExecutable } from "../runtime/prerequisites.js";
import type { LayerEntry, OciImageSpec } from "./oci-archive.js";

export const BUSYBOX_IMAGE = "k8ts.local/busybox:latest";
export const PAUSE_IMAGE = "k8ts.local/pause:latest";
/** Other names of the busybox image, so `image: busybox` works without a registry. */
export const BUSYBOX_ALIASES = ["docker.io/library/busybox:latest"];

/** The busybox binary to pack (Debian's busybox-static installs /bin/busybox). */
export function findBusybox(path?: string): string | undefined {
  return findExecutable("/bin/busybox") ?? findExecutable("busybox", path);
}

const PASSWD = "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n";
const GROUP = "root:x:0:\nnogroup:x:65534:\n";

/** The root file system: busybox, its applets as symlinks, /etc/passwd and friends. */
export function busyboxLayer(busyboxPath: string): LayerEntry[] {
  const binary = readFileSync(busyboxPath);
  const applets = execFileSync(busyboxPath, ["--list-full"], { encoding: "utf8" })
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && l !== "bin/busybox");
  const dirs = new Set(["bin", "sbin", "usr", "usr/bin", "usr/sbin", "etc", "root", "tmp", "var", "var/www", "home", "dev", "proc", "sys"]);
  for (const a of applets) {
    const parts = a.split("/");
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join("/"));
  }
  const entries: LayerEntry[] = [...dirs].map((d) => ({ type: "directory", path: d, mode: d === "tmp" ? 0o1777 : d === "root" ? 0o700 : 0o755 }));
  entries.push({ type: "file", path: "bin/busybox", mode: 0o755, content: binary });
  for (const a of applets) entries.push({ type: "symlink", path: a, target: "/bin/busybox" });
  entries.push({ type: "file", path: "etc/passwd", content: Buffer.from(PASSWD) });
  entries.push({ type: "file", path: "etc/group", content: Buffer.from(GROUP) });
  return entries;
}

/** The image specs of k8ts's built-in images. */
export function builtinImageSpecs(busyboxPath: string): OciImageSpec[] {
  const layer = busyboxLayer(busyboxPath);
  return [
    { names: [BUSYBOX_IMAGE, ...BUSYBOX_ALIASES], layers: [layer], config: { cmd: ["sh"] } },
    { names: [PAUSE_IMAGE], layers: [layer], config: { entrypoint: ["/bin/sleep", "infinity"] } },
  ];
}
