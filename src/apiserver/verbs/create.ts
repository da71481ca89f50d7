import type { KubeObject, RestResponse } from "../../api/index.js";
import { ApiError } from "../../machinery/index.js";
import { decodeBody, defaultAndValidate, warningHeaders } from "../admission.js";
import type { VerbContext } from "../context.js";
import { rfc3339 } from "../context.js";
import { groupResource } from "../names.js";
import { admissionAttributes, runMutatingAdmission, runValidatingAdmission } from "../admission-chain.js";
import { allocateForWrite } from "../allocation/write.js";
import { fillCreateMeta, generateNameSuffix } from "../object-meta.js";
import { decodeObject, encodeObject, objectKey } from "../object-store.js";
import { isDryRun } from "../query.js";
import { respondObject } from "../respond.js";
import { toStorageVersion } from "../crd/webhook-conversion.js";
import { trackUpdate, validateWriteOptions } from "../fieldmanager/index.js";
import { requestEnv } from "../request-env.js";

export async function createObject(ctx: VerbContext): Promise<RestResponse> {
  validateWriteOptions(ctx, "CreateOptions");
  const { obj, warnings } = decodeBody(ctx, ctx.req.body);
  // Review kinds (SelfSubjectReview…) are answered, never stored.
  const respond = ctx.rt.strategy?.respondToCreate;
  if (respond) {
    // A namespaced review (LocalSubjectAccessReview) names the request's namespace.
    if (ctx.rt.namespaced && !obj.metadata.namespace) obj.metadata.namespace = ctx.info.namespace;
    return respondObject(ctx, 201, await respond(obj, ctx.req.user, requestEnv(ctx)), warningHeaders(warnings));
  }
  const created = await createDecoded(ctx, obj);
  return respondObject(ctx, 201, created, warningHeaders([...warnings, ...(ctx.warnings ?? [])]));
}

/** The create path after decoding: shared with create-on-update style callers. */
export async function createDecoded(ctx: VerbContext, obj: KubeObject, options: { /** Server-side apply already recorded managedFields. */ applied?: boolean } = {}): Promise<KubeObject> {
  const { rt, info, server } = ctx;
  if (rt.namespaced) {
    if (obj.metadata.namespace && info.namespace && obj.metadata.namespace !== info.namespace) {
      throw ApiError.badRequest("the namespace of the provided object does not match the namespace sent on the request");
    }
    obj.metadata.namespace = info.namespace || obj.metadata.namespace;
  } else {
    delete obj.metadata.namespace;
  }
  fillCreateMeta(obj.metadata, rfc3339(server.now()));
  const strategy = rt.strategy;
  if (rt.subresources?.status && !strategy?.keepStatusOnCreate) delete obj.status;
  if (strategy?.tracksGeneration) obj.metadata.generation = 1;
  strategy?.prepareForCreate?.(obj);
  // Mutating admission sees the defaulted object, and its changes are defaulted and validated again (as upstream).
  strategy?.defaults?.(obj);
  if (!options.applied) trackUpdate(ctx, undefined, obj, "");
  const attrs = admissionAttributes(ctx, "CREATE", obj, undefined, "");
  await runMutatingAdmission(attrs);
  defaultAndValidate(ctx, obj, undefined, { operation: "create", subresource: "" });
  await runValidatingAdmission(attrs);

  // Unique values (ClusterIPs, NodePorts) are claimed before the write and given back if it fails.
  const claims = await allocateForWrite(ctx, obj, undefined);
  if (isDryRun(ctx.req.query)) return obj;
  try {
    return await storeCreated(ctx, obj);
  } catch (err) {
    await claims.rollback();
    throw err;
  }
}

async function storeCreated(ctx: VerbContext, obj: KubeObject): Promise<KubeObject> {
  const { rt, server } = ctx;
  // A generated name that collides gets a fresh suffix, as upstream retries it.
  for (let attempt = 0; ; attempt++) {
    const name = obj.metadata.name as string;
    const result = await server.store.create(objectKey(rt, obj.metadata.namespace ?? "", name), encodeObject(await toStorageVersion(ctx, obj)));
    if (result.ok) return decodeObject(result.kv);
    if (!obj.metadata.generateName || attempt >= 7) throw ApiError.alreadyExists(groupResource(rt), name);
    obj.metadata.name = obj.metadata.generateName + generateNameSuffix();
  }
}
