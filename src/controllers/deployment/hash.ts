// The pod-template-hash (pkg/controller/controller_utils.go ComputeHash).
import type { PodTemplateSpec } from "../../api/index.js";

/** rand.SafeEncodeString's alphabet: no vowels (no words) and no look-alike characters. */
const alphanums = "bcdfghjklmnpqrstvwxz2456789";

export function safeEncodeString(s: string): string {
  let out = "";
  for (const ch of s) out += alphanums[(ch.codePointAt(0) ?? 0) % alphanums.length];
  return out;
}

export function fnv32a(bytes: Uint8Array, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (const b of bytes) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** JSON with object keys sorted and undefined dropped: the same template always hashes the same. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[k];
      if (v !== undefined) out[k] = sortKeys(v);
    }
    return out;
  }
  return value;
}

/**
 * ComputeHash: FNV-32a over the template, then the collision count (as 8 little-endian
 * bytes, uint32 in the first four, as upstream writes it) when there is one, printed in
 * decimal and passed through SafeEncodeString. Upstream hashes Go's spew dump of the
 * struct; we hash canonical JSON, so values differ from a real cluster's but keep every
 * property that matters: deterministic, changed by any template change, and by
 * `status.collisionCount`.
 */
export function computeHash(template: PodTemplateSpec, collisionCount?: number): string {
  let h = fnv32a(new TextEncoder().encode(canonicalJson(template)));
  if (collisionCount !== undefined && collisionCount !== null) {
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setUint32(0, collisionCount >>> 0, true);
    h = fnv32a(bytes, h);
  }
  return safeEncodeString(String(h));
}
