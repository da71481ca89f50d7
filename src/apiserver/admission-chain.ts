import type { KubeObject, ResourceType, UserInfo } from "../api/index.js";
import type { ServerParts, VerbContext } from "./context.js";
import { isDryRun } from "./query.js";

export type AdmissionOperation = "CREATE" | "UPDATE" | "DELETE" | "CONNECT";

/** What an admission plugin sees of a write (upstream's admission.Attributes). */
export interface AdmissionAttributes {
  operation: AdmissionOperation;
  rt: ResourceType;
  /** "" for the main resource, else "status", "scale", "binding", "eviction", "exec"… */
  subresource: string;
  namespace: string;
  name: string;
  /** The object being written: mutating plugins change it in place. Undefined for DELETE/CONNECT. */
  object: KubeObject | undefined;
  /** The stored object, for UPDATE and DELETE. */
  oldObject: KubeObject | undefined;
  /** The request's options object (CreateOptions, DeleteOptions…), when there is one. */
  options?: unknown;
  user: UserInfo | undefined;
  dryRun: boolean;
  server: ServerParts;
  /** Warnings a plugin returns to the client (PodSecurity's "would violate…"); sent as Warning headers. */
  warnings: string[];
}

/**
 * One admission controller. `admit` is the mutating phase (runs before the kind's own
 * defaulting/validation, may change `attrs.object`); `validate` is the validating phase
 * (runs after it, just before the store write, must not change anything). Either throws an
 * ApiError (usually 403 Forbidden or 422 Invalid) to refuse the request.
 *
 * The chain is upstream's order: NamespaceLifecycle, LimitRanger, ServiceAccount,
 * DefaultTolerationSeconds, PodSecurity, Priority, ResourceQuota, then the webhooks.
 */
export interface AdmissionPlugin {
  readonly name: string;
  admit?(attrs: AdmissionAttributes): void | Promise<void>;
  validate?(attrs: AdmissionAttributes): void | Promise<void>;
}

/** Attributes of the request in `ctx` for an object being written. */
export function admissionAttributes(
  ctx: VerbContext,
  operation: AdmissionOperation,
  object: KubeObject | undefined,
  oldObject: KubeObject | undefined,
  subresource = ctx.info.subresource,
): AdmissionAttributes {
  return {
    operation,
    rt: ctx.rt,
    subresource,
    namespace: object?.metadata.namespace ?? oldObject?.metadata.namespace ?? ctx.info.namespace,
    name: object?.metadata.name ?? oldObject?.metadata.name ?? ctx.info.name,
    object,
    oldObject,
    user: ctx.req.user,
    dryRun: isDryRun(ctx.req.query),
    server: ctx.server,
    warnings: (ctx.warnings ??= []),
  };
}

/** The mutating phase of every plugin, in order. */
export async function runMutatingAdmission(attrs: AdmissionAttributes): Promise<void> {
  for (const plugin of attrs.server.admission) if (plugin.admit) await plugin.admit(attrs);
}

/** The validating phase of every plugin, in order. */
export async function runValidatingAdmission(attrs: AdmissionAttributes): Promise<void> {
  for (const plugin of attrs.server.admission) if (plugin.validate) await plugin.validate(attrs);
}
