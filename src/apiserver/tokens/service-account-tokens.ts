import { createPublicKey, type KeyObject } from "node:crypto";
import { decodeJwt, type JWTPayload } from "jose";
import type { KindRegistry, KubeObject, RestRequest, RestResponse, ServiceAccountTokenClaims, TokenReviewResult, TokenServices, UserInfo } from "../../api/index.js";
import { issuerDiscoveryRoute } from "./issuer-discovery.js";
import type { Store } from "../../storage/index.js";
import type { TokenAuthenticator } from "../authn.js";
import { readObject } from "../request-env.js";
import { TokenSigner, defaultIssuer, generateServiceAccountKeyPair, leewaySeconds, verifyToken, type KubernetesClaim } from "./jwt.js";

export interface ServiceAccountTokenOptions {
  store: Store;
  registry: KindRegistry;
  /** PEM private key (sa.key); without one a key is made for this process only (tests). */
  signingKey?: string;
  /** More PEM public keys whose tokens are accepted (sa.pub of earlier keys). */
  publicKeys?: string[];
  /** --service-account-issuer (default https://kubernetes.default.svc.cluster.local). */
  issuer?: string;
  /** --api-audiences (default: the issuer). */
  apiAudiences?: string[];
  /** Other token authenticators, tried after service-account tokens (join tokens); not audience-aware. */
  others?: TokenAuthenticator[];
  now?: () => Date;
}

/** What startApiServer wires: the TokenRequest/TokenReview services and the edge's bearer-token authenticator. */
export interface ServiceAccountTokens extends TokenServices {
  /** The bearer-token authenticator for requests to the API (audiences: the API's). */
  authenticate: TokenAuthenticator;
  /** GET /.well-known/openid-configuration and /openid/v1/jwks; `jwksUri` is where the key set is served from outside. */
  issuerDiscovery(jwksUri: () => string): (req: RestRequest) => Promise<RestResponse | undefined>;
  /** Signs the token of a legacy `kubernetes.io/service-account-token` Secret (the tokens controller). */
  signLegacy(claims: { namespace: string; secretName: string; serviceAccountName: string; serviceAccountUid: string }): Promise<string>;
}

const saGroup = "system:serviceaccounts";
const successCacheMs = 10_000;
const maxCached = 4096;

/** A JWT's `exp` in ms, if it is a JWT with one (join tokens are not). */
function expiryMs(token: string): number | undefined {
  try {
    const exp = decodeJwt(token).exp;
    return typeof exp === "number" ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}
const invalidated = "service account token has been invalidated";

/**
 * Service-account tokens on the API server's side: signs TokenRequests and checks bearer
 * tokens as upstream's JWT authenticator does (pkg/serviceaccount/jwt.go, claims.go,
 * legacy.go): signature, issuer, expiry, audience, then that the ServiceAccount and the
 * bound Pod/Secret/Node still exist with the uids in the token (a bound pod being deleted
 * counts as gone). A token that is not ours goes on to `others`.
 */
export function serviceAccountTokens(options: ServiceAccountTokenOptions): ServiceAccountTokens {
  const signer = new TokenSigner({ privateKey: options.signingKey ?? generateServiceAccountKeyPair().privateKey, issuer: options.issuer ?? defaultIssuer });
  const publicKeys: KeyObject[] = [signer.publicKey(), ...(options.publicKeys ?? []).map((pem) => createPublicKey(pem))];
  const apiAudiences = options.apiAudiences?.length ? [...options.apiAudiences] : [signer.issuer];
  const now = options.now ?? (() => new Date());
  const get = (ref: { plural: string; namespace?: string; name: string }) => readObject(options, { group: "", version: "v1", ...ref });

  const cache = new Map<string, { user: UserInfo; until: number }>();

  async function review(token: string, audiences: readonly string[]): Promise<TokenReviewResult> {
    const wanted = audiences.length ? audiences : apiAudiences;
    const at = now();
    const verified = await verifyToken(token, { publicKeys, issuers: [signer.issuer], now: at });
    if (!verified.ok) {
      if (verified.ours) return { authenticated: false, error: `[invalid bearer token, ${verified.error}]` };
      return reviewByOthers(token, wanted);
    }
    const checked = verified.legacy ? await validateLegacy(token, verified.payload, get) : await validateBound(verified.payload, get, at);
    if ("error" in checked) return { authenticated: false, error: `[invalid bearer token, ${checked.error}]` };
    // Legacy tokens have no audience: they are for the API's audiences (implicit), as upstream.
    const tokenAudiences = verified.legacy ? apiAudiences : audienceList(verified.payload.aud);
    const both = wanted.filter((a) => tokenAudiences.includes(a));
    if (both.length === 0) return { authenticated: false, error: `[invalid bearer token, token audiences ${goQuote(tokenAudiences)} is invalid for the target audiences ${goQuote(wanted)}]` };
    return { authenticated: true, user: checked.user, audiences: both };
  }

  async function reviewByOthers(token: string, wanted: readonly string[]): Promise<TokenReviewResult> {
    // Audience-agnostic authenticators answer only for the API's own audiences (audAgnosticTokenAuthenticator).
    const both = wanted.filter((a) => apiAudiences.includes(a));
    for (const other of options.others ?? []) {
      const user = await other(token);
      if (user) {
        if (both.length === 0) return { authenticated: false, error: `[invalid bearer token, token audiences ${goQuote(apiAudiences)} is invalid for the target audiences ${goQuote(wanted)}]` };
        return { authenticated: true, user: { ...user, groups: withAuthenticated(user.groups) }, audiences: both };
      }
    }
    return { authenticated: false, error: "[invalid bearer token, token not recognized]" };
  }

  return {
    apiAudiences,
    review,
    async issue(claims: ServiceAccountTokenClaims): Promise<string> {
      const { serviceAccount: sa } = claims;
      const kubernetes: KubernetesClaim = { namespace: sa.namespace, serviceaccount: { name: sa.name, uid: sa.uid } };
      if (claims.pod) kubernetes.pod = claims.pod;
      if (claims.secret) kubernetes.secret = claims.secret;
      if (claims.node) kubernetes.node = claims.node;
      if (claims.warnAfterSeconds) kubernetes.warnafter = Math.floor(now().getTime() / 1000) + claims.warnAfterSeconds;
      return signer.signBound({ subject: serviceAccountUsername(sa.namespace, sa.name), audiences: claims.audiences, expirationSeconds: claims.expirationSeconds, now: now(), kubernetes });
    },
    signLegacy: (claims) => signer.signLegacy(claims),
    issuerDiscovery: (jwksUri) =>
      issuerDiscoveryRoute({ issuer: signer.issuer, publicKeys, algorithms: [...new Set(publicKeys.map((k) => (k.asymmetricKeyType === "rsa" ? "RS256" : "ES256")))], jwksUri }),
    authenticate: async (token) => {
      // Successes are remembered for 10 s (upstream's --token-success-cache-ttl default;
      // never past the token's own expiry), so a token's bound objects are read once per
      // 10 s, not per request; failures are not remembered.
      const at = now().getTime();
      const hit = cache.get(token);
      if (hit && hit.until > at) return hit.user;
      if (hit) cache.delete(token);
      const r = await review(token, apiAudiences);
      if (!r.authenticated) return undefined;
      const exp = expiryMs(token);
      cache.set(token, { user: r.user, until: Math.min(at + successCacheMs, exp ?? Infinity) });
      if (cache.size > maxCached) cache.delete(cache.keys().next().value as string);
      return r.user;
    },
  };
}

/** serviceaccount.MakeUsername. */
export function serviceAccountUsername(namespace: string, name: string): string {
  return `system:serviceaccount:${namespace}:${name}`;
}

type Getter = (ref: { plural: string; namespace?: string; name: string }) => Promise<KubeObject | undefined>;
type Checked = { user: UserInfo } | { error: string };

async function validateBound(payload: JWTPayload, get: Getter, now: Date): Promise<Checked> {
  const k = payload["kubernetes.io"] as Partial<KubernetesClaim> | undefined;
  const ns = k?.namespace;
  const saName = k?.serviceaccount?.name;
  if (!k || !ns || !saName || payload.sub !== serviceAccountUsername(ns, saName)) return { error: "service account token claims could not be validated" };
  // Things deleted more than the leeway ago no longer back a token (claims.go invalidIfDeletedBefore).
  const deletedBefore = now.getTime() - leewaySeconds * 1000;
  const sa = await get({ plural: "serviceaccounts", namespace: ns, name: saName });
  if (!sa) return { error: `serviceaccounts "${saName}" not found` };
  if (isDeletedBefore(sa, deletedBefore)) return { error: `service account ${ns}/${saName} has been deleted` };
  if (sa.metadata.uid !== k.serviceaccount?.uid) return { error: `service account UID (${sa.metadata.uid ?? ""}) does not match claim (${k.serviceaccount?.uid ?? ""})` };
  const extra: Record<string, string[]> = {};
  if (k.secret) {
    const secret = await get({ plural: "secrets", namespace: ns, name: k.secret.name });
    if (!secret || isDeletedBefore(secret, deletedBefore)) return { error: invalidated };
    if (secret.metadata.uid !== k.secret.uid) return { error: `secret UID (${secret.metadata.uid ?? ""}) does not match service account secret ref claim (${k.secret.uid})` };
  }
  if (k.pod) {
    const pod = await get({ plural: "pods", namespace: ns, name: k.pod.name });
    if (!pod || isDeletedBefore(pod, deletedBefore)) return { error: invalidated };
    if (pod.metadata.uid !== k.pod.uid) return { error: `pod UID (${pod.metadata.uid ?? ""}) does not match service account pod ref claim (${k.pod.uid})` };
    extra["authentication.kubernetes.io/pod-name"] = [k.pod.name];
    extra["authentication.kubernetes.io/pod-uid"] = [k.pod.uid];
  }
  if (k.node) {
    // A node-bound token (no pod) needs its node; a pod's node is only information.
    if (!k.pod) {
      const node = await get({ plural: "nodes", name: k.node.name });
      if (!node || isDeletedBefore(node, deletedBefore)) return { error: invalidated };
      if (node.metadata.uid !== k.node.uid) return { error: `node UID (${node.metadata.uid ?? ""}) does not match service account node ref claim (${k.node.uid})` };
    }
    extra["authentication.kubernetes.io/node-name"] = [k.node.name];
    if (k.node.uid) extra["authentication.kubernetes.io/node-uid"] = [k.node.uid];
  }
  if (payload.jti) extra["authentication.kubernetes.io/credential-id"] = [`JTI=${payload.jti}`];
  return { user: saUser(ns, saName, sa.metadata.uid ?? "", extra) };
}

async function validateLegacy(token: string, payload: JWTPayload, get: Getter): Promise<Checked> {
  const ns = payload["kubernetes.io/serviceaccount/namespace"];
  const secretName = payload["kubernetes.io/serviceaccount/secret.name"];
  const saName = payload["kubernetes.io/serviceaccount/service-account.name"];
  const saUid = payload["kubernetes.io/serviceaccount/service-account.uid"];
  if (typeof ns !== "string" || typeof secretName !== "string" || typeof saName !== "string" || typeof saUid !== "string") return { error: "service account token claims are invalid" };
  const sa = await get({ plural: "serviceaccounts", namespace: ns, name: saName });
  if (!sa || sa.metadata.uid !== saUid || sa.metadata.deletionTimestamp) return { error: invalidated };
  const secret = (await get({ plural: "secrets", namespace: ns, name: secretName })) as (KubeObject & { data?: Record<string, string> }) | undefined;
  if (!secret || secret.metadata.deletionTimestamp) return { error: invalidated };
  // The Secret must still hold this very token (a regenerated token invalidates the old one).
  if (Buffer.from(secret.data?.token ?? "", "base64").toString("utf8") !== token) return { error: invalidated };
  return { user: saUser(ns, saName, saUid, { "authentication.kubernetes.io/credential-id": [`secret=${secret.metadata.uid ?? ""}`] }) };
}

function saUser(namespace: string, name: string, uid: string, extra: Record<string, string[]>): UserInfo {
  const user: UserInfo = { username: serviceAccountUsername(namespace, name), uid, groups: [saGroup, `${saGroup}:${namespace}`, "system:authenticated"] };
  if (Object.keys(extra).length) user.extra = extra;
  return user;
}

/** Deletion began (deletionTimestamp, which for pods includes the grace period) before `ms`. */
function isDeletedBefore(obj: KubeObject, ms: number): boolean {
  const ts = obj.metadata.deletionTimestamp;
  return ts !== undefined && Date.parse(ts) < ms;
}

function audienceList(aud: JWTPayload["aud"]): string[] {
  return aud === undefined ? [] : Array.isArray(aud) ? aud : [aud];
}

function withAuthenticated(groups: string[]): string[] {
  return groups.includes("system:authenticated") ? groups : [...groups, "system:authenticated"];
}

/** Go's %q of a []string: ["a" "b"]. */
function goQuote(list: readonly string[]): string {
  return `[${list.map((s) => JSON.stringify(s)).join(" ")}]`;
}
