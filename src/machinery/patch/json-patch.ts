/**
 * RFC 6902 JSON patch (`application/json-patch+json`), applied with fast-json-patch and
 * answered as upstream's API server answers (k8s.io/apiserver .../handlers/patch.go):
 * a body that is not a list of operations is 400 BadRequest; any operation that cannot be
 * applied (a failed `test`, a path that does not exist, an unknown op) is 422 Invalid with
 * `the server rejected our request due to an error in our request`.
 *
 *   applyJsonPatch(pod, [{ op: "replace", path: "/spec/replicas", value: 3 }])
 */
import jsonpatch from "fast-json-patch";
import type { Operation } from "fast-json-patch";
import { ApiError } from "../status.js";
import { patchUnprocessable } from "./_errors.js";
import { cloneJson, goTypeName, isObject } from "./_json.js";

const rfc6902Ops = new Set(["add", "remove", "replace", "move", "copy", "test"]);

/** Returns the patched copy of `document`; `document` and `patch` are not modified. */
export function applyJsonPatch(document: unknown, patch: unknown): unknown {
  if (!Array.isArray(patch)) {
    // What Go's decoder says when the body is not a JSON array of operations.
    const what = isObject(patch) ? "object" : goTypeName(patch) === "<nil>" ? "null" : typeof patch;
    throw ApiError.badRequest(`json: cannot unmarshal ${what} into Go value of type jsonpatch.Patch`);
  }
  for (const op of patch) {
    if (!isObject(op)) throw ApiError.badRequest(`json: cannot unmarshal ${Array.isArray(op) ? "array" : typeof op} into Go value of type jsonpatch.Operation`);
    if (typeof op.op !== "string" || !rfc6902Ops.has(op.op)) throw patchUnprocessable();
  }
  try {
    const result = jsonpatch.applyPatch(cloneJson(document), cloneJson(patch) as Operation[], true, true, true);
    return result.newDocument;
  } catch (err) {
    if (err instanceof jsonpatch.JsonPatchError || err instanceof TypeError) throw patchUnprocessable();
    throw err;
  }
}
