// Serving a built-in resource in a version other than its storage version
// (`ResourceType.conversion`; autoscaling/v1 HPAs are stored as v2, as upstream): the
// request goes to the storage version's path with its body converted, and the answer
// (object, list, watch events) comes back converted. A patch is applied to the served
// version's form of the current object and written back as an update at its
// resourceVersion, retried on conflict.
import type { KubeObject, ResourceType, RestRequest, RestResponse, VersionConversion } from "../api/index.js";
import { ApiError, applyJsonPatch, applyMergePatch } from "../machinery/index.js";

type Handle = (req: RestRequest) => Promise<RestResponse>;

function storagePath(path: string, rt: ResourceType, conv: VersionConversion): string {
  const from = rt.group ? `/apis/${rt.group}/${rt.version}/` : `/api/${rt.version}/`;
  const to = rt.group ? `/apis/${rt.group}/${conv.storageVersion}/` : `/api/${conv.storageVersion}/`;
  return path.startsWith(from) ? to + path.slice(from.length) : path;
}

function isObjectOfKind(body: unknown, kind: string): body is KubeObject {
  return typeof body === "object" && body !== null && (body as KubeObject).kind === kind && typeof (body as KubeObject).metadata === "object";
}

function convertOut(body: unknown, rt: ResourceType, conv: VersionConversion): unknown {
  if (isObjectOfKind(body, rt.kind)) return conv.fromStorage(body);
  const list = body as { kind?: string; apiVersion?: string; items?: unknown[] } | undefined;
  if (list && list.kind === `${rt.kind}List` && Array.isArray(list.items)) {
    return { ...list, apiVersion: rt.group ? `${rt.group}/${rt.version}` : rt.version, items: list.items.map((i) => (isObjectOfKind(i, rt.kind) ? conv.fromStorage(i) : i)) };
  }
  return body;
}

async function* convertWatch(events: AsyncIterable<unknown>, rt: ResourceType, conv: VersionConversion): AsyncIterable<unknown> {
  for await (const ev of events) {
    const e = ev as { type?: string; object?: unknown };
    yield e && typeof e === "object" && "object" in e ? { ...e, object: convertOut(e.object, rt, conv) } : ev;
  }
}

function convertAnswer(res: RestResponse, rt: ResourceType, conv: VersionConversion): RestResponse {
  if (res.watch) return { ...res, watch: convertWatch(res.watch, rt, conv) as RestResponse["watch"] };
  if (res.body === undefined || res.raw || res.stream) return res;
  return { ...res, body: convertOut(res.body, rt, conv) };
}

export async function serveConverted(req: RestRequest, rt: ResourceType, handle: Handle): Promise<RestResponse> {
  const conv = rt.conversion!;
  const path = storagePath(req.path, rt, conv);
  if (req.method === "PATCH") return convertAnswer(await patchConverted(req, path, rt, handle), rt, conv);
  let body = req.body;
  if ((req.method === "POST" || req.method === "PUT") && isObjectOfKind(body, rt.kind)) body = conv.toStorage(body);
  return convertAnswer(await handle({ ...req, path, body }), rt, conv);
}

async function patchConverted(req: RestRequest, path: string, rt: ResourceType, handle: Handle): Promise<RestResponse> {
  const conv = rt.conversion!;
  const type = (req.contentType ?? "").split(";")[0]!.trim();
  if (type === "application/apply-patch+yaml") {
    throw ApiError.of("UnsupportedMediaType", `server-side apply is not served for ${rt.plural}.${rt.group}/${rt.version}; use ${rt.group}/${conv.storageVersion}`, {});
  }
  for (let attempt = 0; ; attempt++) {
    const got = await handle({ ...req, method: "GET", path, body: undefined, query: {}, contentType: undefined });
    if (got.status !== 200) return got;
    const current = conv.fromStorage(got.body as KubeObject);
    let patched: KubeObject;
    try {
      // The served form of an HPA has no lists, so a strategic merge patch is a merge patch.
      patched = (type === "application/json-patch+json" ? applyJsonPatch(current, req.body) : applyMergePatch(current, req.body)) as KubeObject;
    } catch (err) {
      if (err instanceof ApiError) throw err;
      throw ApiError.badRequest(err instanceof Error ? err.message : String(err));
    }
    patched.metadata = { ...patched.metadata, resourceVersion: current.metadata.resourceVersion };
    const put = await handle({ ...req, method: "PUT", path, body: conv.toStorage(patched), contentType: "application/json" });
    if (put.status === 409 && attempt < 4) continue;
    return put;
  }
}
