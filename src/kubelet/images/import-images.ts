// Puts k8ts's built-in images into containerd: builds them (deterministically, in
// memory), asks CRI which are already there with the same id, and imports only the
// missing ones with `ctr images import` into the CRI namespace. A second call with the
// images present costs one build (~0.1 s) and a few ImageStatus calls.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { ContainerRuntime } from "../runtime/runtime.js";
import { findExecutable } from "../runtime/prerequisites.js";
import { builtinImageSpecs, findBusybox } from "./builtin-images.js";
import { buildOciArchive } from "./oci-archive.js";
import type { BuiltImage, OciImageSpec } from "./oci-archive.js";

const execFileAsync = promisify(execFile);

export interface ImportImagesOptions {
  /** Used to see which images are present (ImageStatus). */
  runtime: ContainerRuntime;
  /** containerd's socket path or unix:// endpoint (for ctr). */
  endpoint: string;
  /** containerd namespace (the CRI plugin's is "k8s.io"). */
  namespace?: string;
  /** PATH to find ctr and busybox in. */
  path?: string;
  signal?: AbortSignal;
}

export interface ImportResult {
  /** Names that were imported now. */
  imported: string[];
  /** Names already present with the same id. */
  present: string[];
}

/** Builds and imports the given images where containerd lacks them. */
export async function importImages(specs: OciImageSpec[], opts: ImportImagesOptions): Promise<ImportResult> {
  const { archive, images } = await buildOciArchive(specs);
  const missing: BuiltImage[] = [];
  const present: string[] = [];
  for (const img of images) {
    let all = true;
    for (const name of img.names) {
      const st = await opts.runtime.imageStatus({ image: { image: name } }, { signal: opts.signal });
      if (st.image?.id === img.configDigest) present.push(name);
      else all = false;
    }
    if (!all) missing.push(img);
  }
  if (!missing.length) return { imported: [], present };
  const ctr = findExecutable("ctr", opts.path);
  if (!ctr) throw new Error("ctr not found (it comes with Debian's containerd package)");
  const dir = mkdtempSync(join(tmpdir(), "k8ts-images-"));
  try {
    const file = join(dir, "images.tar");
    writeFileSync(file, archive);
    const address = opts.endpoint.replace(/^unix:\/\//, "");
    await execFileAsync(ctr, ["-a", address, "-n", opts.namespace ?? "k8s.io", "images", "import", file], {
      signal: opts.signal,
      maxBuffer: 4 * 1024 * 1024,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  // The CRI plugin learns of the import through containerd's events: wait until it does.
  const imported = missing.flatMap((m) => m.names.filter((n) => !present.includes(n)));
  const until = Date.now() + 10_000;
  for (const img of missing) {
    for (const name of img.names) {
      for (;;) {
        const st = await opts.runtime.imageStatus({ image: { image: name } }, { signal: opts.signal });
        if (st.image?.id === img.configDigest) break;
        if (Date.now() > until) throw new Error(`imported ${name} but CRI does not report it (id ${st.image?.id ?? "none"}, want ${img.configDigest})`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  }
  return { imported, present };
}

/** Imports k8ts's busybox and pause images (see builtin-images.ts). */
export async function ensureBuiltinImages(opts: ImportImagesOptions): Promise<ImportResult> {
  const busybox = findBusybox(opts.path);
  if (!busybox) throw new Error("busybox not found: install Debian's busybox-static (apt-get install -y busybox-static)");
  return importImages(builtinImageSpecs(busybox), opts);
}
