/**
 * serviceaccounts/token: POST a TokenRequest, get it back with a signed token in its
 * status (pkg/registry/core/serviceaccount/storage/token.go). Nothing is stored. The
 * token may be bound to a Pod, Secret or Node: it stops authenticating when that object
 * is gone (the authenticator checks the uid).
 */
import { ApiError, fieldError, type FieldError } from "../../../machinery/index.js";
import type { KubeObject } from "../../object.js";
import type { CustomSubresource, RequestEnv, ServiceAccountTokenClaims } from "../../resource-type.js";
import type { TokenRequest } from "./token-types.js";

/** Upstream's bounds (pkg/apis/authentication/validation): 10 minutes to 2^32 seconds; default one hour. */
export const minTokenExpirationSeconds = 600;
export const maxTokenExpirationSeconds = 2 ** 32;
export const defaultTokenExpirationSeconds = 3600;
/** The lifetime the ServiceAccount admission plugin gives kube-api-access tokens: the marker of an auto-mounted token. */
export const warnOnlyBoundTokenExpirationSeconds = 3607;
/** What such a token is extended to (--service-account-extend-token-expiration, on by default): a year. */
export const expirationExtensionSeconds = 365 * 24 * 60 * 60;

const tokenRequestKind = { group: "authentication.k8s.io", kind: "TokenRequest" };

/** SetDefaults_TokenRequestSpec: expirationSeconds 3600 when unset or 0. */
export function defaultTokenRequest(tr: TokenRequest): void {
  tr.spec ??= {};
  if (!tr.spec.expirationSeconds) tr.spec.expirationSeconds = defaultTokenExpirationSeconds;
}

/** ValidateTokenRequest. */
export function validateTokenRequest(tr: TokenRequest): FieldError[] {
  const errs: FieldError[] = [];
  const exp = tr.spec.expirationSeconds ?? 0;
  if (!Number.isInteger(exp)) errs.push(fieldError.invalid("spec.expirationSeconds", exp, "must be an integer"));
  else if (exp < minTokenExpirationSeconds) errs.push(fieldError.invalid("spec.expirationSeconds", exp, "may not specify a duration less than 10 minutes"));
  else if (exp > maxTokenExpirationSeconds) errs.push(fieldError.invalid("spec.expirationSeconds", exp, "may not specify a duration larger than 2^32 seconds"));
  const auds = tr.spec.audiences;
  if (auds !== undefined && auds !== null && (!Array.isArray(auds) || auds.some((a) => typeof a !== "string"))) {
    errs.push(fieldError.invalid("spec.audiences", auds, "must be a list of strings"));
  }
  return errs;
}

/** The TokenRequest answer: validates, checks the bound object, asks the server's signer. */
export async function requestToken(parent: KubeObject, body: KubeObject, env: RequestEnv): Promise<TokenRequest> {
  const tr = structuredClone(body) as TokenRequest;
  tr.apiVersion = "authentication.k8s.io/v1";
  tr.kind = "TokenRequest";
  defaultTokenRequest(tr);
  const errs = validateTokenRequest(tr);
  if (errs.length) throw ApiError.invalid(tokenRequestKind, "", errs);
  if (!env.tokens) throw ApiError.serviceUnavailable("the service account token signer is not configured");

  const namespace = parent.metadata.namespace ?? "";
  const name = parent.metadata.name ?? "";
  const claims: ServiceAccountTokenClaims = {
    serviceAccount: { namespace, name, uid: parent.metadata.uid ?? "" },
    audiences: tr.spec.audiences?.length ? tr.spec.audiences : env.tokens.apiAudiences,
    expirationSeconds: tr.spec.expirationSeconds ?? defaultTokenExpirationSeconds,
  };
  const ref = tr.spec.boundObjectRef;
  if (ref) {
    const [group, version] = splitApiVersion(ref.apiVersion ?? "");
    const refName = ref.name ?? "";
    let uid: string;
    if (group === "" && ref.kind === "Pod") {
      const pod = await mustGet(env, { group: "", version: version || "v1", plural: "pods", namespace, name: refName });
      const spec = (pod as { spec?: { serviceAccountName?: string; nodeName?: string } }).spec;
      if ((spec?.serviceAccountName ?? "") !== name) throw ApiError.badRequest(`cannot bind token for serviceaccount "${name}" to pod running with different serviceaccount name.`);
      uid = pod.metadata.uid ?? "";
      claims.pod = { name: refName, uid };
      // ServiceAccountTokenPodNodeInfo: the pod's node goes into the token too.
      if (spec?.nodeName) {
        const node = await env.get({ group: "", version: "v1", plural: "nodes", name: spec.nodeName });
        if (node) claims.node = { name: spec.nodeName, uid: node.metadata.uid ?? "" };
      }
    } else if (group === "" && ref.kind === "Secret") {
      const secret = await mustGet(env, { group: "", version: version || "v1", plural: "secrets", namespace, name: refName });
      uid = secret.metadata.uid ?? "";
      claims.secret = { name: refName, uid };
    } else if (group === "" && ref.kind === "Node") {
      const node = await mustGet(env, { group: "", version: version || "v1", plural: "nodes", name: refName });
      uid = node.metadata.uid ?? "";
      claims.node = { name: refName, uid };
    } else {
      throw ApiError.badRequest(`cannot bind token to object of type ${gvkString(group, version, ref.kind ?? "")}`);
    }
    if (ref.uid && ref.uid !== uid) {
      throw ApiError.conflict(
        { group, resource: ref.kind ?? "" },
        refName,
        `the UID in the bound object reference (${ref.uid}) does not match the UID in record. The object might have been deleted and then recreated`,
      );
    }
  }
  tr.spec.audiences = [...claims.audiences];
  // A pod's auto-mounted token (3607 s, for the API) lives a year but says when it should
  // have been replaced, so clients that read their token once keep working (upstream's
  // extended expiration). The answer still gives the requested expiry.
  const requested = claims.expirationSeconds;
  const forApi = claims.audiences.every((a) => env.tokens!.apiAudiences.includes(a));
  if (claims.pod && requested === warnOnlyBoundTokenExpirationSeconds && forApi) {
    claims.warnAfterSeconds = requested;
    claims.expirationSeconds = expirationExtensionSeconds;
  }
  const token = await env.tokens.issue(claims);
  const expires = new Date(Math.floor(env.now.getTime() / 1000) * 1000 + requested * 1000);
  tr.status = { token, expirationTimestamp: expires.toISOString().replace(/\.\d{3}Z$/, "Z") };
  tr.metadata = { ...tr.metadata, name, namespace };
  return tr;
}

async function mustGet(env: RequestEnv, ref: { group: string; version: string; plural: string; namespace?: string; name: string }): Promise<KubeObject> {
  const obj = await env.get(ref);
  if (!obj) throw ApiError.notFound({ group: ref.group, resource: ref.plural }, ref.name);
  return obj;
}

function splitApiVersion(apiVersion: string): [string, string] {
  const slash = apiVersion.indexOf("/");
  return slash < 0 ? ["", apiVersion] : [apiVersion.slice(0, slash), apiVersion.slice(slash + 1)];
}

/** schema.GroupVersionKind.String(): "group/version, Kind=kind". */
function gvkString(group: string, version: string, kind: string): string {
  return `${group}/${version}, Kind=${kind}`;
}

/** The `token` subresource of serviceaccounts. */
export const serviceAccountTokenSubresource: CustomSubresource = {
  kind: "TokenRequest",
  group: "authentication.k8s.io",
  version: "v1",
  verbs: ["create"],
  respond: requestToken,
};
