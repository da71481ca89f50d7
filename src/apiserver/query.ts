import { ApiError } from "../machinery/index.js";

/** Typed reads of query parameters, with upstream-shaped 400s for bad values. */
export function queryInt(query: Record<string, string>, name: string): number | undefined {
  const raw = query[name];
  if (raw === undefined || raw === "") return undefined;
  if (!/^-?\d+$/.test(raw)) throw ApiError.badRequest(`invalid value for ${name}: ${JSON.stringify(raw)}: must be an integer`);
  return Number(raw);
}

export function queryBool(query: Record<string, string>, name: string): boolean | undefined {
  const raw = query[name];
  if (raw === undefined) return undefined;
  if (raw === "" || raw === "true" || raw === "1") return true;
  if (raw === "false" || raw === "0") return false;
  throw ApiError.badRequest(`invalid value for ${name}: ${JSON.stringify(raw)}: must be a boolean`);
}

/** dryRun=All (the only value upstream accepts). */
export function isDryRun(query: Record<string, string>): boolean {
  const raw = query.dryRun;
  if (raw === undefined || raw === "") return false;
  for (const v of raw.split(",")) {
    if (v !== "All") throw ApiError.badRequest(`Invalid dryRun value: ${JSON.stringify(v)}: supported values: "All"`);
  }
  return true;
}

export type FieldValidation = "Strict" | "Warn" | "Ignore";

export function fieldValidation(query: Record<string, string>): FieldValidation {
  const raw = query.fieldValidation;
  if (raw === undefined || raw === "") return "Warn";
  if (raw === "Strict" || raw === "Warn" || raw === "Ignore") return raw;
  throw ApiError.badRequest(`fieldValidation: invalid field validation directive: ${raw}: supported values: "Ignore", "Warn", "Strict"`);
}
