import { randomBytes } from "node:crypto";
import { chmod, lstat, mkdir, readFile, readdir, readlink, rename, rm, symlink, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";

/** One file of a projected payload: its path under the volume, bytes and mode. */
export interface PayloadFile {
  data: Buffer;
  mode: number;
}

const dataLink = "..data";
const tmpLink = "..data_tmp";

/**
 * Writes a set of files into `dir` so a reader never sees half an update, as upstream's
 * AtomicWriter (pkg/volume/util/atomic_writer.go): the files go into a fresh hidden
 * directory `..<timestamp>`, the `..data` symlink is swapped to it with one rename, and
 * each top-level name is a symlink through `..data`. Returns whether anything changed.
 *
 *   await writeAtomically("/var/lib/k8ts/pods/<uid>/volumes/kubernetes.io~configmap/cfg",
 *     new Map([["app.conf", { data: Buffer.from("x=1"), mode: 0o644 }]]));
 */
export async function writeAtomically(dir: string, payload: Map<string, PayloadFile>): Promise<boolean> {
  await mkdir(dir, { recursive: true, mode: 0o755 });
  const oldTarget = await readlink(join(dir, dataLink)).catch(() => undefined);
  if (oldTarget && (await sameContent(join(dir, oldTarget), payload))) return false;

  const stamp = new Date().toISOString().replace(/[-:]/g, "_").replace(/\..*$/, "");
  const tsName = `..${stamp}.${randomBytes(5).toString("hex")}`;
  const tsDir = join(dir, tsName);
  await mkdir(tsDir, { mode: 0o755 });
  for (const [rel, file] of payload) {
    const path = join(tsDir, rel);
    await mkdir(dirname(path), { recursive: true, mode: 0o755 });
    await writeFile(path, file.data);
    await chmod(path, file.mode);
  }
  await rm(join(dir, tmpLink), { force: true });
  await symlink(tsName, join(dir, tmpLink));
  await rename(join(dir, tmpLink), join(dir, dataLink));

  const topLevel = new Set([...payload.keys()].map((p) => p.split("/")[0]));
  for (const name of topLevel) {
    const link = join(dir, name);
    const st = await lstat(link).catch(() => undefined);
    if (!st) await symlink(join(dataLink, name), link);
  }
  for (const name of await readdir(dir)) {
    if (name.startsWith("..") || topLevel.has(name)) continue;
    await rm(join(dir, name), { recursive: true, force: true });
  }
  if (oldTarget && oldTarget !== tsName) await rm(join(dir, oldTarget), { recursive: true, force: true });
  return true;
}

async function sameContent(dir: string, payload: Map<string, PayloadFile>): Promise<boolean> {
  const existing = await listFiles(dir).catch(() => undefined);
  if (!existing || existing.length !== payload.size) return false;
  for (const rel of existing) {
    const want = payload.get(rel);
    if (!want) return false;
    const path = join(dir, rel);
    const [have, st] = await Promise.all([readFile(path), lstat(path)]);
    if (!have.equals(want.data) || (st.mode & 0o7777) !== want.mode) return false;
  }
  return true;
}

async function listFiles(dir: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for (const ent of await readdir(join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${ent.name}` : ent.name;
    if (ent.isDirectory()) out.push(...(await listFiles(dir, rel)));
    else out.push(rel);
  }
  return out;
}
