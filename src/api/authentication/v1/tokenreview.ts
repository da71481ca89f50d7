/**
 * authentication.k8s.io/v1 tokenreviews: create-only and never stored; the answer says
 * whether the token authenticates, as whom, and for which audiences
 * (pkg/registry/authentication/tokenreview/storage.go).
 */
import { ApiError } from "../../../machinery/index.js";
import type { KubeObject } from "../../object.js";
import type { UserInfo as RequestUser } from "../../rest.js";
import type { RequestEnv, ResourceType } from "../../resource-type.js";
import { n } from "./_names.js";
import { tokenDefinitions } from "./token-schema.js";
import { selfsubjectreviewDefinitions } from "./selfsubjectreview-schema.js";
import type { TokenReview } from "./token-types.js";

export async function reviewToken(obj: KubeObject, _user: RequestUser | undefined, env: RequestEnv): Promise<TokenReview> {
  const review = obj as TokenReview;
  const token = review.spec?.token ?? "";
  if (!token) throw ApiError.badRequest("token is required for TokenReview in authentication.k8s.io");
  if (!env.tokens) throw ApiError.serviceUnavailable("token authentication is not configured");
  const audiences = review.spec.audiences?.length ? review.spec.audiences : env.tokens.apiAudiences;
  const result = await env.tokens.review(token, audiences);
  const out: TokenReview = { apiVersion: "authentication.k8s.io/v1", kind: "TokenReview", metadata: { ...review.metadata }, spec: review.spec, status: {} };
  if (result.authenticated) {
    const u = result.user;
    out.status = { authenticated: true, user: { username: u.username, ...(u.uid ? { uid: u.uid } : {}), groups: [...u.groups], ...(u.extra && Object.keys(u.extra).length ? { extra: structuredClone(u.extra) } : {}) }, audiences: result.audiences };
  } else {
    out.status = { user: {}, error: result.error };
  }
  return out;
}

export const tokenReviewsResource: ResourceType = {
  group: "authentication.k8s.io",
  version: "v1",
  kind: "TokenReview",
  plural: "tokenreviews",
  singular: "tokenreview",
  namespaced: false,
  verbs: ["create"],
  definition: n.TokenReview,
  definitions: { ...tokenDefinitions, ...selfsubjectreviewDefinitions },
  strategy: { respondToCreate: reviewToken },
};
