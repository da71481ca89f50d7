/**
 * Table output of custom resources from `additionalPrinterColumns`
 * (apiextensions-apiserver pkg/registry/customresource/tableconvertor): Name first, then
 * each column's JSONPath value; without columns, an Age column from creationTimestamp.
 * String cells are printed as JSONPath prints them; integer, number and boolean cells
 * keep their JSON type; date cells are human durations ("5m").
 */
import type { TableColumn, TableConvertor } from "../resource-type.js";
import { humanDuration, nameColumn } from "../table-helpers.js";
import type { CustomResourceColumnDefinition } from "../apiextensions/v1/crd-types.js";
import { evaluateJsonPath, parseJsonPath } from "./_json-path.js";

const creationTimestampDescription =
  "CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";

/** upstream's serveDefaultColumnsIfEmpty. */
export function columnsOrDefault(columns: CustomResourceColumnDefinition[] | undefined): CustomResourceColumnDefinition[] {
  if (columns && columns.length > 0) return columns;
  return [{ name: "Age", type: "date", description: creationTimestampDescription, jsonPath: ".metadata.creationTimestamp" }];
}

export function printerTable(columns: CustomResourceColumnDefinition[]): TableConvertor {
  const parsed = columns.map((c) => {
    try {
      return parseJsonPath(c.jsonPath);
    } catch {
      return undefined;
    }
  });
  const defs: TableColumn[] = [
    { ...nameColumn },
    ...columns.map((c) => {
      const col: TableColumn = { name: c.name, type: c.type as TableColumn["type"], description: c.description ?? "", priority: c.priority ?? 0 };
      if (c.format) col.format = c.format;
      return col;
    }),
  ];
  return {
    columns: defs,
    cells(obj, now) {
      const cells: unknown[] = [obj.metadata.name ?? ""];
      columns.forEach((c, i) => {
        const steps = parsed[i];
        const results = steps ? evaluateJsonPath(steps, obj) : [];
        if (results.length === 0) return void cells.push(null);
        cells.push(cell(c.type, c.type === "string" ? results : results[0], now));
      });
      return cells;
    },
  };
}

function printed(v: unknown): string {
  if (typeof v === "string") return v;
  if (v === null || v === undefined) return "<nil>";
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

function cell(type: string, value: unknown, now: Date): unknown {
  switch (type) {
    case "string":
      return (value as unknown[]).map(printed).join(" ");
    case "integer":
      return typeof value === "number" ? Math.trunc(value) : null;
    case "number":
      return typeof value === "number" ? value : null;
    case "boolean":
      return typeof value === "boolean" ? value : null;
    case "date": {
      if (typeof value !== "string") return null;
      const t = Date.parse(value);
      if (Number.isNaN(t)) return "<invalid>";
      return humanDuration(now.getTime() - t);
    }
    default:
      return printed(value);
  }
}
