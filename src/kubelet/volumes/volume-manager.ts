import { execFile } from "node:child_process";
import { mkdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import type { ConfigMap, PersistentVolume, PersistentVolumeClaim, Pod, Secret, Volume } from "../../api/index.js";
import { writeAtomically } from "./atomic-writer.js";
import { configMapPayload, downwardPayload, projectedPayload, secretPayload, VolumeSetupError } from "./payload.js";

const run = promisify(execFile);

/** Where each pod volume lives on the node, and whether containers may only read it. */
export interface MountedVolume {
  hostPath: string;
  /** configMap, secret, downwardAPI and projected volumes are always read-only (ReadOnlyAPIDataVolumes). */
  readOnly: boolean;
}

/** What volumes read from the API; the kubelet backs it with the Client. */
export interface VolumeSources {
  configMap(namespace: string, name: string): Promise<ConfigMap | undefined>;
  secret(namespace: string, name: string): Promise<Secret | undefined>;
  /** A bound token for a projected serviceAccountToken source (TokenRequest); throws when none can be had. */
  serviceAccountToken?(pod: Pod, audience: string | undefined, expirationSeconds: number | undefined): Promise<string | undefined>;
  /** The pod is gone: drop what was kept for it (its cached tokens). */
  forgetPod?(uid: string): void;
  /** The claim, and the volume it is bound to (undefined until it is). */
  persistentVolumeClaim?(namespace: string, name: string): Promise<{ claim?: PersistentVolumeClaim; volume?: PersistentVolume }>;
}

export interface VolumeManagerOptions {
  /** Pods live under `<dataDir>/pods/<uid>`, as /var/lib/kubelet/pods/<uid>. */
  dataDir: string;
  sources: VolumeSources;
  nodeAllocatable: () => Record<string, string>;
  /** Told about a volume set up with a part skipped (Warning events on the pod). */
  onWarning?: (pod: Pod, reason: string, message: string) => void;
  /** Mount tmpfs for medium: Memory (off in unit tests that are not root). */
  tmpfs?: boolean;
}

/**
 * Volumes of the pods on this node (pkg/kubelet/volumemanager + the in-tree plugins
 * emptyDir, hostPath, configMap, secret, downwardAPI, projected). Each volume is a
 * directory under `<dataDir>/pods/<uid>/volumes/kubernetes.io~<plugin>/<name>`;
 * API-backed volumes are written atomically (`..data` symlink swap) so `sync` can refresh
 * them under running containers.
 */
export class VolumeManager {
  private readonly o: VolumeManagerOptions;

  constructor(options: VolumeManagerOptions) {
    this.o = options;
  }

  podDir(uid: string): string {
    return join(this.o.dataDir, "pods", uid);
  }

  /** Sets up every volume of the pod (idempotent). Throws VolumeSetupError with upstream's "MountVolume.SetUp failed…" text. */
  async setUp(pod: Pod): Promise<Map<string, MountedVolume>> {
    const out = new Map<string, MountedVolume>();
    for (const v of pod.spec?.volumes ?? []) {
      try {
        out.set(v.name, await this.setUpOne(pod, v));
      } catch (err) {
        const msg = err instanceof Error ? err.message : String(err);
        throw new VolumeSetupError(`MountVolume.SetUp failed for volume "${v.name}" : ${msg}`);
      }
    }
    return out;
  }

  /** Refreshes configMap, secret, downwardAPI and projected volumes; returns the names that changed. */
  async sync(pod: Pod): Promise<string[]> {
    const changed: string[] = [];
    for (const v of pod.spec?.volumes ?? []) {
      if (!(v.configMap || v.secret || v.downwardAPI || v.projected)) continue;
      if (await this.writeApiVolume(pod, v).catch(() => false)) changed.push(v.name);
    }
    return changed;
  }

  /** Unmounts tmpfs volumes and removes the pod's directory. */
  async tearDown(uid: string): Promise<void> {
    const dir = this.podDir(uid);
    const emptyDirs = join(dir, "volumes", "kubernetes.io~empty-dir");
    const mounts = await readFile("/proc/self/mounts", "utf8").catch(() => "");
    for (const line of mounts.split("\n")) {
      const target = line.split(" ")[1];
      if (target && target.startsWith(emptyDirs + "/")) await run("umount", ["-l", target]).catch(() => undefined);
    }
    await rm(dir, { recursive: true, force: true });
    this.o.sources.forgetPod?.(uid);
  }

  private volumeDir(pod: Pod, plugin: string, name: string): string {
    return join(this.podDir(pod.metadata.uid ?? ""), "volumes", `kubernetes.io~${plugin}`, name);
  }

  private async setUpOne(pod: Pod, v: Volume): Promise<MountedVolume> {
    if (v.emptyDir) {
      const dir = this.volumeDir(pod, "empty-dir", v.name);
      await mkdir(dir, { recursive: true, mode: 0o777 });
      if (v.emptyDir.medium === "Memory" && this.o.tmpfs !== false && !(await isMountPoint(dir))) {
        const opts = v.emptyDir.sizeLimit ? ["-o", `size=${v.emptyDir.sizeLimit.replace(/i$/, "")}`] : [];
        await run("mount", ["-t", "tmpfs", ...opts, "tmpfs", dir]);
      }
      return { hostPath: dir, readOnly: false };
    }
    if (v.hostPath) return { hostPath: await setUpHostPath(v.hostPath.path, v.hostPath.type ?? ""), readOnly: false };
    if (v.persistentVolumeClaim) return this.setUpClaim(pod, v.persistentVolumeClaim.claimName, v.persistentVolumeClaim.readOnly === true);
    if (v.configMap || v.secret || v.downwardAPI || v.projected) {
      await this.writeApiVolume(pod, v);
      return { hostPath: this.apiVolumeDir(pod, v), readOnly: true };
    }
    const kind = Object.keys(v).find((k) => k !== "name") ?? "unknown";
    throw new VolumeSetupError(`volume type ${kind} is not supported by k8ts`);
  }

  /** A claim's volume: hostPath and local volumes are the node's directories themselves (as upstream's plugins). */
  private async setUpClaim(pod: Pod, claimName: string, readOnly: boolean): Promise<MountedVolume> {
    const ns = pod.metadata.namespace ?? "default";
    const got = await this.o.sources.persistentVolumeClaim?.(ns, claimName);
    if (!got?.claim) throw new VolumeSetupError(`persistentvolumeclaim "${claimName}" not found`);
    if (got.claim.metadata.deletionTimestamp) throw new VolumeSetupError(`persistentvolumeclaim "${claimName}" is being deleted`);
    const pv = got.volume;
    if (!pv || got.claim.status?.phase !== "Bound") throw new VolumeSetupError(`persistentvolumeclaim "${claimName}" is not bound yet`);
    const spec = pv.spec ?? {};
    if (spec.hostPath) return { hostPath: await setUpHostPath(spec.hostPath.path, spec.hostPath.type ?? ""), readOnly };
    if (spec.local) return { hostPath: await setUpHostPath(spec.local.path, "Directory"), readOnly };
    const kind = Object.keys(spec).find((k) => !["capacity", "accessModes", "claimRef", "persistentVolumeReclaimPolicy", "storageClassName", "mountOptions", "volumeMode", "nodeAffinity"].includes(k)) ?? "unknown";
    throw new VolumeSetupError(`persistent volume ${pv.metadata.name}: volume type ${kind} is not supported by k8ts`);
  }

  private apiVolumeDir(pod: Pod, v: Volume): string {
    const plugin = v.configMap ? "configmap" : v.secret ? "secret" : v.downwardAPI ? "downward-api" : "projected";
    return this.volumeDir(pod, plugin, v.name);
  }

  private async writeApiVolume(pod: Pod, v: Volume): Promise<boolean> {
    const ns = pod.metadata.namespace ?? "default";
    const allocatable = this.o.nodeAllocatable();
    const dir = this.apiVolumeDir(pod, v);
    if (v.configMap) {
      const name = v.configMap.name ?? "";
      return writeAtomically(dir, configMapPayload(await this.o.sources.configMap(ns, name), { ...v.configMap, name }));
    }
    if (v.secret) {
      const name = v.secret.secretName ?? "";
      return writeAtomically(dir, secretPayload(await this.o.sources.secret(ns, name), { ...v.secret, name }));
    }
    if (v.downwardAPI) return writeAtomically(dir, downwardPayload(pod, v.downwardAPI.items, v.downwardAPI.defaultMode, allocatable));
    const sources = v.projected?.sources ?? [];
    const cms = new Map<string, ConfigMap | undefined>();
    const secrets = new Map<string, Secret | undefined>();
    let token: string | undefined;
    for (const s of sources) {
      if (s.configMap) cms.set(s.configMap.name ?? "", await this.o.sources.configMap(ns, s.configMap.name ?? ""));
      if (s.secret) secrets.set(s.secret.name ?? "", await this.o.sources.secret(ns, s.secret.name ?? ""));
      if (s.serviceAccountToken) {
        try {
          token = await this.o.sources.serviceAccountToken?.(pod, s.serviceAccountToken.audience, s.serviceAccountToken.expirationSeconds);
        } catch (err) {
          throw new VolumeSetupError(`failed to fetch token: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
    }
    const { files, skipped } = projectedPayload(pod, sources, v.projected?.defaultMode, {
      configMap: (n) => cms.get(n),
      secret: (n) => secrets.get(n),
      token,
      allocatable,
    });
    const changed = await writeAtomically(dir, files);
    if (changed && skipped.length) {
      this.o.onWarning?.(pod, "FailedMount", `volume "${v.name}": skipped service account token ${skipped.map((p) => JSON.stringify(p)).join(", ")}: the TokenRequest API (serviceaccounts/token) is not served yet`);
    }
    return changed;
  }
}

/** hostPath with upstream's type checks (pkg/volume/hostpath checkType). */
export async function setUpHostPath(path: string, type: string): Promise<string> {
  const st = await stat(path).catch(() => undefined);
  switch (type) {
    case "":
      return path;
    case "DirectoryOrCreate":
      if (!st) await mkdir(path, { recursive: true, mode: 0o755 });
      else if (!st.isDirectory()) throw new VolumeSetupError(`hostPath type check failed: ${path} is not a directory`);
      return path;
    case "Directory":
      if (!st?.isDirectory()) throw new VolumeSetupError(`hostPath type check failed: ${path} is not a directory`);
      return path;
    case "FileOrCreate":
      if (!st) await writeFile(path, "", { mode: 0o644 });
      else if (!st.isFile()) throw new VolumeSetupError(`hostPath type check failed: ${path} is not a file`);
      return path;
    case "File":
      if (!st?.isFile()) throw new VolumeSetupError(`hostPath type check failed: ${path} is not a file`);
      return path;
    case "Socket":
      if (!st?.isSocket()) throw new VolumeSetupError(`hostPath type check failed: ${path} is not a socket file`);
      return path;
    case "CharDevice":
      if (!st?.isCharacterDevice()) throw new VolumeSetupError(`hostPath type check failed: ${path} is not a character device`);
      return path;
    case "BlockDevice":
      if (!st?.isBlockDevice()) throw new VolumeSetupError(`hostPath type check failed: ${path} is not a block device`);
      return path;
    default:
      throw new VolumeSetupError(`hostPath type ${type} is not supported`);
  }
}

async function isMountPoint(dir: string): Promise<boolean> {
  const mounts = await readFile("/proc/self/mounts", "utf8").catch(() => "");
  return mounts.split("\n").some((l) => l.split(" ")[1] === dir);
}
