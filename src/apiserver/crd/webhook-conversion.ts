/**
 * Version conversion of custom resources whose CRD converts through a webhook
 * (`ResourceType.conversionWebhook`): what is stored goes to the storage version, what is
 * answered — an object, a list (one ConversionReview for all its items, as upstream), each
 * watch event — goes to the version the request named. Entries without a webhook pass
 * through untouched (conversion None is an apiVersion rewrite, done by respond.ts).
 *
 * Field selectors on selectable fields name fields of the request's version, so lists,
 * watches and delete-collections that use them select among converted objects: a watch
 * sees an object that starts matching as ADDED and one that stops matching as DELETED, as
 * upstream's watch filter does.
 */
import type { KubeObject, RestResponse, WatchEventBody } from "../../api/index.js";
import { parseFieldSelector } from "../../machinery/index.js";
import type { VerbContext } from "../context.js";
import { queryBool } from "../query.js";
import { outputForm, toTable } from "../respond.js";
import { selectionFromQuery, type Selection } from "../selection.js";

function requestApiVersion(ctx: VerbContext): string {
  return ctx.rt.group ? `${ctx.rt.group}/${ctx.rt.version}` : ctx.rt.version;
}

async function convertAll(ctx: VerbContext, objs: KubeObject[], apiVersion: string): Promise<KubeObject[]> {
  const conv = ctx.rt.conversionWebhook;
  if (!conv) return objs;
  const pending = objs.map((o, i) => ({ o, i })).filter(({ o }) => o.kind === ctx.rt.kind && o.apiVersion !== apiVersion);
  if (pending.length === 0) return objs;
  const converted = await conv.convert(
    pending.map((p) => p.o),
    apiVersion,
  );
  const out = [...objs];
  pending.forEach((p, k) => (out[p.i] = converted[k]));
  return out;
}

/** An object read from the store, in the version of the request. */
export async function toRequestVersion(ctx: VerbContext, obj: KubeObject): Promise<KubeObject> {
  return (await convertAll(ctx, [obj], requestApiVersion(ctx)))[0];
}

/** An object about to be stored, in the storage version. */
export async function toStorageVersion(ctx: VerbContext, obj: KubeObject): Promise<KubeObject> {
  const conv = ctx.rt.conversionWebhook;
  if (!conv) return obj;
  return (await convertAll(ctx, [obj], conv.storageApiVersion))[0];
}

/** An answer with every object of this resource in the request's version. */
export async function convertResponse(ctx: VerbContext, res: RestResponse): Promise<RestResponse> {
  const want = requestApiVersion(ctx);
  if (res.watch) return { ...res, watch: convertEvents(ctx, res.watch, want) };
  const body = res.body as { kind?: string; items?: KubeObject[] } | undefined;
  if (!body || typeof body !== "object") return res;
  if (body.kind === ctx.rt.kind) return { ...res, body: (await convertAll(ctx, [body as KubeObject], want))[0] };
  if (body.kind === `${ctx.rt.kind}List` && Array.isArray(body.items)) {
    return { ...res, body: { ...body, apiVersion: want, items: await convertAll(ctx, body.items, want) } };
  }
  return res;
}

async function* convertEvents(ctx: VerbContext, events: AsyncIterable<WatchEventBody>, want: string): AsyncIterable<WatchEventBody> {
  for await (const ev of events) {
    const obj = ev.object as KubeObject | undefined;
    if ((ev.type === "ADDED" || ev.type === "MODIFIED" || ev.type === "DELETED") && obj && obj.kind === ctx.rt.kind) {
      yield { type: ev.type, object: (await convertAll(ctx, [obj], want))[0] };
    } else {
      yield ev;
    }
  }
}

/**
 * Serves a request on a resource converted by a webhook: `serve` runs the verb, this
 * converts its answer, and applies field selectors on selectable fields after conversion.
 */
export async function serveConverted(ctx: VerbContext, serve: (ctx: VerbContext) => Promise<RestResponse>): Promise<RestResponse> {
  // Printer columns read the request's version: tables are made from converted objects.
  const form = outputForm(ctx.req.accept);
  if (form.form === "table" && ctx.req.method === "GET") {
    const res = await serveConverted({ ...ctx, req: { ...ctx.req, accept: "application/json" } }, serve);
    return asTable(ctx, res, form.apiVersion);
  }
  const fieldSelector = ctx.req.query.fieldSelector ?? "";
  const onSelectableFields = parseFieldSelector(fieldSelector).requirements.some((r) => !r.field.startsWith("metadata."));
  const collection = ctx.info.name === "" && ctx.info.subresource === "";
  if (!onSelectableFields || !collection || (ctx.req.method !== "GET" && ctx.req.method !== "DELETE")) return convertResponse(ctx, await serve(ctx));

  const selection = selectionFromQuery(ctx.rt, { fieldSelector }); // unknown fields: 400 as usual
  const unselected: VerbContext = { ...ctx, req: { ...ctx.req, query: { ...ctx.req.query, fieldSelector: "" } } };
  if (ctx.req.method === "GET" && queryBool(ctx.req.query, "watch")) {
    const res = await convertResponse(ctx, await serve(unselected));
    return res.watch ? { ...res, watch: selectEvents(res.watch, selection) } : res;
  }
  const listed = await convertResponse(ctx, await serve({ ...unselected, req: { ...unselected.req, method: "GET", body: undefined } }));
  const list = listed.body as { kind?: string; items?: KubeObject[] } | undefined;
  if (listed.status !== 200 || !Array.isArray(list?.items)) return listed;
  const items = list.items.filter((o) => selection.matches(o));
  if (ctx.req.method === "GET") return { ...listed, body: { ...list, items } };
  // DELETE of the collection: each selected object by name, as deletecollection does.
  const deleted: KubeObject[] = [];
  for (const obj of items) {
    const one: VerbContext = { ...ctx, info: { ...ctx.info, namespace: obj.metadata.namespace ?? "", name: obj.metadata.name ?? "" } };
    const res = await convertResponse(one, await serve(one));
    if (res.status === 404) continue;
    if (res.status >= 300) return res;
    const body = res.body as KubeObject;
    deleted.push(body.kind === ctx.rt.kind ? body : obj);
  }
  return { status: 200, body: { ...list, items: deleted } };
}

async function* selectEvents(events: AsyncIterable<WatchEventBody>, selection: Selection): AsyncIterable<WatchEventBody> {
  const matching = new Set<string>();
  for await (const ev of events) {
    const obj = ev.object as KubeObject | undefined;
    if ((ev.type !== "ADDED" && ev.type !== "MODIFIED" && ev.type !== "DELETED") || !obj?.metadata) {
      yield ev;
      continue;
    }
    const key = `${obj.metadata.namespace ?? ""}/${obj.metadata.name ?? ""}`;
    const was = matching.has(key);
    const is = ev.type !== "DELETED" && selection.matches(obj);
    if (is) matching.add(key);
    else matching.delete(key);
    if (is && !was) yield { type: "ADDED", object: obj };
    else if (is && was) yield { type: "MODIFIED", object: obj };
    else if (!is && was) yield { type: "DELETED", object: obj };
  }
}

function asTable(ctx: VerbContext, res: RestResponse, tableApiVersion: string): RestResponse {
  const rv = (o: { metadata?: { resourceVersion?: string } } | undefined) => o?.metadata?.resourceVersion;
  if (res.watch) {
    const events = res.watch;
    const tables = async function* (): AsyncIterable<WatchEventBody> {
      for await (const ev of events) {
        const obj = ev.object as KubeObject | undefined;
        if ((ev.type === "ADDED" || ev.type === "MODIFIED" || ev.type === "DELETED") && obj?.kind === ctx.rt.kind) yield { type: ev.type, object: toTable(ctx, [obj], rv(obj), tableApiVersion) };
        else yield ev;
      }
    };
    return { ...res, watch: tables() };
  }
  const body = res.body as (KubeObject & { items?: KubeObject[]; metadata: { continue?: string } }) | undefined;
  if (res.status !== 200 || !body) return res;
  if (body.kind === ctx.rt.kind) return { ...res, body: toTable(ctx, [body], rv(body), tableApiVersion) };
  if (Array.isArray(body.items)) {
    const table = toTable(ctx, body.items, rv(body), tableApiVersion);
    if (body.metadata?.continue) (table.metadata as Record<string, unknown>).continue = body.metadata.continue;
    return { ...res, body: table };
  }
  return res;
}
