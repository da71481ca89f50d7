/**
 * Strategic merge patch, applied as the API server applies what kubectl apply/edit/patch
 * send: upstream's StrategicMergeMapPatch (k8s.io/apimachinery/pkg/util/strategicpatch,
 * MergeParallelList and IgnoreUnmatchedNulls on).
 *
 * - maps merge recursively; `null` deletes a key;
 * - lists whose field has strategy "merge": lists of maps merge item by item on the merge
 *   key, lists of scalars merge as sets; other lists are replaced;
 * - directives: `$patch: replace | delete` on a map, `$patch: replace | delete` items in a
 *   merging list, `$retainKeys`, `$deleteFromPrimitiveList/<field>`,
 *   `$setElementOrder/<field>` (the order kubectl wants the merged list in).
 *
 *   applyStrategicMergePatch(pod, { spec: { containers: [{ name: "web", image: "nginx:2" }] } }, podPatchMeta)
 *
 * Inputs are not modified. Errors are `ApiError`s coded as upstream's
 * interpretStrategicMergePatchError: format errors 400, lists of lists 422.
 */
import { ApiError } from "../status.js";
import { patchUnprocessable } from "./_errors.js";
import { cloneJson, goFormat, goTypeName, hasOwn, isObject, kindOf, type JsonObject, type JsonValue } from "./_json.js";
import type { FieldPatchMeta, PatchMetaLookup, PatchMetaStep } from "./patch-meta.js";

const directiveMarker = "$patch";
const deleteDirective = "delete";
const replaceDirective = "replace";
const mergeDirective = "merge";
const retainKeysStrategy = "retainKeys";
const retainKeysDirective = "$retainKeys";
const deleteFromPrimitiveListPrefix = "$deleteFromPrimitiveList";
const setElementOrderPrefix = "$setElementOrder";

/** mergepatch's sentinel errors, which the API server maps to 400 or 422. */
export const strategicPatchErrors = {
  badJSONDoc: "invalid JSON document",
  noListOfLists: "lists of lists are not supported",
  badPatchFormatForPrimitiveList: "invalid patch format of primitive list",
  badPatchFormatForRetainKeys: "invalid patch format of retainKeys",
  badPatchFormatForSetElementOrderList: "invalid patch format of setElementOrder list",
} as const;

type ErrorClass = "badRequest" | "unprocessable" | "other";

class SmpError extends Error {
  constructor(
    message: string,
    readonly errorClass: ErrorClass = "other",
  ) {
    super(message);
  }
}

const badRequest = (msg: string): SmpError => new SmpError(msg, "badRequest");
const errNoMergeKey = (m: unknown, key: string): SmpError => new SmpError(`map: ${goFormat(m)} does not contain declared merge key: ${key}`);
const errBadArgType = (expected: string, actual: unknown): SmpError => new SmpError(`expected a ${expected}, but received a ${goTypeName(actual)}`);
const errBadPatchType = (t: unknown, m: unknown): SmpError => new SmpError(`unknown patch type: ${goFormat(t)} in map: ${goFormat(m)}`);

/**
 * Applies `patch` to `original` and returns the result. Throws `ApiError`: BadRequest for
 * a malformed patch (as upstream; its other patch errors, which upstream lets become 500s,
 * are BadRequest here too, so bad input never reads as a server fault), and 422 for lists
 * of lists.
 */
export function applyStrategicMergePatch(original: unknown, patch: unknown, schema: PatchMetaLookup): JsonObject {
  if (!isObject(original) || !isObject(patch)) throw ApiError.badRequest(strategicPatchErrors.badJSONDoc);
  try {
    return mergeMap(cloneJson(original), cloneJson(patch), schema);
  } catch (err) {
    if (!(err instanceof SmpError)) throw err;
    if (err.errorClass === "unprocessable") throw patchUnprocessable();
    throw ApiError.badRequest(err.message);
  }
}

function strategyOf(meta: FieldPatchMeta | undefined): string {
  const s = meta?.strategies ?? [];
  if (s.length === 0) return "";
  if (s.length === 1) return s[0] === retainKeysStrategy ? "" : s[0]!;
  if (s.length === 2 && s[0] === retainKeysStrategy) return s[1]!;
  if (s.length === 2 && s[1] === retainKeysStrategy) return s[0]!;
  throw new SmpError(`unexpected patch strategy: [${s.join(" ")}]`);
}

const noLookup: PatchMetaLookup = { lookupStruct: () => undefined, lookupSlice: () => undefined, name: "" };
const orEmpty = (step: PatchMetaStep | undefined): PatchMetaStep => step ?? { meta: { strategies: [], mergeKey: "" }, lookup: noLookup };

function mergeMap(original: JsonObject | undefined, patch: JsonObject, schema: PatchMetaLookup): JsonObject {
  if (hasOwn(patch, directiveMarker)) {
    const directive = patch[directiveMarker];
    if (directive === replaceDirective) {
      delete patch[directiveMarker];
      return patch;
    }
    if (directive === deleteDirective) return {};
    throw errBadPatchType(directive, patch);
  }
  const target: JsonObject = original ?? {};
  applyRetainKeys(target, patch);
  applySetElementOrder(target, patch, schema);

  for (const key of Object.keys(patch)) {
    const patchV = patch[key]!;
    let k = key;
    let isDeleteList = false;
    if (key.startsWith(deleteFromPrimitiveListPrefix)) {
      k = extractKey(key, deleteFromPrimitiveListPrefix);
      isDeleteList = true;
    }
    if (patchV === null) {
      delete target[k];
      continue;
    }
    if (!hasOwn(target, k) || kindOf(target[k]) !== kindOf(patchV)) {
      if (!isDeleteList) setWithoutDirectives(target, k, discardNulls(patchV));
      continue;
    }
    switch (kindOf(patchV)) {
      case "object": {
        const step = orEmpty(schema.lookupStruct(k));
        target[k] = strategyOf(step.meta) === replaceDirective ? patchV : mergeMap(target[k] as JsonObject, patchV as JsonObject, step.lookup);
        break;
      }
      case "array": {
        const step = orEmpty(schema.lookupSlice(k));
        const strategy = strategyOf(step.meta);
        target[k] =
          strategy === mergeDirective || isDeleteList
            ? mergeSlice(target[k] as JsonValue[], patchV as JsonValue[], step.lookup, step.meta.mergeKey, isDeleteList)
            : patchV;
        break;
      }
      default:
        setWithoutDirectives(target, k, patchV);
    }
  }
  return target;
}

function setWithoutDirectives(target: JsonObject, k: string, v: JsonValue): void {
  const [value, keep] = removeDirectives(v);
  if (keep) target[k] = value;
  else delete target[k];
}

// discardNullValuesFromPatch: a null in a value that is added whole means nothing.
function discardNulls(v: JsonValue): JsonValue {
  if (Array.isArray(v)) v.forEach(discardNulls);
  else if (isObject(v)) {
    for (const k of Object.keys(v)) {
      if (v[k] === null) delete v[k];
      else discardNulls(v[k]!);
    }
  }
  return v;
}

// removeDirectives: a map carrying `$patch` is dropped entirely from a value added whole.
function removeDirectives(v: JsonValue): [JsonValue, boolean] {
  if (isObject(v)) {
    if (hasOwn(v, directiveMarker)) return [null, false];
    for (const k of Object.keys(v)) {
      const [nv, keep] = removeDirectives(v[k]!);
      if (keep) v[k] = nv;
      else delete v[k];
    }
    return [v, true];
  }
  if (Array.isArray(v)) {
    const out: JsonValue[] = [];
    for (const item of v) {
      const [nv, keep] = removeDirectives(item);
      if (keep) out.push(nv);
    }
    return [out, true];
  }
  return [v, true];
}

function extractKey(s: string, prefix: string): string {
  const slash = s.indexOf("/");
  if (slash < 0 || s.slice(0, slash) !== prefix) {
    if (prefix === deleteFromPrimitiveListPrefix) throw badRequest(strategicPatchErrors.badPatchFormatForPrimitiveList);
    throw badRequest(strategicPatchErrors.badPatchFormatForSetElementOrderList);
  }
  return s.slice(slash + 1);
}

// $retainKeys: keep only the listed keys of the original; the patch may set no others.
function applyRetainKeys(original: JsonObject, patch: JsonObject): void {
  if (!hasOwn(patch, retainKeysDirective)) return;
  const list = patch[retainKeysDirective];
  delete patch[retainKeysDirective];
  if (!Array.isArray(list)) throw badRequest(strategicPatchErrors.badPatchFormatForRetainKeys);
  const keep = new Set(list.filter((x): x is string => typeof x === "string"));
  for (const [k, v] of Object.entries(patch)) {
    if (v === null || k.startsWith(deleteFromPrimitiveListPrefix) || k.startsWith(setElementOrderPrefix)) continue;
    if (!keep.has(k)) throw badRequest(strategicPatchErrors.badPatchFormatForRetainKeys);
  }
  for (const k of Object.keys(original)) if (!keep.has(k)) delete original[k];
}

// mergePatchIntoOriginal: lists named by $setElementOrder are merged here, then ordered.
function applySetElementOrder(original: JsonObject, patch: JsonObject, schema: PatchMetaLookup): void {
  for (const key of Object.keys(patch)) {
    if (!key.startsWith(setElementOrderPrefix)) continue;
    const order = patch[key];
    delete patch[key];
    if (!Array.isArray(order)) throw errBadArgType("[]interface {}", order);
    const field = extractKey(key, setElementOrderPrefix);
    const foundOriginal = hasOwn(original, field);
    const foundPatch = hasOwn(patch, field);
    const originalList = original[field];
    const patchList = patch[field];
    if (foundOriginal && !Array.isArray(originalList)) throw errBadArgType("[]interface {}", originalList);
    if (foundPatch && !Array.isArray(patchList)) throw errBadArgType("[]interface {}", patchList);
    const step = orEmpty(schema.lookupSlice(field));
    const strategy = strategyOf(step.meta);
    const mergeKey = step.meta.mergeKey;
    validatePatchWithSetOrderList((patchList as JsonValue[] | undefined) ?? [], order, mergeKey);

    let merged: JsonValue[];
    let serverOrder = (originalList as JsonValue[] | undefined) ?? [];
    if (foundOriginal && !foundPatch) merged = originalList as JsonValue[];
    else if (!foundOriginal && foundPatch) {
      const [v, keep] = removeDirectives(patchList as JsonValue[]);
      if (!keep) continue;
      merged = v as JsonValue[];
    } else if (foundOriginal && foundPatch) {
      if (strategy === mergeDirective) {
        const r = mergeSliceAliased(originalList as JsonValue[], patchList as JsonValue[], step.lookup, mergeKey, false);
        merged = r.merged;
        serverOrder = r.aliasedOriginal;
      } else {
        merged = patchList as JsonValue[];
      }
    } else continue;

    const [inOrder, serverOnly] = mergeKey ? partitionMaps(merged, order, mergeKey) : partitionPrimitives(merged, order);
    const kind = sliceElementKind((originalList as JsonValue[] | undefined) ?? [], (patchList as JsonValue[] | undefined) ?? []);
    original[field] = normalizeElementOrder(inOrder, serverOnly, order, serverOrder, mergeKey, kind);
    delete patch[field];
  }
}

function validatePatchWithSetOrderList(patchList: JsonValue[], order: JsonValue[], mergeKey: string): void {
  if (order.length === 0 || patchList.length === 0) return;
  const nonDelete = mergeKey ? extractToDeleteItems(patchList)[0] : patchList;
  let pi = 0;
  let oi = 0;
  while (pi < nonDelete.length && oi < order.length) {
    if (isObject(nonDelete[pi]) && hasOwn(nonDelete[pi] as JsonObject, directiveMarker)) {
      pi++;
      continue;
    }
    if (mergeKeyValueEqual(nonDelete[pi]!, order[oi]!, mergeKey)) pi++;
    oi++;
  }
  if (pi < nonDelete.length && oi >= order.length) {
    throw new SmpError(`The order in patch list:\n${goFormat(patchList)}\n doesn't match ${setElementOrderPrefix} list:\n${goFormat(order)}\n`);
  }
}

function mergeKeyValueEqual(left: JsonValue, right: JsonValue, mergeKey: string): boolean {
  if (!mergeKey) return scalarEqual(left, right);
  if (!isObject(left)) throw errBadArgType("map[string]interface {}", left);
  if (!isObject(right)) throw errBadArgType("map[string]interface {}", right);
  if (!hasOwn(left, mergeKey)) throw errNoMergeKey(left, mergeKey);
  if (!hasOwn(right, mergeKey)) throw errNoMergeKey(right, mergeKey);
  return scalarEqual(left[mergeKey]!, right[mergeKey]!);
}

// Go's interface equality on decoded JSON: scalars by value; maps and slices never equal.
function scalarEqual(a: JsonValue, b: JsonValue): boolean {
  return a === b && (a === null || typeof a !== "object");
}

type ElementKind = "object" | "scalar";

function sliceElementKind(...slices: JsonValue[][]): ElementKind {
  let prev: string | undefined;
  for (const s of slices) {
    for (const v of s) {
      const k = kindOf(v);
      if (prev === undefined) {
        if (k === "array") throw new SmpError(strategicPatchErrors.noListOfLists, "unprocessable");
        prev = k;
      } else if (prev !== k) {
        throw new SmpError(`list element types are not identical: ${goFormat(slices)}`);
      }
    }
  }
  if (prev === undefined) throw new SmpError("no elements in any of the given slices");
  return prev === "object" ? "object" : "scalar";
}

function mergeSlice(original: JsonValue[], patch: JsonValue[], schema: PatchMetaLookup, mergeKey: string, isDeleteList: boolean): JsonValue[] {
  return mergeSliceAliased(original, patch, schema, mergeKey, isDeleteList).merged;
}

/**
 * mergeSlice, also returning what upstream's caller then sees as the original list: Go
 * deletes and appends in place in the original's backing array (whose capacity is its
 * length when it comes from the API server's unstructured converter), and the
 * `$setElementOrder` step orders server-only items by that aliased view.
 */
function mergeSliceAliased(
  original: JsonValue[],
  patch: JsonValue[],
  schema: PatchMetaLookup,
  mergeKey: string,
  isDeleteList: boolean,
): { merged: JsonValue[]; aliasedOriginal: JsonValue[] } {
  if (original.length === 0 && patch.length === 0) return { merged: original, aliasedOriginal: original };
  const kind = sliceElementKind(original, patch);
  let merged: JsonValue[];
  const slice = new GoSlice(original);
  if (kind === "scalar") {
    if (isDeleteList) return { merged: original.filter((v) => !patch.some((d) => scalarEqual(v, d))), aliasedOriginal: original };
    merged = dedupeScalars([...original, ...patch]);
  } else {
    if (!mergeKey) throw new SmpError(`cannot merge lists without merge key for ${schema.name}`);
    let replaced: JsonValue[] | undefined;
    [replaced, patch] = mergeSliceWithSpecialElements(slice, patch as JsonObject[], mergeKey);
    const serverList = replaced ? new GoSlice(replaced) : slice;
    original = serverList.items();
    mergeSliceWithoutSpecialElements(serverList, patch as JsonObject[], mergeKey, schema);
    merged = serverList.items();
  }
  const [inPatch, serverOnly] = mergeKey ? partitionMaps(merged, patch, mergeKey) : partitionPrimitives(merged, patch);
  return { merged: normalizeElementOrder(inPatch, serverOnly, patch, original, mergeKey, kind), aliasedOriginal: slice.aliasedView() };
}

/** A Go slice over a backing array whose capacity is the original length. */
class GoSlice {
  private backing: JsonValue[];
  private readonly first: JsonValue[];
  private len: number;

  constructor(items: JsonValue[]) {
    this.backing = [...items];
    this.first = this.backing;
    this.len = items.length;
  }

  items(): JsonValue[] {
    return this.backing.slice(0, this.len);
  }

  get(i: number): JsonValue {
    return this.backing[i]!;
  }

  set(i: number, v: JsonValue): void {
    this.backing[i] = v;
  }

  /** `s = append(s[:i], s[i+1:]...)`. */
  removeAt(i: number): void {
    for (let j = i; j < this.len - 1; j++) this.backing[j] = this.backing[j + 1]!;
    this.len--;
  }

  /** `s = append(s, v)`: in place while capacity lasts, else into a new array. */
  push(v: JsonValue): void {
    if (this.len >= this.backing.length) this.backing = [...this.backing];
    this.backing[this.len++] = v;
  }

  /** The original slice header's view of the first backing array. */
  aliasedView(): JsonValue[] {
    return [...this.first];
  }
}

function dedupeScalars(s: JsonValue[]): JsonValue[] {
  const out: JsonValue[] = [];
  for (const v of s) if (!out.some((x) => scalarEqual(x, v))) out.push(v);
  return out;
}

// `$patch: delete` items remove their match from the original; `$patch: replace` makes
// the plain items the whole list (returned first; undefined when not replacing).
function mergeSliceWithSpecialElements(original: GoSlice, patch: JsonObject[], mergeKey: string): [JsonValue[] | undefined, JsonValue[]] {
  const plain: JsonValue[] = [];
  let replace = false;
  for (const item of patch) {
    if (!hasOwn(item, directiveMarker)) {
      plain.push(item);
      continue;
    }
    const directive = item[directiveMarker];
    if (directive === deleteDirective) {
      if (!hasOwn(item, mergeKey)) throw errNoMergeKey(item, mergeKey);
      for (let i = findByMergeKey(original.items(), mergeKey, item[mergeKey]!); i >= 0; i = findByMergeKey(original.items(), mergeKey, item[mergeKey]!)) {
        original.removeAt(i);
      }
    } else if (directive === replaceDirective) {
      replace = true;
    } else if (directive === mergeDirective) {
      throw new SmpError("merging lists cannot yet be specified in the patch");
    } else {
      throw errBadPatchType(directive, item);
    }
  }
  return replace ? [plain, []] : [undefined, plain];
}

function findByMergeKey(list: JsonValue[], mergeKey: string, value: JsonValue): number {
  for (let i = 0; i < list.length; i++) {
    const item = list[i];
    if (!isObject(item)) throw new SmpError(`value for key ${i} is not a map`);
    if (hasOwn(item, mergeKey) && scalarEqual(item[mergeKey]!, value)) return i;
  }
  return -1;
}

function mergeSliceWithoutSpecialElements(original: GoSlice, patch: JsonObject[], mergeKey: string, schema: PatchMetaLookup): void {
  for (const item of patch) {
    if (!hasOwn(item, mergeKey)) throw errNoMergeKey(item, mergeKey);
    const i = findByMergeKey(original.items(), mergeKey, item[mergeKey]!);
    if (i >= 0) original.set(i, mergeMap(original.get(i) as JsonObject, item, schema));
    else original.push(item);
  }
}

function partitionPrimitives(list: JsonValue[], by: JsonValue[]): [JsonValue[], JsonValue[]] {
  const inBy: JsonValue[] = [];
  const rest: JsonValue[] = [];
  for (const v of list) (by.some((b) => scalarEqual(b, v)) ? inBy : rest).push(v);
  return [inBy, rest];
}

function partitionMaps(list: JsonValue[], by: JsonValue[], mergeKey: string): [JsonValue[], JsonValue[]] {
  const inBy: JsonValue[] = [];
  const rest: JsonValue[] = [];
  for (const v of list) {
    if (!isObject(v)) throw errBadArgType("map[string]interface {}", v);
    if (!hasOwn(v, mergeKey)) throw errNoMergeKey(v, mergeKey);
    (findByMergeKey(by, mergeKey, v[mergeKey]!) >= 0 ? inBy : rest).push(v);
  }
  return [inBy, rest];
}

function extractToDeleteItems(list: JsonValue[]): [JsonValue[], JsonValue[]] {
  const keep: JsonValue[] = [];
  const del: JsonValue[] = [];
  for (const v of list) {
    if (!isObject(v)) throw errBadArgType("map[string]interface {}", v);
    (v[directiveMarker] === deleteDirective ? del : keep).push(v);
  }
  return [keep, del];
}

function indexIn(list: JsonValue[], v: JsonValue, mergeKey: string, kind: ElementKind): number {
  const key = (x: JsonValue): JsonValue | undefined => (kind === "object" ? (isObject(x) ? x[mergeKey] : undefined) : x);
  const want = key(v);
  return list.findIndex((x) => {
    const got = key(x);
    return got === undefined ? want === undefined : want !== undefined && scalarEqual(got, want);
  });
}

// Sorts by position in `order`; items not found there keep their place after the found ones.
function normalizeSliceOrder(toSort: JsonValue[], order: JsonValue[], mergeKey: string, kind: ElementKind): JsonValue[] {
  let toDelete: JsonValue[] = [];
  if (kind === "object") {
    for (const item of [...toSort, ...order]) {
      if (!isObject(item)) throw errBadArgType("map[string]interface {}", item);
      if (!hasOwn(item, mergeKey)) throw errNoMergeKey(item, mergeKey);
    }
    [toSort, toDelete] = extractToDeleteItems(toSort);
  }
  const ranked = toSort.map((v, i) => ({ v, i, at: indexIn(order, v, mergeKey, kind) }));
  ranked.sort((a, b) => (a.at >= 0 && b.at >= 0 ? a.at - b.at : a.at >= 0 ? -1 : b.at >= 0 ? 1 : 0) || a.i - b.i);
  return [...ranked.map((r) => r.v), ...toDelete];
}

// normalizeElementOrder + mergeSortedSlice: patch items in patch order, server-only items in
// server order, interleaved where both have a position in the server's list.
function normalizeElementOrder(
  patch: JsonValue[],
  serverOnly: JsonValue[],
  patchOrder: JsonValue[],
  serverOrder: JsonValue[],
  mergeKey: string,
  kind: ElementKind,
): JsonValue[] {
  const left = normalizeSliceOrder(serverOnly, serverOrder, mergeKey, kind);
  const right = normalizeSliceOrder(patch, patchOrder, mergeKey, kind);
  const out: JsonValue[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i >= left.length) out.push(right[j++]!);
    else if (j >= right.length) out.push(left[i++]!);
    else {
      const li = indexIn(serverOrder, left[i]!, mergeKey, kind);
      const ri = indexIn(serverOrder, right[j]!, mergeKey, kind);
      if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++]!);
      else out.push(right[j++]!);
    }
  }
  return out;
}
