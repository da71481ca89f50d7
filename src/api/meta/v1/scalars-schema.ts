// The apimachinery types that are not objects on the wire, as upstream's OpenAPI v3 shows them
// (k8s.io/apimachinery: meta/v1 time.go, micro_time.go, duration.go; api/resource quantity.go;
// util/intstr intstr.go; runtime types.go). Their Go types carry OpenAPISchemaType/Format methods.
import type { Definitions } from "../../schema.js";
import { m } from "./_names.js";

export const scalarDefinitions: Definitions = {
  [m.Time]: {
    type: "string",
    format: "date-time",
    description: "Time is a wrapper around time.Time which supports correct marshaling to YAML and JSON. Wrappers are provided for many of the factory methods that the time package offers.",
  },
  [m.MicroTime]: {
    type: "string",
    format: "date-time",
    description: "MicroTime is version of Time with microsecond level precision.",
  },
  [m.Duration]: {
    type: "string",
    description: "Duration is a wrapper around time.Duration which supports correct marshaling to YAML and JSON. In particular, it marshals into strings, which can be used as map keys in json.",
  },
  // Clients (kubectl included) also send plain numbers ("cpu: 1"); a type check must accept them.
  [m.Quantity]: {
    type: "string",
    format: "quantity",
    description: "Quantity is a fixed-point representation of a number. It provides convenient marshaling/unmarshaling in JSON and YAML, in addition to String() and Int64() accessors.",
  },
  [m.IntOrString]: {
    "x-kubernetes-int-or-string": true,
    format: "int-or-string",
    oneOf: [{ type: "integer" }, { type: "string" }],
    description: "IntOrString is a type that can hold an int32 or a string. When used in JSON or YAML marshalling and unmarshalling, it produces or consumes the inner type. This allows you to have, for example, a JSON field that can accept a name or number.",
  },
  [m.RawExtension]: {
    type: "object",
    "x-kubernetes-preserve-unknown-fields": true,
    description: "RawExtension is used to hold extensions in external versions.",
  },
  [m.FieldsV1]: {
    type: "object",
    "x-kubernetes-preserve-unknown-fields": true,
    description: "FieldsV1 stores a set of fields in a data structure like a Trie, in JSON format.",
  },
};
