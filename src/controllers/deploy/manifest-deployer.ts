// k3s's deploy controller (k3s pkg/deploy/controller.go) for k8ts: every YAML/JSON file
// in a directory (k8ts server: DATA_DIR/server/manifests) is applied with server-side
// apply (field manager k8ts-deploy, force) when the server starts and whenever the file
// changes (fs.watch, and a poll as the fallback). An Addon per file (kube-system, named
// after the file) records the checksum and what it applied: an object dropped from the
// file is deleted, and when the file is removed its objects and its Addon are deleted.
// A file `NAME.skip` beside `NAME` stops NAME from being applied (k3s's convention);
// what it applied earlier is left alone then. Errors are logged with the file and the
// document index and never stop the others.
import { createHash } from "node:crypto";
import { watch, type FSWatcher } from "node:fs";
import { mkdir, readFile, readdir } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import { parseAllDocuments } from "yaml";
import type { KubeObject } from "../../api/index.js";
import { isApiError } from "../../machinery/index.js";
import { resource, type Client, type Resource } from "../../client/index.js";
import { addonsResource, type Addon, type AppliedObject } from "./addon.js";

export const deployFieldManager = "k8ts-deploy";
const addonNamespace = "kube-system";
const manifestFile = /\.(ya?ml|json)$/;

export interface ManifestDeployerOptions {
  client: Client;
  /** The directory watched (created if missing). */
  dir: string;
  /** Fallback poll period (default 15 s). */
  pollMs?: number;
  log?: (line: string) => void;
}

export interface SyncResult {
  /** Objects applied, by file. */
  applied: Map<string, number>;
  /** "file: document N: message" per failure. */
  errors: string[];
  /** Objects deleted (dropped from a file or of a removed file). */
  deleted: AppliedObject[];
}

export class ManifestDeployer {
  private readonly client: Client;
  private readonly dir: string;
  private readonly log: (line: string) => void;
  private readonly options: ManifestDeployerOptions;
  /** Checksums of the files as last applied by this process: a file is re-applied when its checksum changes. */
  private readonly applied = new Map<string, string>();
  private readonly kinds = new Map<string, Map<string, Resource>>();
  private running: Promise<SyncResult> | undefined;
  private again = false;

  constructor(options: ManifestDeployerOptions) {
    this.options = options;
    this.client = options.client;
    this.dir = resolve(options.dir);
    this.log = options.log ?? (() => undefined);
  }

  /** Applies every file, then watches the directory until the signal aborts. */
  async start(signal: AbortSignal): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await this.sync(signal).catch((err: unknown) => this.log(`manifests: ${message(err)}`));
    let watcher: FSWatcher | undefined;
    let timer: NodeJS.Timeout | undefined;
    const soon = (): void => {
      clearTimeout(timer);
      timer = setTimeout(() => void this.sync(signal).catch((err: unknown) => this.log(`manifests: ${message(err)}`)), 200);
    };
    try {
      watcher = watch(this.dir, soon);
      watcher.on("error", () => undefined);
    } catch {
      // No inotify (or the limit is reached): the poll below still sees changes.
    }
    const poll = setInterval(soon, this.options.pollMs ?? 15_000);
    // The signal may have aborted during the first pass: its event has then fired already.
    if (!signal.aborted) await new Promise<void>((r) => signal.addEventListener("abort", () => r(), { once: true }));
    clearInterval(poll);
    clearTimeout(timer);
    watcher?.close();
    await this.running?.catch(() => undefined);
  }

  /** One pass over the directory; concurrent calls coalesce into one more pass. */
  sync(signal?: AbortSignal): Promise<SyncResult> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        let result: SyncResult;
        do {
          this.again = false;
          result = await this.pass(signal);
        } while (this.again && !signal?.aborted);
        return result;
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  private async pass(signal?: AbortSignal): Promise<SyncResult> {
    const result: SyncResult = { applied: new Map(), errors: [], deleted: [] };
    const names = (await readdir(this.dir).catch(() => [] as string[])).sort();
    const present = new Set(names.filter((n) => manifestFile.test(n) && !names.includes(`${n}.skip`)));
    for (const file of present) {
      const path = join(this.dir, file);
      let content: string;
      try {
        content = await readFile(path, "utf8");
      } catch {
        continue; // removed meanwhile
      }
      const checksum = createHash("sha256").update(content).digest("hex");
      if (this.applied.get(path) === checksum) continue;
      const ok = await this.applyFile(path, content, checksum, result, signal);
      if (ok) this.applied.set(path, checksum);
      else this.applied.delete(path);
    }
    // Files gone: their objects and Addons go too (a .skip-ed file's are kept).
    const addons = await this.client.list(addonsResource, { namespace: addonNamespace, signal });
    for (const addon of addons.items) {
      const source = addon.spec?.source;
      if (!source || resolve(source, "..") !== this.dir) continue;
      const file = basename(source);
      if (present.has(file) || names.includes(`${file}.skip`)) continue;
      for (const obj of addon.status?.objects ?? []) if (await this.deleteObject(obj, result, source, signal)) result.deleted.push(obj);
      await this.client.delete(addonsResource, addon.metadata.name ?? "", { namespace: addonNamespace, signal }).catch(ignoreNotFound);
      this.applied.delete(source);
      this.log(`manifests: ${file} removed: deleted what it applied`);
    }
    return result;
  }

  /** Applies one file's documents; true when every document applied. */
  private async applyFile(path: string, content: string, checksum: string, result: SyncResult, signal?: AbortSignal): Promise<boolean> {
    const file = basename(path);
    const fail = (index: number, msg: string): void => {
      const line = `${file}: document ${index}: ${msg}`;
      result.errors.push(line);
      this.log(`manifests: ${line}`);
    };
    const named: AppliedObject[] = [];
    let allOk = true;
    let count = 0;
    const docs = parseAllDocuments(content);
    const list = Array.isArray(docs) ? docs : [docs];
    for (const [index, doc] of list.entries()) {
      if (doc.errors.length) {
        fail(index, doc.errors[0]?.message ?? "invalid YAML");
        allOk = false;
        continue;
      }
      const value: unknown = doc.toJS();
      if (value === null || value === undefined) continue; // empty document
      const objects = isList(value) ? value.items : [value];
      for (const obj of objects) {
        if (!isObject(obj)) {
          fail(index, "not a Kubernetes object (apiVersion, kind and metadata.name are required)");
          allOk = false;
          continue;
        }
        try {
          const res = await this.resolveKind(obj.apiVersion, obj.kind, signal);
          const namespace = res.namespaced ? (obj.metadata.namespace ?? "default") : undefined;
          named.push({ apiVersion: obj.apiVersion, kind: obj.kind, name: obj.metadata.name, ...(namespace ? { namespace } : {}) });
          await this.client.patch(res, obj.metadata.name, res.namespaced ? { ...obj, metadata: { ...obj.metadata, namespace } } : obj, {
            namespace,
            type: "apply",
            fieldManager: deployFieldManager,
            force: true,
            signal,
          });
          count++;
        } catch (err) {
          fail(index, message(err));
          allOk = false;
        }
      }
    }
    result.applied.set(file, count);
    // Objects the file applied before and no longer names are deleted.
    const addonName = addonNameOf(file);
    let previous: AppliedObject[] = [];
    try {
      previous = (await this.client.get(addonsResource, addonName, { namespace: addonNamespace, signal })).status?.objects ?? [];
    } catch (err) {
      ignoreNotFound(err);
    }
    const key = (o: AppliedObject): string => `${o.apiVersion}/${o.kind}/${o.namespace ?? ""}/${o.name}`;
    const now = new Set(named.map(key));
    for (const old of previous) if (!now.has(key(old)) && (await this.deleteObject(old, result, path, signal))) result.deleted.push(old);
    const addon: Addon = {
      apiVersion: "k3s.cattle.io/v1",
      kind: "Addon",
      metadata: { name: addonName, namespace: addonNamespace },
      spec: { source: path, checksum },
      status: { objects: named },
    };
    await this.client.patch(addonsResource, addonName, addon, { namespace: addonNamespace, type: "apply", fieldManager: deployFieldManager, force: true, signal });
    this.log(`manifests: ${file}: applied ${count} object(s)${allOk ? "" : " (with errors)"}`);
    return allOk;
  }

  private async deleteObject(obj: AppliedObject, result: SyncResult, source: string, signal?: AbortSignal): Promise<boolean> {
    try {
      const res = await this.resolveKind(obj.apiVersion, obj.kind, signal);
      await this.client.delete(res, obj.name, { namespace: obj.namespace, signal });
      return true;
    } catch (err) {
      if (isApiError(err, "NotFound")) return false;
      const line = `${basename(source)}: deleting ${obj.kind} ${obj.namespace ? `${obj.namespace}/` : ""}${obj.name}: ${message(err)}`;
      result.errors.push(line);
      this.log(`manifests: ${line}`);
      return false;
    }
  }

  /** The resource serving apiVersion/kind, from the group version's discovery document (re-read on a miss: a CRD in the same file may just have been created). */
  private async resolveKind(apiVersion: string, kind: string, signal?: AbortSignal): Promise<Resource> {
    for (let attempt = 0; ; attempt++) {
      const found = this.kinds.get(apiVersion)?.get(kind);
      if (found) return found;
      const [group, version] = apiVersion.includes("/") ? apiVersion.split("/", 2) as [string, string] : ["", apiVersion];
      const path = group ? `/apis/${group}/${version}` : `/api/${version}`;
      const byKind = new Map<string, Resource>();
      try {
        const doc = (await this.client.raw("GET", path, { signal })) as { resources?: { name: string; kind: string; namespaced: boolean }[] };
        for (const r of doc.resources ?? []) if (!r.name.includes("/")) byKind.set(r.kind, resource(group, version, r.name, r.kind, r.namespaced));
      } catch (err) {
        if (!isApiError(err, "NotFound")) throw err;
      }
      this.kinds.set(apiVersion, byKind);
      if (byKind.has(kind)) continue;
      if (attempt >= 10) throw new Error(`no matches for kind "${kind}" in version "${apiVersion}"`);
      await new Promise((r) => setTimeout(r, 300));
    }
  }
}

/** The Addon of a file: its name without the extension, made a DNS name. */
export function addonNameOf(file: string): string {
  return file.replace(manifestFile, "").toLowerCase().replace(/[^a-z0-9.-]+/g, "-").replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, "") || "manifest";
}

interface ManifestObject extends KubeObject {
  apiVersion: string;
  kind: string;
  metadata: KubeObject["metadata"] & { name: string };
}

function isObject(v: unknown): v is ManifestObject {
  if (!v || typeof v !== "object") return false;
  const o = v as Record<string, unknown>;
  const meta = o.metadata as Record<string, unknown> | undefined;
  return typeof o.apiVersion === "string" && typeof o.kind === "string" && typeof meta?.name === "string";
}

function isList(v: unknown): v is { items: unknown[] } {
  return !!v && typeof v === "object" && typeof (v as { kind?: unknown }).kind === "string" && ((v as { kind: string }).kind.endsWith("List")) && Array.isArray((v as { items?: unknown }).items);
}

function ignoreNotFound(err: unknown): void {
  if (!isApiError(err, "NotFound")) throw err;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
