// `k8ts image load`: an image archive (OCI layout or `docker save` tar) into the node
// agent's containerd, in the CRI plugin's namespace, so pods can use it with no registry.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { findExecutable } from "../runtime/prerequisites.js";
import { containerdPaths } from "../runtime/containerd.js";

const execFileAsync = promisify(execFile);

/** The socket of the containerd that `k8ts server`/`k8ts agent` runs for DATA_DIR. */
export function agentContainerdSocket(dataDir: string): string {
  return containerdPaths(join(dataDir, "agent")).socket;
}

/** Imports each archive; returns the image names containerd reports as unpacked. */
export async function loadImageArchives(files: string[], options: { endpoint: string; namespace?: string }): Promise<string[]> {
  const ctr = findExecutable("ctr");
  if (!ctr) throw new Error("ctr not found (it comes with Debian's containerd package: apt-get install -y containerd)");
  const address = options.endpoint.replace(/^unix:\/\//, "");
  if (!existsSync(address)) throw new Error(`no containerd at ${address}: is the node agent running (k8ts server without --disable-agent, or k8ts agent)?`);
  const names: string[] = [];
  for (const file of files) {
    if (!existsSync(file)) throw new Error(`${file}: no such file`);
    const { stdout, stderr } = await execFileAsync(ctr, ["-a", address, "-n", options.namespace ?? "k8s.io", "images", "import", "--all-platforms", file], { maxBuffer: 16 * 1024 * 1024 }).catch((err: { stderr?: string; message: string }) => {
      throw new Error(`${file}: ${(err.stderr ?? "").trim() || err.message}`);
    });
    // ctr prints "unpacking NAME (sha256:…)...done" per image.
    for (const line of `${stdout}\n${stderr}`.split("\n")) {
      const m = /^unpacking (\S+) \(sha256:[0-9a-f]+\)/.exec(line.trim());
      if (m) names.push(m[1]!);
    }
  }
  return names;
}
