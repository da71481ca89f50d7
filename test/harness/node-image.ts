/**
 * A container image holding this machine's Node.js (the binary and the shared libraries
 * `ldd` names), for tests that need a real server inside a pod (webhooks, aggregated
 * APIs) on a machine with no registry. Written as an OCI archive for `k8ts image load`.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, realpathSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { buildOciArchive, type LayerEntry } from "../../src/kubelet/index.js";

export const NODE_IMAGE = "k8ts.local/node-test:latest";

/** The path of node inside the image (the same as on this machine). */
export const nodeBinaryInImage = realpathSync(process.execPath);

export async function writeNodeImageArchive(file: string): Promise<void> {
  const files = new Set<string>([nodeBinaryInImage]);
  for (const line of execFileSync("ldd", [nodeBinaryInImage], { encoding: "utf8" }).split("\n")) {
    const m = /(?:=>\s*)?(\/\S+)\s+\(0x/.exec(line);
    if (m) files.add(m[1]!);
  }
  const entries: LayerEntry[] = [];
  const dirs = new Set<string>(["tmp", "etc"]);
  for (const f of files) {
    for (let d = dirname(f); d !== "/"; d = dirname(d)) dirs.add(d.slice(1));
  }
  for (const d of [...dirs].sort()) entries.push({ type: "directory", path: d, mode: d === "tmp" ? 0o1777 : 0o755 });
  for (const f of files) entries.push({ type: "file", path: f.slice(1), mode: 0o755, content: readFileSync(realpathSync(f)) });
  entries.push({ type: "file", path: "etc/passwd", content: Buffer.from("root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n") });
  const { archive } = await buildOciArchive([{ names: [NODE_IMAGE], layers: [entries], config: { entrypoint: [nodeBinaryInImage] } }]);
  await writeFile(file, archive);
}
