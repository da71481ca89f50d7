/**
 * Impersonation (staging/src/k8s.io/apiserver/pkg/endpoints/filters/impersonation.go):
 * `Impersonate-User`, `Impersonate-Group`, `Impersonate-Uid` and `Impersonate-Extra-*`
 * headers make the request act as another user, once the real user is allowed the
 * `impersonate` verb on each of users/serviceaccounts, groups, uids and userextras.
 */
import type { AuthorizationAttributes, ImpersonationRequest, UserInfo } from "../../api/index.js";
import { ApiError } from "../../machinery/index.js";
import type { AuthorizerChain } from "./chain.js";
import { forbidden } from "./chain.js";


/** Reads the Impersonate-* headers of an HTTP request (lower-cased names); undefined when there are none. */
export function impersonationFromHeaders(headers: Record<string, string | string[] | undefined>): ImpersonationRequest | undefined {
  const all = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : v.split(",").map((s) => s.trim()));
  const out: ImpersonationRequest = {};
  let any = false;
  const userHeader = headers["impersonate-user"];
  if (userHeader !== undefined) {
    out.user = Array.isArray(userHeader) ? userHeader[0] : userHeader;
    any = true;
  }
  const groups = all(headers["impersonate-group"]);
  if (groups.length) {
    out.groups = groups;
    any = true;
  }
  const uid = headers["impersonate-uid"];
  if (uid !== undefined) {
    out.uid = Array.isArray(uid) ? uid[0] : uid;
    any = true;
  }
  for (const [name, value] of Object.entries(headers)) {
    if (!name.startsWith("impersonate-extra-") || value === undefined) continue;
    const key = decodeURIComponent(name.slice("impersonate-extra-".length)).toLowerCase();
    (out.extra ??= {})[key] = [...(out.extra[key] ?? []), ...all(value)];
    any = true;
  }
  return any ? out : undefined;
}

const serviceAccountPrefix = "system:serviceaccount:";

/** The user the request acts as, after checking `real` may impersonate each part; throws 403 otherwise. */
export async function impersonate(chain: AuthorizerChain, real: UserInfo, req: ImpersonationRequest): Promise<UserInfo> {
  if (req.user === undefined || req.user === "") {
    const asked = [...(req.groups ?? []).map((g) => `groups "${g}"`), ...(req.uid !== undefined ? [`uid "${req.uid}"`] : []), ...Object.keys(req.extra ?? {}).map((k) => `extra "${k}"`)];
    throw ApiError.internal(`requested [${asked.join(" ")}] without impersonating a user`);
  }
  const check = async (resource: string, name: string, extra: Partial<AuthorizationAttributes> = {}) => {
    const attrs: AuthorizationAttributes = { user: real, verb: "impersonate", resourceRequest: true, path: "", apiGroup: "", apiVersion: "", resource, subresource: "", namespace: "", name, ...extra };
    const d = await chain.authorize(attrs);
    if (d.decision !== "allow") throw forbidden(attrs, d.reason);
  };
  const username = req.user;
  let groups: string[] = [];
  if (username.startsWith(serviceAccountPrefix)) {
    const rest = username.slice(serviceAccountPrefix.length);
    const colon = rest.indexOf(":");
    const namespace = colon < 0 ? "" : rest.slice(0, colon);
    const name = colon < 0 ? rest : rest.slice(colon + 1);
    await check("serviceaccounts", name, { namespace });
    if (!req.groups?.length && namespace) groups = ["system:serviceaccounts", `system:serviceaccounts:${namespace}`];
  } else {
    await check("users", username);
  }
  for (const g of req.groups ?? []) {
    await check("groups", g);
    groups.push(g);
  }
  for (const [key, values] of Object.entries(req.extra ?? {})) {
    for (const v of values) await check("userextras", v, { apiGroup: "authentication.k8s.io", subresource: key });
  }
  if (req.uid !== undefined) await check("uids", req.uid, { apiGroup: "authentication.k8s.io" });
  if (username === "system:anonymous") {
    if (!groups.includes("system:unauthenticated")) groups.push("system:unauthenticated");
  } else if (!groups.includes("system:authenticated") && !groups.includes("system:unauthenticated")) {
    groups.push("system:authenticated");
  }
  const user: UserInfo = { username, groups };
  if (req.uid !== undefined) user.uid = req.uid;
  if (req.extra) user.extra = req.extra;
  return user;
}
