import type { KubeObject, ResourceType, RestResponse, TableColumn } from "../api/index.js";
import type { VerbContext } from "./context.js";
import { rfc3339 } from "./context.js";

/**
 * The response forms a client can ask for in Accept, as upstream's content negotiation:
 * the object itself, a meta.k8s.io Table (`as=Table`, what `kubectl get` asks for), or
 * PartialObjectMetadata (`as=PartialObjectMetadata[List]`, what metadata informers use).
 */
export type OutputForm = { form: "object" } | { form: "table"; apiVersion: string } | { form: "partial"; apiVersion: string };

export function outputForm(accept: string | undefined): OutputForm {
  if (!accept) return { form: "object" };
  for (const clause of accept.split(",")) {
    const [mediaType, ...params] = clause.split(";").map((s) => s.trim());
    if (mediaType !== "application/json" && mediaType !== "*/*" && mediaType !== "application/yaml") continue;
    const p: Record<string, string> = {};
    for (const kv of params) {
      const eq = kv.indexOf("=");
      if (eq > 0) p[kv.slice(0, eq).trim()] = kv.slice(eq + 1).trim();
    }
    if (!p.as) return { form: "object" };
    if (p.g !== "meta.k8s.io" || (p.v !== "v1" && p.v !== "v1beta1")) continue;
    const apiVersion = `meta.k8s.io/${p.v}`;
    if (p.as === "Table") return { form: "table", apiVersion };
    if (p.as === "PartialObjectMetadata" || p.as === "PartialObjectMetadataList") return { form: "partial", apiVersion };
  }
  return { form: "object" };
}

export function respondObject(ctx: VerbContext, status: number, obj: KubeObject, headers?: Record<string, string | string[]>): RestResponse {
  const form = outputForm(ctx.req.accept);
  const withType = withTypeMeta(ctx.rt, obj);
  if (form.form === "table") {
    return { status, body: toTable(ctx, [withType], obj.metadata.resourceVersion, form.apiVersion), headers };
  }
  if (form.form === "partial") return { status, body: partial(withType, form.apiVersion), headers };
  return { status, body: withType, headers };
}

export function respondList(ctx: VerbContext, items: KubeObject[], meta: { resourceVersion: string; continue?: string; remainingItemCount?: number }): RestResponse {
  const form = outputForm(ctx.req.accept);
  const rt = ctx.rt;
  if (form.form === "table") {
    const table = toTable(ctx, items, meta.resourceVersion, form.apiVersion);
    if (meta.continue) (table.metadata as Record<string, unknown>).continue = meta.continue;
    return { status: 200, body: table };
  }
  if (form.form === "partial") {
    return {
      status: 200,
      body: { kind: "PartialObjectMetadataList", apiVersion: form.apiVersion, metadata: meta, items: items.map((o) => partial(withTypeMeta(rt, o), form.apiVersion)) },
    };
  }
  return {
    status: 200,
    body: { kind: `${rt.kind}List`, apiVersion: apiVersion(rt), metadata: meta, items: items.map((o) => withTypeMeta(rt, o)) },
  };
}

/** A watch event's object in the form the client asked for. */
export function eventObject(ctx: VerbContext, obj: KubeObject): unknown {
  const form = outputForm(ctx.req.accept);
  const withType = withTypeMeta(ctx.rt, obj);
  if (form.form === "table") return toTable(ctx, [withType], obj.metadata.resourceVersion, form.apiVersion);
  if (form.form === "partial") return partial(withType, form.apiVersion);
  return withType;
}

function apiVersion(rt: ResourceType): string {
  return rt.group ? `${rt.group}/${rt.version}` : rt.version;
}

export function withTypeMeta(rt: ResourceType, stored: KubeObject): KubeObject {
  const obj = rt.strategy?.fromStorage ? rt.strategy.fromStorage(stored) : stored;
  // Objects converted by a webhook keep their version here; crd/webhook-conversion.ts converts them on the way out.
  if (rt.conversionWebhook && obj.kind === rt.kind && typeof obj.apiVersion === "string") return obj;
  if (obj.apiVersion === apiVersion(rt) && obj.kind === rt.kind) return obj;
  const { apiVersion: _a, kind: _k, ...rest } = obj;
  return { apiVersion: apiVersion(rt), kind: rt.kind, ...rest } as KubeObject;
}

function partial(obj: KubeObject, apiVersion: string): unknown {
  return { kind: "PartialObjectMetadata", apiVersion, metadata: obj.metadata };
}

const nameColumn: TableColumn = {
  name: "Name",
  type: "string",
  format: "name",
  description: "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names",
  priority: 0,
};

const createdAtColumn: TableColumn = {
  name: "Created At",
  type: "date",
  description: "CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata",
  priority: 0,
};

/**
 * Server-side printing. A strategy's convertor lists its columns after Name (kubectl's
 * NAME column is always the object's name); resources without one get upstream's
 * default table: Name, Created At.
 */
export function toTable(ctx: VerbContext, items: KubeObject[], resourceVersion: string | undefined, tableApiVersion: string): Record<string, unknown> {
  const convertor = ctx.rt.strategy?.table;
  const now = ctx.server.now();
  const includeObject = ctx.req.query.includeObject ?? "Metadata";
  const columns = convertor ? convertor.columns : [nameColumn, createdAtColumn];
  const rows = items.map((obj) => {
    const cells = convertor ? convertor.cells(obj, now) : [obj.metadata.name ?? "", obj.metadata.creationTimestamp ?? rfc3339(now)];
    const row: Record<string, unknown> = { cells };
    if (includeObject === "Object") row.object = obj;
    else if (includeObject !== "None") row.object = { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: obj.metadata };
    return row;
  });
  return {
    kind: "Table",
    apiVersion: tableApiVersion,
    metadata: resourceVersion ? { resourceVersion } : {},
    columnDefinitions: columns,
    rows,
  };
}
