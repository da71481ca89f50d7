/**
 * Version conversion of custom resources whose CRD converts through a webhook
 * (`ResourceType.conversionWebhook`): what is stored goes to the storage version, what is
 * answered — an object, a list (one ConversionReview for all its items, as upstream), each
 * watch event — goes to the version the request named. Entries without a webhook pass
 * through untouched (conversion None is an apiVersion rewrite, done by respond.ts).
 */
import type { KubeObject, RestResponse, WatchEventBody } from "../../api/index.js";
import type { VerbContext } from "../context.js";

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
