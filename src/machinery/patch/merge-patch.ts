/**
 * RFC 7386 JSON merge patch (`application/merge-patch+json`): objects merge recursively,
 * `null` removes a member, anything else (arrays included) replaces. Inputs are not
 * modified.
 *
 *   applyMergePatch({ a: 1, b: { c: 2 } }, { b: { c: null, d: 3 } }) // { a: 1, b: { d: 3 } }
 *   createMergePatch({ a: 1, b: [1] }, { b: [2] })                   // { a: null, b: [2] }
 */
import { cloneJson, hasOwn, isObject, jsonEqual, type JsonObject, type JsonValue } from "./_json.js";

export function applyMergePatch(target: unknown, patch: unknown): unknown {
  return mergeInto(cloneJson(target), cloneJson(patch));
}

function mergeInto(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  const out: JsonObject = isObject(target) ? target : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergeInto(hasOwn(out, k) ? out[k] : undefined, v) as JsonValue;
  }
  return out;
}

/** The merge patch that turns `original` into `modified` (both JSON objects). */
export function createMergePatch(original: unknown, modified: unknown): unknown {
  if (!isObject(original) || !isObject(modified)) return cloneJson(modified);
  const patch: JsonObject = {};
  for (const k of Object.keys(original)) if (!hasOwn(modified, k)) patch[k] = null;
  for (const [k, v] of Object.entries(modified)) {
    if (!hasOwn(original, k)) {
      patch[k] = cloneJson(v);
    } else if (!jsonEqual(original[k], v)) {
      patch[k] = (isObject(original[k]) && isObject(v) ? createMergePatch(original[k], v) : cloneJson(v)) as JsonValue;
    }
  }
  return patch;
}
