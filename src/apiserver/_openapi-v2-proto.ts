// The swagger 2.0 document (as JSON) → gnostic's `openapi.v2.Document` protobuf, the
// form client-go's OpenAPISchema() asks for
// (`Accept: application/com.github.proto-openapi.spec.v2@v1.0+protobuf`).
// Field numbers are those of gnostic openapiv2/OpenAPIv2.proto; only the subset our
// documents use is written. Values of vendor extensions, defaults and enums are `Any`
// messages holding YAML text; we write JSON, which is YAML.
import { ProtoWriter } from "./_protobuf-writer.js";

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === "number" ? v : undefined);
const strs = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);

export function encodeSwaggerDocument(doc: Json): Uint8Array {
  const w = new ProtoWriter();
  w.string(1, str(doc.swagger));
  if (isObject(doc.info)) {
    const info = doc.info;
    w.message(2, (i) => i.string(1, str(info.title)).string(2, str(info.version)));
  }
  w.strings(5, strs(doc.schemes));
  w.strings(6, strs(doc.consumes));
  w.strings(7, strs(doc.produces));
  if (isObject(doc.paths)) {
    const paths = doc.paths;
    w.message(8, (p) => {
      for (const [name, item] of Object.entries(paths)) if (isObject(item)) p.message(2, (np) => np.string(1, name).message(2, (pi) => pathItem(pi, item)));
    });
  }
  if (isObject(doc.definitions)) {
    const defs = doc.definitions;
    w.message(9, (d) => {
      for (const [name, s] of Object.entries(defs)) if (isObject(s)) d.message(1, (ns) => ns.string(1, name).message(2, (sw) => schema(sw, s)));
    });
  }
  vendorExtensions(w, 16, doc);
  return w.finish();
}

function anyYaml(w: ProtoWriter, field: number, value: unknown): void {
  w.message(field, (a) => a.string(2, `${JSON.stringify(value)}\n`));
}

function vendorExtensions(w: ProtoWriter, field: number, obj: Json): void {
  for (const [key, value] of Object.entries(obj)) {
    if (!key.startsWith("x-") || value === undefined) continue;
    w.message(field, (na) => {
      na.string(1, key);
      anyYaml(na, 2, value);
    });
  }
}

const operationFields: Record<string, number> = { get: 2, put: 3, post: 4, delete: 5, options: 6, head: 7, patch: 8 };

function pathItem(w: ProtoWriter, item: Json): void {
  w.string(1, str(item.$ref));
  for (const [method, field] of Object.entries(operationFields)) {
    const op = item[method];
    if (isObject(op)) w.message(field, (o) => operation(o, op));
  }
  parameters(w, 9, item.parameters);
  vendorExtensions(w, 10, item);
}

function operation(w: ProtoWriter, op: Json): void {
  w.strings(1, strs(op.tags));
  w.string(2, str(op.summary));
  w.string(3, str(op.description));
  w.string(5, str(op.operationId));
  w.strings(6, strs(op.produces));
  w.strings(7, strs(op.consumes));
  parameters(w, 8, op.parameters);
  if (isObject(op.responses)) {
    const responses = op.responses;
    w.message(9, (rs) => {
      for (const [code, r] of Object.entries(responses)) {
        if (!isObject(r)) continue;
        rs.message(1, (nr) => nr.string(1, code).message(2, (rv) => rv.message(1, (resp) => response(resp, r))));
      }
    });
  }
  w.strings(10, strs(op.schemes));
  w.bool(11, op.deprecated === true);
  vendorExtensions(w, 13, op);
}

function response(w: ProtoWriter, r: Json): void {
  w.string(1, str(r.description));
  if (isObject(r.schema)) {
    const s = r.schema;
    w.message(2, (si) => si.message(1, (sw) => schema(sw, s)));
  }
  vendorExtensions(w, 5, r);
}

function parameters(w: ProtoWriter, field: number, list: unknown): void {
  if (!Array.isArray(list)) return;
  for (const p of list) {
    if (!isObject(p)) continue;
    // ParametersItem.parameter (1) → Parameter, whose oneof is body (1) or non-body (2).
    w.message(field, (item) => item.message(1, (param) => {
      if (p.in === "body") {
        param.message(1, (b) => {
          b.string(1, str(p.description)).string(2, str(p.name)).string(3, "body").bool(4, p.required === true);
          if (isObject(p.schema)) {
            const s = p.schema;
            b.message(5, (sw) => schema(sw, s));
          }
          vendorExtensions(b, 6, p);
        });
      } else {
        param.message(2, (nb) => nonBody(nb, p));
      }
    }));
  }
}

// NonBodyParameter's oneof: header (1), formData (2), query (3), path (4); their field numbers differ.
function nonBody(w: ProtoWriter, p: Json): void {
  if (p.in === "path") {
    w.message(4, (s) => {
      s.bool(1, p.required === true).string(2, "path").string(3, str(p.description)).string(4, str(p.name));
      s.string(5, str(p.type)).string(6, str(p.format)).bool(19, p.uniqueItems === true);
      vendorExtensions(s, 22, p);
    });
    return;
  }
  const field = p.in === "header" ? 1 : p.in === "formData" ? 2 : 3;
  w.message(field, (s) => {
    s.bool(1, p.required === true).string(2, str(p.in)).string(3, str(p.description)).string(4, str(p.name));
    if (field === 1) {
      s.string(5, str(p.type)).string(6, str(p.format)).bool(19, p.uniqueItems === true);
      vendorExtensions(s, 22, p);
    } else {
      s.string(6, str(p.type)).string(7, str(p.format)).bool(20, p.uniqueItems === true);
      vendorExtensions(s, 23, p);
    }
  });
}

/** gnostic `Schema`. */
function schema(w: ProtoWriter, s: Json): void {
  w.string(1, str(s.$ref));
  w.string(2, str(s.format));
  w.string(3, str(s.title));
  w.string(4, str(s.description));
  if (s.default !== undefined) anyYaml(w, 5, s.default);
  w.double(6, num(s.multipleOf));
  w.double(7, num(s.maximum));
  w.bool(8, s.exclusiveMaximum === true);
  w.double(9, num(s.minimum));
  w.bool(10, s.exclusiveMinimum === true);
  w.int64(11, num(s.maxLength));
  w.int64(12, num(s.minLength));
  w.string(13, str(s.pattern));
  w.int64(14, num(s.maxItems));
  w.int64(15, num(s.minItems));
  w.bool(16, s.uniqueItems === true);
  w.int64(17, num(s.maxProperties));
  w.int64(18, num(s.minProperties));
  w.strings(19, strs(s.required));
  if (Array.isArray(s.enum)) for (const e of s.enum) anyYaml(w, 20, e);
  const additional = s.additionalProperties;
  if (isObject(additional)) w.message(21, (a) => a.message(1, (sw) => schema(sw, additional)));
  else if (typeof additional === "boolean") w.message(21, (a) => a.boolAlways(2, additional));
  if (s.type !== undefined) w.message(22, (t) => t.strings(1, Array.isArray(s.type) ? strs(s.type) : strs([s.type])));
  const items = s.items;
  if (isObject(items)) w.message(23, (i) => i.message(1, (sw) => schema(sw, items)));
  if (Array.isArray(s.allOf)) for (const part of s.allOf) if (isObject(part)) w.message(24, (sw) => schema(sw, part));
  if (isObject(s.properties)) {
    const props = s.properties;
    w.message(25, (p) => {
      for (const [name, ps] of Object.entries(props)) if (isObject(ps)) p.message(1, (ns) => ns.string(1, name).message(2, (sw) => schema(sw, ps)));
    });
  }
  w.string(26, str(s.discriminator));
  w.bool(27, s.readOnly === true);
  if (s.example !== undefined) anyYaml(w, 30, s.example);
  vendorExtensions(w, 31, s);
}
