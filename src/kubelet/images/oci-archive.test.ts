import { strict as assert } from "node:assert";
import { describe, it } from "node:test";
import { extract } from "tar-stream";
import { buildOciArchive, layerTar } from "./oci-archive.js";
import type { LayerEntry } from "./oci-archive.js";

async function entriesOf(tar: Buffer): Promise<Map<string, { type: string; linkname?: string | null; content: Buffer }>> {
  const out = new Map<string, { type: string; linkname?: string | null; content: Buffer }>();
  const ex = extract();
  const done = new Promise<void>((resolve, reject) => {
    ex.on("finish", () => resolve());
    ex.on("error", reject);
  });
  ex.on("entry", (header, stream, next) => {
    const chunks: Buffer[] = [];
    stream.on("data", (c: unknown) => chunks.push(c as Buffer));
    stream.on("end", () => {
      out.set(header.name, { type: header.type ?? "file", linkname: header.linkname, content: Buffer.concat(chunks) });
      next();
    });
  });
  ex.end(tar);
  await done;
  return out;
}

const layer: LayerEntry[] = [
  { type: "directory", path: "bin" },
  { type: "file", path: "bin/busybox", mode: 0o755, content: Buffer.from("#!fake") },
  { type: "symlink", path: "bin/sh", target: "/bin/busybox" },
];

describe("OCI archive", () => {
  it("writes a layer with files, dirs and symlinks", async () => {
    const e = await entriesOf(await layerTar(layer));
    assert.equal(e.get("bin/busybox")?.content.toString(), "#!fake");
    assert.equal(e.get("bin/sh")?.linkname, "/bin/busybox");
    assert.equal(e.get("bin/")?.type ?? e.get("bin")?.type, "directory");
  });

  it("is deterministic and names each image in index.json", async () => {
    const spec = [
      { names: ["k8ts.local/a:latest", "docker.io/library/a:latest"], layers: [layer], config: { cmd: ["sh"] } },
      { names: ["k8ts.local/p:latest"], layers: [layer], config: { entrypoint: ["/bin/sleep", "infinity"] } },
    ];
    const one = await buildOciArchive(spec);
    const two = await buildOciArchive(spec);
    assert.ok(one.archive.equals(two.archive));
    const e = await entriesOf(one.archive);
    const index = JSON.parse(e.get("index.json")?.content.toString() ?? "{}") as { manifests: Array<{ digest: string; annotations: Record<string, string> }> };
    assert.deepEqual(index.manifests.map((m) => m.annotations["io.containerd.image.name"]), ["k8ts.local/a:latest", "docker.io/library/a:latest", "k8ts.local/p:latest"]);
    // The shared layer is stored once: 1 layer + 2 configs + 2 manifests.
    assert.equal([...e.keys()].filter((k) => k.startsWith("blobs/sha256/") && k.length > "blobs/sha256/".length).length, 5);
    const [a, p] = one.images;
    const config = JSON.parse(e.get(`blobs/sha256/${p?.configDigest.slice(7)}`)?.content.toString() ?? "{}") as { config: { Entrypoint: string[] }; os: string };
    assert.deepEqual(config.config.Entrypoint, ["/bin/sleep", "infinity"]);
    assert.equal(config.os, "linux");
    assert.notEqual(a?.configDigest, p?.configDigest);
  });
});
