import type { KindRegistry, RestHandler, RestRequest, RestResponse, TokenServices } from "../api/index.js";
import { ApiError, isApiError, isStoreError } from "../machinery/index.js";
import type { Store } from "../storage/index.js";
import type { ServerParts, VerbContext, WatchSettings } from "./context.js";
import { parseResourcePath } from "./request-info.js";
import { serveConverted as serveConvertedByWebhook } from "./crd/webhook-conversion.js";
import { queryBool } from "./query.js";
import { createObject } from "./verbs/create.js";
import { customSubresourceResponse } from "./verbs/custom-subresource.js";
import { deleteCollectionResponse, deleteResponse } from "./verbs/delete.js";
import { getObject } from "./verbs/get.js";
import { listResponse } from "./verbs/list.js";
import { patchObject } from "./verbs/patch.js";
import { scaleResponse } from "./verbs/scale.js";
import { updateObject } from "./verbs/update.js";
import { watchResponse } from "./verbs/watch.js";
import type { Verb } from "../api/index.js";
import type { AllocationPool } from "./allocation/pools.js";
import { servicePoolsOf } from "./allocation/service-pools.js";
import type { AdmissionPlugin } from "./admission-chain.js";
import { namespaceLifecycle } from "./namespace-lifecycle.js";
import { observeRequest } from "./metrics.js";
import { serveConverted } from "./served-conversion.js";
import type { AuthorizerChain } from "./authorization/chain.js";
import { authorizeRequest } from "./authorization/authorize.js";
import { authorizationAdmission } from "./authorization/admission.js";

export interface ApiServerOptions {
  store: Store;
  registry: KindRegistry;
  now?: () => Date;
  watch?: Partial<WatchSettings>;
  /** Pools of unique values strategies allocate from, by name (see start.ts servicePools). */
  allocationPools?: ReadonlyMap<string, AllocationPool>;
  /** The admission chain after NamespaceLifecycle, which always runs first. */
  admission?: readonly AdmissionPlugin[];
  /** Service-account tokens (TokenRequest, TokenReview). */
  tokens?: TokenServices;
  /** The authorizer chain every request passes (Node, RBAC); absent: everything is allowed (unit tests). */
  authorizer?: AuthorizerChain;
  /** Paths served before resources (discovery, OpenAPI…): each answers or returns undefined. */
  extraRoutes?: ((req: RestRequest) => RestResponse | undefined | Promise<RestResponse | undefined>)[];
}

/**
 * The API server's core, free of HTTP: a `RestHandler` that the HTTPS edge and the
 * in-process client transport both call. Every resource in the registry is served by
 * the same verbs; what differs is in its entry.
 */
export class ApiServer {
  readonly parts: ServerParts;
  private readonly extraRoutes: NonNullable<ApiServerOptions["extraRoutes"]>;
  private readonly authorizer: AuthorizerChain | undefined;

  constructor(options: ApiServerOptions) {
    this.parts = {
      store: options.store,
      registry: options.registry,
      now: options.now ?? (() => new Date()),
      watch: { minTimeoutSeconds: 1800, bookmarkIntervalMs: 60_000, ...options.watch },
      allocationPools: options.allocationPools ?? servicePoolsOf(),
      admission: [namespaceLifecycle, ...authorizationAdmission(options.authorizer), ...(options.admission ?? [])],
      tokens: options.tokens,
      authorizer: options.authorizer,
    };
    this.authorizer = options.authorizer;
    this.extraRoutes = options.extraRoutes ?? [];
  }

  readonly handle: RestHandler = async (req) => {
    try {
      return await observeRequest(req, (r) => this.route(r));
    } catch (err) {
      return errorResponse(err);
    }
  };

  /**
   * Who the request acts as, once impersonation (if asked) and the authorizer chain allow
   * it; throws 403 otherwise. Also used for upgrade requests (exec, attach, port-forward).
   */
  async authorize(req: RestRequest): Promise<RestRequest> {
    return this.authorizer ? authorizeRequest(this.authorizer, req) : req;
  }

  private async route(req: RestRequest): Promise<RestResponse> {
    req = await this.authorize(req);
    const path = req.path;
    if (isHealthPath(path)) {
      if (req.method !== "GET") throw ApiError.methodNotAllowed(req.method, { group: "", resource: path });
      return { status: 200, body: undefined, text: "ok" };
    }
    for (const route of this.extraRoutes) {
      const res = await route(req);
      if (res) return res;
    }
    const info = parseResourcePath(path);
    const rt = info && this.parts.registry.get(info.group, info.version, info.resource);
    if (!info || !rt) throw notFoundPath();
    // Resources of an aggregated API server (APIService) are served there.
    if (rt.proxy) return rt.proxy(req);
    const ctx: VerbContext = { req, info, rt, server: this.parts };
    // Custom resources stored through a conversion webhook: answers are converted on the way out.
    if (rt.conversionWebhook) return serveConvertedByWebhook(ctx, (c) => this.serve(c));
    return this.serve(ctx);
  }

  private async serve(ctx: VerbContext): Promise<RestResponse> {
    const { req, info, rt } = ctx;
    if (rt.namespaced && !info.namespace && info.name) throw notFoundPath();
    if (!rt.namespaced && info.namespace) throw notFoundPath();
    if (rt.conversion && rt.conversion.storageVersion !== rt.version) return serveConverted(req, rt, (r) => this.route(r));

    if (info.subresource) return this.subresource(ctx);
    const verb = verbOf(req, info.name !== "");
    if (!verb) throw ApiError.methodNotAllowed(req.method, { group: rt.group, resource: rt.plural });
    if (rt.verbs && !rt.verbs.includes(verb)) throw ApiError.methodNotAllowed(verb, { group: rt.group, resource: rt.plural });
    switch (verb) {
      case "get":
        return getObject(ctx);
      case "list":
        return listResponse(ctx);
      case "watch":
        return watchResponse(ctx);
      case "create":
        return createObject(ctx);
      case "update":
        return updateObject(ctx);
      case "patch":
        return patchObject(ctx);
      case "delete":
        return deleteResponse(ctx);
      case "deletecollection":
        return deleteCollectionResponse(ctx);
    }
  }

  private async subresource(ctx: VerbContext): Promise<RestResponse> {
    const { rt, info, req } = ctx;
    if (info.subresource === "status" && rt.subresources?.status) {
      if (req.method === "GET") return getObject(ctx);
      if (req.method === "PUT") return updateObject(ctx);
      if (req.method === "PATCH") return patchObject(ctx);
      throw ApiError.methodNotAllowed(req.method, { group: rt.group, resource: `${rt.plural}/status` });
    }
    if (info.subresource === "scale" && rt.subresources?.scale) return scaleResponse(ctx);
    const custom = rt.subresources?.custom?.[info.subresource];
    if (custom) return customSubresourceResponse(ctx, custom);
    throw notFoundPath();
  }
}

function verbOf(req: RestRequest, named: boolean): Verb | undefined {
  switch (req.method) {
    case "GET":
      if (named) return "get";
      return queryBool(req.query, "watch") ? "watch" : "list";
    case "POST":
      return named ? undefined : "create";
    case "PUT":
      return named ? "update" : undefined;
    case "PATCH":
      return named ? "patch" : undefined;
    case "DELETE":
      return named ? "delete" : "deletecollection";
  }
}

function isHealthPath(path: string): boolean {
  return /^\/(healthz|livez|readyz)(\/[a-z0-9-]+)?$/.test(path);
}

function notFoundPath(): ApiError {
  return ApiError.of("NotFound", "the server could not find the requested resource", {});
}

/** The one place an unknown failure becomes a 500; everything else is already a Status. */
export function errorResponse(err: unknown): RestResponse {
  if (isApiError(err)) return { status: err.code, body: err.status };
  if (isStoreError(err, "unavailable")) return { status: 503, body: ApiError.serviceUnavailable(err.message).status };
  if (isStoreError(err, "tooLarge")) return { status: 413, body: ApiError.tooLarge(err.message).status };
  const message = err instanceof Error ? err.message : String(err);
  console.error("k8ts apiserver: internal error:", err);
  return { status: 500, body: ApiError.internal(message).status };
}
