/**
 * Kubernetes protobuf request bodies (`Content-Type: application/vnd.kubernetes.protobuf`,
 * what client-go's typed clients send for built-in kinds) → the JSON-shaped object a JSON
 * request would carry.
 *
 * The body is `k8s\0` and a runtime.Unknown envelope naming apiVersion and kind; the object's
 * own message is walked with our schema for types and `_field-numbers.ts` for field names.
 * Go writes its non-pointer fields even when empty, so empty strings, lists, maps and zero
 * times are dropped, as Go's JSON `omitempty` would; so are 0 and false where the table marks
 * a field `,omitempty` (a non-pointer Go field); other numbers and booleans are kept.
 * https://kubernetes.io/docs/reference/using-api/api-concepts/#protobuf-encoding
 *
 *   const pod = decodeKubernetesProtobuf(body, registry); // { apiVersion: "v1", kind: "Pod", metadata: {…}, spec: {…} }
 */
import { ApiError } from "../../machinery/index.js";
import type { KubeObject } from "../object.js";
import { parseApiVersion } from "../object.js";
import type { KindRegistry } from "../registry.js";
import type { Definitions, Schema } from "../schema.js";
import { meta } from "../schema.js";
import { fieldNumbers } from "./_field-numbers.js";
import { formatGoDuration, formatGoTime, goZeroTimeSeconds } from "./_go-format.js";
import { float64, malformed, readFields, readPackedVarints, text } from "./_wire.js";
import type { WireField } from "./_wire.js";

const magic = [0x6b, 0x38, 0x73, 0x00]; // "k8s\0"

const metaV1 = "io.k8s.apimachinery.pkg.apis.meta.v1";
const fieldsV1 = `${metaV1}.FieldsV1`;

/**
 * Decodes one protobuf-encoded object. Throws a 400 `ApiError` for anything that is not a
 * well-formed envelope of a kind the registry knows. Kinds that are no resource's
 * (DeleteOptions, Eviction, Binding, Scale) are found by their group-version-kind among the
 * definitions; only kinds with metadata come back with `metadata`.
 */
export function decodeKubernetesProtobuf(bytes: Uint8Array, registry: KindRegistry): KubeObject {
  if (bytes.length < magic.length || magic.some((b, i) => bytes[i] !== b)) {
    throw malformed("the body does not start with the k8s\\0 prefix");
  }
  const envelope = readEnvelope(bytes.subarray(magic.length));
  const { apiVersion, kind } = envelope;
  if (!kind) throw ApiError.badRequest("Object 'Kind' is missing in protobuf body");
  if (envelope.contentEncoding) throw malformed(`unsupported content encoding "${envelope.contentEncoding}"`);
  const definitions = registry.definitions();
  const definition = definitionFor(registry, definitions, apiVersion, kind);
  if (!definition) throw ApiError.badRequest(`no kind "${kind}" is registered for version "${apiVersion}"`);
  const decoded = new SchemaDecoder(definitions).object(envelope.raw, definition, "");
  // The object has the shape of `definition`; KubeObject's `metadata` is there when that kind has it.
  return { apiVersion, kind, ...decoded } as KubeObject;
}

interface Envelope {
  apiVersion: string;
  kind: string;
  raw: Uint8Array;
  contentEncoding: string;
}

/** runtime.Unknown: typeMeta = 1 (apiVersion = 1, kind = 2), raw = 2, contentEncoding = 3, contentType = 4. */
function readEnvelope(bytes: Uint8Array): Envelope {
  const envelope: Envelope = { apiVersion: "", kind: "", raw: new Uint8Array(0), contentEncoding: "" };
  for (const f of readFields(bytes)) {
    if (f.number === 1 && f.wire === 2) {
      for (const t of readFields(f.value)) {
        if (t.number === 1 && t.wire === 2) envelope.apiVersion = text(t.value);
        if (t.number === 2 && t.wire === 2) envelope.kind = text(t.value);
      }
    } else if (f.number === 2 && f.wire === 2) envelope.raw = f.value;
    else if (f.number === 3 && f.wire === 2) envelope.contentEncoding = text(f.value);
  }
  return envelope;
}

/** The served kind's definition, else one that declares the group-version-kind, else meta/v1's kind of that name (DeleteOptions under any group). */
function definitionFor(registry: KindRegistry, definitions: Definitions, apiVersion: string, kind: string): string | undefined {
  const { group, version } = parseApiVersion(apiVersion);
  const served = registry.byKind(group, version, kind)?.definition;
  if (served && definitions[served]) return served;
  for (const [name, schema] of Object.entries(definitions)) {
    if (schema["x-kubernetes-group-version-kind"]?.some((g) => g.group === group && g.version === version && g.kind === kind)) return name;
  }
  const metaKind = `${metaV1}.${kind}`;
  return definitions[metaKind] && fieldNumbers[metaKind] ? metaKind : undefined;
}

/** Walks messages with the schema for types. `path` names the field in errors. */
class SchemaDecoder {
  constructor(private readonly defs: Definitions) {}

  /** A message of definition `name` as an object. */
  object(bytes: Uint8Array, name: string, path: string): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    this.fill(out, bytes, name, this.defs[name]?.properties ?? {}, path);
    return out;
  }

  /** Sets `out`'s fields from a message; an embedded (inline) message fills the same object. */
  private fill(out: Record<string, unknown>, bytes: Uint8Array, table: string, properties: Record<string, Schema>, path: string): void {
    const names = fieldNumbers[table] ?? {};
    for (const [number, occurrences] of byNumber(readFields(bytes))) {
      const entry = names[number];
      if (entry === undefined) continue; // unknown fields are skipped, as upstream's decoder does
      if (entry.startsWith("...")) {
        for (const o of occurrences) this.fill(out, lengthDelimited(o, path), entry.slice(3), properties, path);
        continue;
      }
      const [name, omitempty] = entry.split(",");
      const schema = properties[name];
      if (!schema) continue;
      const value = this.field(schema, occurrences, path ? `${path}.${name}` : name);
      if (value === undefined || (omitempty && (value === 0 || value === false))) continue;
      out[name] = value;
    }
  }

  /** All occurrences of one field, as JSON would show it; undefined where `omitempty` drops it. */
  private field(schema: Schema, occurrences: WireField[], path: string): unknown {
    const { name, schema: s } = this.resolve(schema);
    if (!special(name) && s.type === "array") {
      const items = this.repeated(s.items ?? {}, occurrences, path);
      return items.length ? items : undefined;
    }
    if (!special(name) && typeof s.additionalProperties === "object") {
      const map = this.map(s.additionalProperties, occurrences, path);
      return Object.keys(map).length ? map : undefined;
    }
    const value = this.single(schema, occurrences[occurrences.length - 1], path);
    return value === "" ? undefined : value;
  }

  /** A repeated field's elements; scalars may come packed into one length-delimited record. */
  private repeated(items: Schema, occurrences: WireField[], path: string): unknown[] {
    const { name, schema: s } = this.resolve(items);
    const scalar = !special(name) && (s.type === "integer" || s.type === "number" || s.type === "boolean");
    const out: unknown[] = [];
    for (const o of occurrences) {
      if (scalar && o.wire === 2) {
        if (s.type === "number") {
          if (o.value.length % 8 !== 0) throw malformed(`truncated packed doubles in ${path}`);
          for (let i = 0; i < o.value.length; i += 8) out.push(float64(o.value.subarray(i, i + 8)));
        } else {
          for (const v of readPackedVarints(o.value)) out.push(s.type === "boolean" ? v !== 0n : int(v));
        }
        continue;
      }
      const value = this.single(items, o, path);
      if (value !== undefined) out.push(value);
    }
    return out;
  }

  /** `map<string, V>`: repeated entry messages {key = 1, value = 2}. A list value is a message {items = 1} (authentication's ExtraValue). */
  private map(values: Schema, occurrences: WireField[], path: string): Record<string, unknown> {
    const { name, schema: s } = this.resolve(values);
    const listValue = !special(name) && s.type === "array";
    const out: Record<string, unknown> = {};
    for (const o of occurrences) {
      let key = "";
      let value: WireField | undefined;
      for (const f of readFields(lengthDelimited(o, path))) {
        if (f.number === 1) key = text(lengthDelimited(f, path));
        else if (f.number === 2) value = f;
      }
      const entryPath = `${path}[${JSON.stringify(key)}]`;
      if (listValue) {
        const items = value ? readFields(lengthDelimited(value, entryPath)).filter((f) => f.number === 1) : [];
        out[key] = this.repeated(s.items ?? {}, items, entryPath);
      } else {
        // An absent value is the type's zero value, which a map keeps ("k": "").
        out[key] = this.single(values, value ?? zeroOf(s), entryPath) ?? "";
      }
    }
    return out;
  }

  /** One value of a field. */
  private single(schema: Schema, o: WireField, path: string): unknown {
    const { name, schema: s } = this.resolve(schema);
    switch (name) {
      case meta.Quantity:
        return stringField(lengthDelimited(o, path), 1, path) || undefined;
      case meta.IntOrString:
        return intOrString(lengthDelimited(o, path), path);
      case meta.Time:
      case meta.MicroTime:
        return time(lengthDelimited(o, path), name === meta.MicroTime);
      case meta.Duration:
        return formatGoDuration(varintField(lengthDelimited(o, path), 1));
      case meta.RawExtension:
      case fieldsV1:
        return this.json(lengthDelimited(o, path), path);
    }
    if (s["x-kubernetes-int-or-string"]) return intOrString(lengthDelimited(o, path), path);
    switch (s.type) {
      case "string": {
        const bytes = lengthDelimited(o, path);
        return s.format === "byte" ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString("base64") : text(bytes);
      }
      case "integer":
        return int(varint(o, path));
      case "boolean":
        return varint(o, path) !== 0n;
      case "number":
        if (o.wire === 1) return float64(o.value);
        return Number(BigInt.asIntN(64, varint(o, path)));
    }
    if (name && fieldNumbers[name]) return this.object(lengthDelimited(o, path), name, path);
    return undefined; // a type we cannot read from protobuf (no field numbers for it)
  }

  /** RawExtension {raw = 1} and FieldsV1 {Raw = 1} carry JSON text. */
  private json(message: Uint8Array, path: string): unknown {
    const field = readFields(message).filter((f) => f.number === 1).at(-1);
    const raw = field ? lengthDelimited(field, path) : undefined;
    if (!raw || raw.length === 0) return undefined;
    try {
      return JSON.parse(text(raw));
    } catch (err) {
      throw ApiError.badRequest(`unable to decode protobuf body: ${path}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /** Follows `$ref`s (and single-element `allOf`), keeping the last definition name. */
  private resolve(schema: Schema): { name: string | undefined; schema: Schema } {
    let s = schema;
    let name: string | undefined;
    for (let hops = 0; hops < 32; hops++) {
      if (s.$ref !== undefined) {
        name = s.$ref;
        s = this.defs[name] ?? {};
      } else if (s.allOf?.length === 1 && !s.properties && !s.type) {
        s = s.allOf[0];
      } else break;
    }
    return { name, schema: s };
  }
}

const specialNames = new Set<string>([meta.Quantity, meta.IntOrString, meta.Time, meta.MicroTime, meta.Duration, meta.RawExtension, fieldsV1]);

function special(name: string | undefined): boolean {
  return name !== undefined && specialNames.has(name);
}

/** Occurrences grouped by field number, in first-seen order. */
function byNumber(fields: WireField[]): Map<number, WireField[]> {
  const out = new Map<number, WireField[]>();
  for (const f of fields) {
    const list = out.get(f.number);
    if (list) list.push(f);
    else out.set(f.number, [f]);
  }
  return out;
}

function lengthDelimited(o: WireField, path: string): Uint8Array {
  if (o.wire !== 2) throw malformed(`${path || "object"}: expected a length-delimited value, got wire type ${o.wire}`);
  return o.value;
}

function varint(o: WireField, path: string): bigint {
  if (o.wire !== 0) throw malformed(`${path}: expected a varint, got wire type ${o.wire}`);
  return o.value;
}

/** int32 and int64 alike: negative values are ten-byte two's complement. */
function int(v: bigint): number {
  return Number(BigInt.asIntN(64, v));
}

function zeroOf(s: Schema): WireField {
  if (s.type === "integer" || s.type === "boolean") return { number: 2, wire: 0, value: 0n };
  if (s.type === "number") return { number: 2, wire: 1, value: new Uint8Array(8) };
  return { number: 2, wire: 2, value: new Uint8Array(0) };
}

function stringField(message: Uint8Array, number: number, path: string): string {
  const f = readFields(message).filter((x) => x.number === number).at(-1);
  return f ? text(lengthDelimited(f, path)) : "";
}

function varintField(message: Uint8Array, number: number): bigint {
  const f = readFields(message).filter((x) => x.number === number).at(-1);
  return f ? BigInt.asIntN(64, varint(f, String(number))) : 0n;
}

/** IntOrString {type = 1, intVal = 2, strVal = 3}: type 1 is a string; the zero value is absent. */
function intOrString(message: Uint8Array, path: string): number | string | undefined {
  const type = varintField(message, 1);
  if (type === 1n) return stringField(message, 3, path);
  const intVal = Number(BigInt.asIntN(32, varintField(message, 2)));
  return type === 0n && intVal === 0 ? undefined : intVal;
}

/** Time/MicroTime {seconds = 1, nanos = 2}; an empty message or Go's zero time is no time. */
function time(message: Uint8Array, micro: boolean): string | undefined {
  if (message.length === 0) return undefined;
  const seconds = varintField(message, 1);
  if (seconds === goZeroTimeSeconds) return undefined;
  return formatGoTime(seconds, Number(varintField(message, 2)), micro);
}
