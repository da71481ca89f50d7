/**
 * The JSONPath subset CRDs use for printer columns, selectable fields and scale paths
 * (client-go util/jsonpath without the braces): `.spec.replicas`, `.metadata.labels['app']`,
 * `.spec.containers[0].image`, `.items[*].name`, `.status.conditions[?(@.type=="Ready")].status`.
 */
type Step = { kind: "field"; name: string } | { kind: "index"; index: number } | { kind: "all" } | { kind: "filter"; path: string[]; op: "==" | "!="; value: unknown };

export class JsonPathError extends Error {}

export function parseJsonPath(path: string): Step[] {
  const steps: Step[] = [];
  let i = 0;
  const text = path.trim().replace(/^\{(.*)\}$/, "$1").replace(/^\$/, "");
  while (i < text.length) {
    const c = text[i];
    if (c === ".") {
      const m = /^\.([A-Za-z0-9_\-/$]+)/.exec(text.slice(i));
      if (!m) throw new JsonPathError(`invalid JSONPath at ${i}: ${path}`);
      steps.push({ kind: "field", name: m[1] });
      i += m[0].length;
    } else if (c === "[") {
      const end = closingBracket(text, i);
      const inner = text.slice(i + 1, end).trim();
      i = end + 1;
      if (inner === "*") steps.push({ kind: "all" });
      else if (/^-?\d+$/.test(inner)) steps.push({ kind: "index", index: Number(inner) });
      else if (/^'.*'$|^".*"$/.test(inner)) steps.push({ kind: "field", name: inner.slice(1, -1) });
      else {
        const f = /^\?\(@((?:\.[A-Za-z0-9_\-/]+)+)\s*(==|!=)\s*(.+)\)$/.exec(inner);
        if (!f) throw new JsonPathError(`unsupported JSONPath expression [${inner}] in ${path}`);
        const raw = f[3].trim();
        const value: unknown = /^'.*'$|^".*"$/.test(raw) ? raw.slice(1, -1) : raw === "true" ? true : raw === "false" ? false : Number(raw);
        steps.push({ kind: "filter", path: f[1].slice(1).split("."), op: f[2] as "==" | "!=", value });
      }
    } else {
      throw new JsonPathError(`invalid JSONPath at ${i}: ${path}`);
    }
  }
  return steps;
}

function closingBracket(text: string, from: number): number {
  let quote = "";
  let depth = 0;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = "";
    } else if (c === "'" || c === '"') quote = c;
    else if (c === "[" || c === "(") depth++;
    else if (c === "]" || c === ")") {
      depth--;
      if (depth === 0 && c === "]") return i;
    }
  }
  throw new JsonPathError(`unclosed bracket in JSONPath: ${text}`);
}

/** Every value the path selects, in document order. */
export function evaluateJsonPath(steps: readonly Step[], root: unknown): unknown[] {
  let current: unknown[] = [root];
  for (const step of steps) {
    const next: unknown[] = [];
    for (const v of current) {
      if (step.kind === "field") {
        if (v !== null && typeof v === "object" && !Array.isArray(v) && step.name in v) next.push((v as Record<string, unknown>)[step.name]);
      } else if (step.kind === "index") {
        if (Array.isArray(v)) {
          const at = step.index < 0 ? v.length + step.index : step.index;
          if (at >= 0 && at < v.length) next.push(v[at]);
        }
      } else if (step.kind === "all") {
        if (Array.isArray(v)) next.push(...v);
        else if (v !== null && typeof v === "object") next.push(...Object.values(v));
      } else {
        if (!Array.isArray(v)) continue;
        for (const item of v) {
          let got: unknown = item;
          for (const p of step.path) got = got !== null && typeof got === "object" ? (got as Record<string, unknown>)[p] : undefined;
          if ((got === step.value) === (step.op === "==")) next.push(item);
        }
      }
    }
    current = next;
  }
  return current;
}

/** Dotted paths like `.spec.replicas` (scale subresource paths) as a list of keys. */
export function dottedKeys(path: string): string[] {
  return path.replace(/^\./, "").split(".");
}
