import type { KubeObject, ResourceType, RestResponse } from "../../api/index.js";
import { ApiError, labelSelectorFromObject, type MetaLabelSelector } from "../../machinery/index.js";
import { decodeBody } from "../admission.js";
import type { VerbContext } from "../context.js";
import { guaranteedUpdate, unpinned } from "../guaranteed-update.js";
import { readObject } from "./get.js";
import { applyPatch, patchTypeOf } from "./patch.js";

/**
 * The scale subresource: the parent seen as an autoscaling/v1 Scale. Paths come from
 * the resource's entry (as in a CRD's scale subresource), so one code path serves
 * deployments, replicasets, statefulsets, replicationcontrollers and custom resources.
 */
const scaleKind = { kind: "Scale", apiVersion: "autoscaling/v1" };
const scaleDefinition = "io.k8s.api.autoscaling.v1.Scale";

export async function scaleResponse(ctx: VerbContext): Promise<RestResponse> {
  const spec = ctx.rt.subresources?.scale;
  if (!spec) throw ApiError.notFound({ group: ctx.rt.group, resource: `${ctx.rt.plural}/scale` }, ctx.info.name);
  const method = ctx.req.method;
  if (method === "GET") return { status: 200, body: toScale(ctx.rt, await readObject(ctx)) };
  if (method !== "PUT" && method !== "PATCH") throw ApiError.methodNotAllowed(method, { group: ctx.rt.group, resource: `${ctx.rt.plural}/scale` });

  const outcome = await guaranteedUpdate(
    ctx,
    (current) => {
      const scale = toScale(ctx.rt, current);
      const wanted = method === "PUT" ? ctx.req.body : applyPatch(ctx, scale as KubeObject, ctx.req.body, patchTypeOf(ctx.req.contentType), scaleDefinition);
      const { obj } = decodeBody(ctx, wanted, scaleKind);
      if (obj.metadata.name && obj.metadata.name !== ctx.info.name) {
        throw ApiError.badRequest(`the name of the object (${obj.metadata.name}) does not match the name on the URL (${ctx.info.name})`);
      }
      const replicas = (obj.spec as { replicas?: unknown } | undefined)?.replicas;
      if (typeof replicas !== "number" || !Number.isInteger(replicas) || replicas < 0) {
        throw ApiError.invalid({ group: "autoscaling", kind: "Scale" }, ctx.info.name, [
          { type: "FieldValueInvalid", field: "spec.replicas", badValue: replicas ?? null, detail: "must be greater than or equal to 0" },
        ]);
      }
      // The Scale's resourceVersion is the parent's: a precondition only when the client sent one.
      unpinned(current);
      if (obj.metadata.resourceVersion) current.metadata.resourceVersion = obj.metadata.resourceVersion;
      setPath(current, spec.specReplicasPath, replicas);
      return current;
    },
    { subresource: "", managedSubresource: "scale" },
  );
  return { status: 200, body: toScale(ctx.rt, outcome.object) };
}

function toScale(rt: ResourceType, obj: KubeObject): KubeObject {
  const spec = rt.subresources!.scale!;
  const status: Record<string, unknown> = { replicas: getPath(obj, spec.statusReplicasPath) ?? 0 };
  if (spec.labelSelectorPath) {
    const sel = getPath(obj, spec.labelSelectorPath);
    if (typeof sel === "string") status.selector = sel;
    else if (sel && typeof sel === "object") status.selector = labelSelectorFromObject(sel as MetaLabelSelector).toString();
  }
  return {
    kind: "Scale",
    apiVersion: "autoscaling/v1",
    metadata: {
      name: obj.metadata.name,
      namespace: obj.metadata.namespace,
      uid: obj.metadata.uid,
      resourceVersion: obj.metadata.resourceVersion,
      creationTimestamp: obj.metadata.creationTimestamp,
    },
    spec: { replicas: getPath(obj, spec.specReplicasPath) ?? 0 },
    status,
  };
}

function getPath(obj: unknown, dotted: string): unknown {
  let cur: unknown = obj;
  for (const part of dotted.replace(/^\./, "").split(".")) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

function setPath(obj: KubeObject, dotted: string, value: unknown): void {
  const parts = dotted.replace(/^\./, "").split(".");
  let cur = obj as Record<string, unknown>;
  for (const part of parts.slice(0, -1)) {
    if (cur[part] === null || typeof cur[part] !== "object") cur[part] = {};
    cur = cur[part] as Record<string, unknown>;
  }
  cur[parts[parts.length - 1]] = value;
}
