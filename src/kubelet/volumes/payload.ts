import type { ConfigMap, DownwardAPIVolumeFile, KeyToPath, Pod, Secret, VolumeProjection } from "../../api/index.js";
import { podFieldValue, resourceFieldValue } from "../pods/env.js";
import type { PayloadFile } from "./atomic-writer.js";

/** Upstream's default file mode for configMap, secret, downwardAPI and projected volumes (0644). */
export const defaultFileMode = 0o644;

/** A payload that cannot be built: the volume is not set up (event FailedMount). */
export class VolumeSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "VolumeSetupError";
  }
}

/** The files of a configMap volume or projection (pkg/volume/configmap MakePayload). */
export function configMapPayload(cm: ConfigMap | undefined, opts: { name: string; items?: KeyToPath[]; optional?: boolean; defaultMode?: number }): Map<string, PayloadFile> {
  const out = new Map<string, PayloadFile>();
  if (!cm) {
    if (opts.optional) return out;
    throw new VolumeSetupError(`configmap "${opts.name}" not found`);
  }
  const all = new Map<string, Buffer>();
  for (const [k, v] of Object.entries(cm.data ?? {})) all.set(k, Buffer.from(v, "utf8"));
  for (const [k, v] of Object.entries(cm.binaryData ?? {})) all.set(k, Buffer.from(v, "base64"));
  return keyedPayload(all, opts, `configmap references non-existent config key`);
}

/** The files of a secret volume or projection (pkg/volume/secret MakePayload). */
export function secretPayload(secret: Secret | undefined, opts: { name: string; items?: KeyToPath[]; optional?: boolean; defaultMode?: number }): Map<string, PayloadFile> {
  if (!secret) {
    if (opts.optional) return new Map();
    throw new VolumeSetupError(`secret "${opts.name}" not found`);
  }
  const all = new Map<string, Buffer>();
  for (const [k, v] of Object.entries(secret.data ?? {})) all.set(k, Buffer.from(v, "base64"));
  for (const [k, v] of Object.entries(secret.stringData ?? {})) all.set(k, Buffer.from(v, "utf8"));
  return keyedPayload(all, opts, `references non-existent secret key`);
}

function keyedPayload(all: Map<string, Buffer>, opts: { items?: KeyToPath[]; optional?: boolean; defaultMode?: number }, missing: string): Map<string, PayloadFile> {
  const out = new Map<string, PayloadFile>();
  const mode = opts.defaultMode ?? defaultFileMode;
  if (!opts.items?.length) {
    for (const [k, data] of all) out.set(k, { data, mode });
    return out;
  }
  for (const item of opts.items) {
    const data = all.get(item.key);
    if (!data) {
      if (opts.optional) continue;
      throw new VolumeSetupError(`${missing}: ${item.key}`);
    }
    out.set(cleanPath(item.path), { data, mode: item.mode ?? mode });
  }
  return out;
}

/** The files of a downwardAPI volume or projection. */
export function downwardPayload(pod: Pod, items: DownwardAPIVolumeFile[] | undefined, defaultMode: number | undefined, allocatable: Record<string, string>): Map<string, PayloadFile> {
  const out = new Map<string, PayloadFile>();
  for (const item of items ?? []) {
    let text: string;
    if (item.fieldRef) text = podFieldValue(pod, item.fieldRef.fieldPath);
    else if (item.resourceFieldRef) {
      const r = item.resourceFieldRef;
      text = resourceFieldValue(pod, r.containerName || pod.spec?.containers[0]?.name || "", r.resource, r.divisor, allocatable);
    } else continue;
    out.set(cleanPath(item.path), { data: Buffer.from(text, "utf8"), mode: item.mode ?? defaultMode ?? defaultFileMode });
  }
  return out;
}

export interface ProjectionSources {
  configMap(name: string): ConfigMap | undefined;
  secret(name: string): Secret | undefined;
  /** A bound token for the pod's service account, or undefined while the TokenRequest API is absent. */
  token?: string;
  allocatable: Record<string, string>;
}

/** The files of a projected volume; also returns what was skipped (a token with no TokenRequest API). */
export function projectedPayload(pod: Pod, sources: VolumeProjection[] | undefined, defaultMode: number | undefined, src: ProjectionSources): { files: Map<string, PayloadFile>; skipped: string[] } {
  const files = new Map<string, PayloadFile>();
  const skipped: string[] = [];
  const mode = defaultMode ?? defaultFileMode;
  for (const s of sources ?? []) {
    let part = new Map<string, PayloadFile>();
    if (s.configMap) part = configMapPayload(src.configMap(s.configMap.name ?? ""), { name: s.configMap.name ?? "", items: s.configMap.items, optional: s.configMap.optional, defaultMode: mode });
    else if (s.secret) part = secretPayload(src.secret(s.secret.name ?? ""), { name: s.secret.name ?? "", items: s.secret.items, optional: s.secret.optional, defaultMode: mode });
    else if (s.downwardAPI) part = downwardPayload(pod, s.downwardAPI.items, mode, src.allocatable);
    else if (s.serviceAccountToken) {
      if (src.token === undefined) skipped.push(s.serviceAccountToken.path);
      else part.set(cleanPath(s.serviceAccountToken.path), { data: Buffer.from(src.token), mode });
    }
    for (const [k, v] of part) files.set(k, v);
  }
  return { files, skipped };
}

/** Refuses absolute paths and `..` (validation already does; this is defence in depth). */
function cleanPath(p: string): string {
  const parts = p.split("/").filter((x) => x && x !== ".");
  if (p.startsWith("/") || parts.some((x) => x === "..")) throw new VolumeSetupError(`invalid path ${JSON.stringify(p)}`);
  return parts.join("/");
}
