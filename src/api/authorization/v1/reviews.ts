/**
 * authorization.k8s.io/v1: SubjectAccessReview, SelfSubjectAccessReview,
 * LocalSubjectAccessReview and SelfSubjectRulesReview — create-only, answered by the
 * server's authorizer chain and never stored (pkg/registry/authorization/*). `kubectl
 * auth can-i` posts a SelfSubjectAccessReview, `--list` a SelfSubjectRulesReview.
 */
import { ApiError, fieldError } from "../../../machinery/index.js";
import type { FieldError } from "../../../machinery/index.js";
import type { AuthorizationAttributes, AuthorizerServices } from "../../authorizer.js";
import type { KubeObject } from "../../object.js";
import type { UserInfo } from "../../rest.js";
import type { ResourceType } from "../../resource-type.js";
import { n } from "./_names.js";
import { reviewDefinitions } from "./review-schema.js";
import type { NonResourceAttributes, ResourceAttributes, SelfSubjectAccessReview, SelfSubjectRulesReview, SubjectAccessReview, SubjectAccessReviewStatus } from "./review-types.js";

export const authorizationGroup = "authorization.k8s.io";

/** What a review needs from the server; `user` overlaps RequestEnv so the types line up. */
interface ReviewEnv {
  user?: UserInfo;
  authorizer?: AuthorizerServices;
}

type AccessSpec = { resourceAttributes?: ResourceAttributes; nonResourceAttributes?: NonResourceAttributes };

function validateAccessSpec(spec: AccessSpec | undefined): FieldError[] {
  const errs: FieldError[] = [];
  if (spec?.resourceAttributes && spec.nonResourceAttributes) {
    errs.push(fieldError.invalid("spec.nonResourceAttributes", spec.nonResourceAttributes, "cannot be specified in combination with resourceAttributes"));
  } else if (!spec?.resourceAttributes && !spec?.nonResourceAttributes) {
    errs.push(fieldError.invalid("spec.resourceAttributes", null, "exactly one of nonResourceAttributes or resourceAttributes must be specified"));
  }
  return errs;
}

/** authorizationutil.ResourceAttributesFrom / NonResourceAttributesFrom. */
export function attributesFromSpec(user: UserInfo, spec: AccessSpec): AuthorizationAttributes {
  const r = spec.resourceAttributes;
  if (r) {
    return {
      user,
      verb: r.verb ?? "",
      resourceRequest: true,
      path: "",
      apiGroup: r.group ?? "",
      apiVersion: r.version ?? "",
      resource: r.resource ?? "",
      subresource: r.subresource ?? "",
      namespace: r.namespace ?? "",
      name: r.name ?? "",
    };
  }
  const nr = spec.nonResourceAttributes ?? {};
  return { user, verb: nr.verb ?? "", resourceRequest: false, path: nr.path ?? "", apiGroup: "", apiVersion: "", resource: "", subresource: "", namespace: "", name: "" };
}

function services(env: ReviewEnv | undefined): AuthorizerServices {
  if (!env?.authorizer) throw ApiError.internal("no authorizer is configured");
  return env.authorizer;
}

async function decide(env: ReviewEnv | undefined, attrs: AuthorizationAttributes): Promise<SubjectAccessReviewStatus> {
  const d = await services(env).authorize(attrs);
  const status: SubjectAccessReviewStatus = { allowed: d.decision === "allow" };
  if (d.decision === "deny") status.denied = true;
  if (d.reason) status.reason = d.reason;
  if (d.evaluationError) status.evaluationError = d.evaluationError;
  return status;
}

function invalid(kind: string, obj: KubeObject, errs: FieldError[]): never {
  throw ApiError.invalid({ group: authorizationGroup, kind }, obj.metadata.name ?? "", errs);
}

async function reviewSubjectAccess(obj: KubeObject, _user: UserInfo | undefined, env?: ReviewEnv): Promise<KubeObject> {
  const sar = obj as SubjectAccessReview;
  const spec = sar.spec ?? {};
  const errs = validateAccessSpec(spec);
  if (!spec.user && !spec.groups?.length) errs.push(fieldError.invalid("spec.user", spec.user ?? "", "at least one of user or group must be specified"));
  if (errs.length) invalid(sar.kind ?? "SubjectAccessReview", obj, errs);
  if (sar.kind === "LocalSubjectAccessReview") {
    if (spec.nonResourceAttributes) invalid("LocalSubjectAccessReview", obj, [fieldError.invalid("spec.nonResourceAttributes", spec.nonResourceAttributes, "disallowed on this kind of request")]);
    const ns = obj.metadata.namespace;
    if (ns && spec.resourceAttributes?.namespace !== ns) throw ApiError.badRequest(`spec.resourceAttributes.namespace must match namespace: ${ns}`);
  }
  const subject: UserInfo = { username: spec.user ?? "", groups: spec.groups ?? [], uid: spec.uid, extra: spec.extra };
  return { ...sar, status: await decide(env, attributesFromSpec(subject, spec)) };
}

async function reviewSelfAccess(obj: KubeObject, user: UserInfo | undefined, env?: ReviewEnv): Promise<KubeObject> {
  const ssar = obj as SelfSubjectAccessReview;
  const errs = validateAccessSpec(ssar.spec);
  if (errs.length) invalid("SelfSubjectAccessReview", obj, errs);
  const who = user ?? env?.user;
  if (!who) throw ApiError.internal("no user present on request");
  return { ...ssar, status: await decide(env, attributesFromSpec(who, ssar.spec)) };
}

async function reviewSelfRules(obj: KubeObject, user: UserInfo | undefined, env?: ReviewEnv): Promise<KubeObject> {
  const review = obj as SelfSubjectRulesReview;
  const namespace = review.spec?.namespace ?? "";
  if (!namespace) throw ApiError.badRequest("no namespace on request");
  const who = user ?? env?.user;
  if (!who) throw ApiError.internal("no user present on request");
  const rules = await services(env).rulesFor(who, namespace);
  const status: NonNullable<SelfSubjectRulesReview["status"]> = { resourceRules: rules.resourceRules, nonResourceRules: rules.nonResourceRules, incomplete: rules.incomplete };
  if (rules.evaluationError) status.evaluationError = rules.evaluationError;
  return { ...review, status };
}

const common = { group: authorizationGroup, version: "v1", verbs: ["create"], definitions: reviewDefinitions } as const;

export const subjectAccessReviewsResource: ResourceType = {
  ...common,
  verbs: ["create"],
  kind: "SubjectAccessReview",
  plural: "subjectaccessreviews",
  singular: "subjectaccessreview",
  namespaced: false,
  definition: n.SubjectAccessReview,
  strategy: { respondToCreate: reviewSubjectAccess },
};

export const localSubjectAccessReviewsResource: ResourceType = {
  ...common,
  verbs: ["create"],
  kind: "LocalSubjectAccessReview",
  plural: "localsubjectaccessreviews",
  singular: "localsubjectaccessreview",
  namespaced: true,
  definition: n.LocalSubjectAccessReview,
  strategy: { respondToCreate: reviewSubjectAccess },
};

export const selfSubjectAccessReviewsResource: ResourceType = {
  ...common,
  verbs: ["create"],
  kind: "SelfSubjectAccessReview",
  plural: "selfsubjectaccessreviews",
  singular: "selfsubjectaccessreview",
  namespaced: false,
  definition: n.SelfSubjectAccessReview,
  strategy: { respondToCreate: reviewSelfAccess },
};

export const selfSubjectRulesReviewsResource: ResourceType = {
  ...common,
  verbs: ["create"],
  kind: "SelfSubjectRulesReview",
  plural: "selfsubjectrulesreviews",
  singular: "selfsubjectrulesreview",
  namespaced: false,
  definition: n.SelfSubjectRulesReview,
  strategy: { respondToCreate: reviewSelfRules },
};
