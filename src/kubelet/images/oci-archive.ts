// Writes OCI image layouts (image-spec v1: oci-layout, index.json, blobs/sha256/…) as
// a tar archive, the form `ctr images import` and `skopeo copy oci-archive:` read.
// Output is deterministic: the same files give the same digests, so an image already
// in containerd can be recognised by its config digest and not imported again.
import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import { pack } from "tar-stream";

/** A file-system entry of a layer. Paths are relative ("bin/sh"). */
export type LayerEntry =
  | { type: "directory"; path: string; mode?: number }
  | { type: "file"; path: string; mode?: number; content: Buffer }
  | { type: "symlink"; path: string; target: string };

/** What the image runs (OCI image config `config`). */
export interface ImageRunConfig {
  entrypoint?: string[];
  cmd?: string[];
  env?: string[];
  workingDir?: string;
  user?: string;
}

export interface OciImageSpec {
  /** Fully qualified names to store it under, e.g. "k8ts.local/busybox:latest". */
  names: string[];
  layers: LayerEntry[][];
  config: ImageRunConfig;
  /** GOARCH name; default from this process ("amd64", "arm64"...). */
  architecture?: string;
}

export interface BuiltImage {
  names: string[];
  /** "sha256:…" of the config blob: what CRI reports as the image id. */
  configDigest: string;
  manifestDigest: string;
  manifestSize: number;
}

const EPOCH = new Date(0);

function sha256(b: Buffer): string {
  return `sha256:${createHash("sha256").update(b).digest("hex")}`;
}

async function tarOf(entries: Array<{ header: Parameters<ReturnType<typeof pack>["entry"]>[0]; content?: Buffer }>): Promise<Buffer> {
  const p = pack();
  const chunks: Buffer[] = [];
  p.on("data", (c: unknown) => chunks.push(c as Buffer));
  const done = new Promise<void>((resolve, reject) => {
    p.on("end", () => resolve());
    p.on("error", reject);
  });
  for (const e of entries) {
    await new Promise<void>((resolve, reject) => {
      p.entry(e.header, e.content ?? Buffer.alloc(0), (err) => (err ? reject(err) : resolve()));
    });
  }
  p.finalize();
  await done;
  return Buffer.concat(chunks);
}

/** The uncompressed layer tar (entries sorted, owned by root, mtime 0). */
export async function layerTar(entries: LayerEntry[]): Promise<Buffer> {
  const sorted = [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return tarOf(
    sorted.map((e) => {
      const base = { name: e.path, mtime: EPOCH, uid: 0, gid: 0, uname: "root", gname: "root" };
      if (e.type === "directory") return { header: { ...base, type: "directory" as const, mode: e.mode ?? 0o755 } };
      if (e.type === "symlink") return { header: { ...base, type: "symlink" as const, linkname: e.target, mode: 0o777 } };
      return { header: { ...base, type: "file" as const, mode: e.mode ?? 0o644, size: e.content.length }, content: e.content };
    }),
  );
}

export function goArch(arch: string = process.arch): string {
  const map: Record<string, string> = { x64: "amd64", arm64: "arm64", arm: "arm", ia32: "386", ppc64: "ppc64le", s390x: "s390x" };
  return map[arch] ?? arch;
}

/**
 * Builds one OCI archive holding the given images (layers shared between images are
 * stored once). Returns the archive and, per image, its digests.
 */
export async function buildOciArchive(images: OciImageSpec[]): Promise<{ archive: Buffer; images: BuiltImage[] }> {
  const blobs = new Map<string, Buffer>();
  const layerCache = new Map<LayerEntry[], { digest: string; diffId: string; size: number }>();
  const index: Array<Record<string, unknown>> = [];
  const built: BuiltImage[] = [];
  for (const img of images) {
    const layerDescs: Array<{ digest: string; diffId: string; size: number }> = [];
    for (const layer of img.layers) {
      let d = layerCache.get(layer);
      if (!d) {
        const tar = await layerTar(layer);
        const gz = gzipSync(tar, { level: 6 });
        d = { digest: sha256(gz), diffId: sha256(tar), size: gz.length };
        blobs.set(d.digest, gz);
        layerCache.set(layer, d);
      }
      layerDescs.push(d);
    }
    const c = img.config;
    const config = Buffer.from(
      JSON.stringify({
        created: EPOCH.toISOString(),
        architecture: img.architecture ?? goArch(),
        os: "linux",
        config: {
          ...(c.user ? { User: c.user } : {}),
          Env: c.env ?? ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
          ...(c.entrypoint ? { Entrypoint: c.entrypoint } : {}),
          ...(c.cmd ? { Cmd: c.cmd } : {}),
          ...(c.workingDir ? { WorkingDir: c.workingDir } : {}),
        },
        rootfs: { type: "layers", diff_ids: layerDescs.map((l) => l.diffId) },
        history: layerDescs.map(() => ({ created: EPOCH.toISOString(), created_by: "k8ts" })),
      }),
    );
    const configDigest = sha256(config);
    blobs.set(configDigest, config);
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: "application/vnd.oci.image.manifest.v1+json",
        config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: configDigest, size: config.length },
        layers: layerDescs.map((l) => ({ mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", digest: l.digest, size: l.size })),
      }),
    );
    const manifestDigest = sha256(manifest);
    blobs.set(manifestDigest, manifest);
    for (const name of img.names) {
      index.push({
        mediaType: "application/vnd.oci.image.manifest.v1+json",
        digest: manifestDigest,
        size: manifest.length,
        annotations: { "io.containerd.image.name": name, "org.opencontainers.image.ref.name": name },
      });
    }
    built.push({ names: img.names, configDigest, manifestDigest, manifestSize: manifest.length });
  }
  const entries: Array<{ header: Parameters<ReturnType<typeof pack>["entry"]>[0]; content?: Buffer }> = [
    { header: { name: "oci-layout", mtime: EPOCH, mode: 0o644 }, content: Buffer.from('{"imageLayoutVersion":"1.0.0"}') },
    { header: { name: "index.json", mtime: EPOCH, mode: 0o644 }, content: Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json", manifests: index })) },
    { header: { name: "blobs", type: "directory", mtime: EPOCH, mode: 0o755 } },
    { header: { name: "blobs/sha256", type: "directory", mtime: EPOCH, mode: 0o755 } },
  ];
  for (const [digest, content] of [...blobs.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    entries.push({ header: { name: `blobs/sha256/${digest.slice("sha256:".length)}`, mtime: EPOCH, mode: 0o644 }, content });
  }
  return { archive: await tarOf(entries), images: built };
}
