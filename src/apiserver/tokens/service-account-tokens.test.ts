import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from "jose";
import { builtinRegistry, type KubeObject, type RestRequest, type RestResponse } from "../../api/index.js";
import { MemoryStore } from "../../storage/index.js";
import { bootstrapCluster } from "../bootstrap.js";
import { createApiServer } from "../start.js";
import { bootstrapTokenAuthenticator, hashTokenSecret } from "./bootstrap-tokens.js";
import { generateServiceAccountKeyPair } from "./jwt.js";
import { serviceAccountTokens } from "./service-account-tokens.js";

const admin = { username: "admin", groups: ["system:masters"] };

/** An API server whose clock the test moves; tokens signed and checked on that clock. */
async function newServer(options: { signingKey?: string } = {}) {
  const store = new MemoryStore();
  const registry = builtinRegistry();
  let nowMs = Date.parse("2026-01-01T00:00:00Z");
  const now = () => new Date(nowMs);
  const tokens = serviceAccountTokens({ store, registry, now, signingKey: options.signingKey, others: [bootstrapTokenAuthenticator({ store, registry, now })] });
  const server = createApiServer({ store, registry, now, tokenServices: tokens });
  await bootstrapCluster(server.handle);
  const call = (method: RestRequest["method"], path: string, body?: unknown): Promise<RestResponse> => server.handle({ method, path, query: {}, body, user: admin });
  const must = async (method: RestRequest["method"], path: string, body?: unknown): Promise<KubeObject> => {
    const res = await call(method, path, body);
    assert.ok(res.status < 300, `${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as KubeObject;
  };
  await must("POST", "/api/v1/namespaces/default/serviceaccounts", { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "robot" } });
  return { store, registry, tokens, call, must, step: (s: number) => (nowMs += s * 1000), now };
}

const requestToken = (spec: Record<string, unknown> = {}) => ({ apiVersion: "authentication.k8s.io/v1", kind: "TokenRequest", spec });
const tokenPath = "/api/v1/namespaces/default/serviceaccounts/robot/token";

describe("serviceaccounts/token (TokenRequest)", () => {
  it("signs a token with upstream's claims, one hour by default, for the API's audience", async () => {
    const s = await newServer();
    const sa = await s.must("GET", "/api/v1/namespaces/default/serviceaccounts/robot");
    const res = await s.call("POST", tokenPath, requestToken());
    assert.equal(res.status, 201);
    const tr = res.body as { kind: string; spec: { audiences: string[]; expirationSeconds: number }; status: { token: string; expirationTimestamp: string } };
    assert.equal(tr.kind, "TokenRequest");
    assert.equal(tr.spec.expirationSeconds, 3600);
    assert.equal(tr.status.expirationTimestamp, "2026-01-01T01:00:00Z");
    const claims = decodeJwt(tr.status.token);
    assert.equal(claims.iss, "https://kubernetes.default.svc.cluster.local");
    assert.equal(claims.sub, "system:serviceaccount:default:robot");
    assert.deepEqual(claims.aud, ["https://kubernetes.default.svc.cluster.local"]);
    assert.equal(claims.iat, Date.parse("2026-01-01T00:00:00Z") / 1000);
    assert.equal(claims.nbf, claims.iat);
    assert.equal(claims.exp, (claims.iat ?? 0) + 3600);
    assert.ok(claims.jti);
    assert.deepEqual(claims["kubernetes.io"], { namespace: "default", serviceaccount: { name: "robot", uid: sa.metadata.uid } });
    assert.equal(decodeProtectedHeader(tr.status.token).alg, "RS256");
    assert.ok(decodeProtectedHeader(tr.status.token).kid);
  });

  it("signs with ES256 when the key is P-256", async () => {
    const { generateKeyPairSync } = await import("node:crypto");
    const key = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    const s = await newServer({ signingKey: key });
    const tr = (await s.must("POST", tokenPath, requestToken())) as unknown as { status: { token: string } };
    assert.equal(decodeProtectedHeader(tr.status.token).alg, "ES256");
    assert.equal((await s.tokens.authenticate(tr.status.token))?.username, "system:serviceaccount:default:robot");
  });

  it("refuses less than 10 minutes and more than 2^32 seconds, naming the field", async () => {
    const s = await newServer();
    const short = await s.call("POST", tokenPath, requestToken({ expirationSeconds: 599 }));
    assert.equal(short.status, 422);
    assert.equal((short.body as { message: string }).message, 'TokenRequest.authentication.k8s.io "" is invalid: spec.expirationSeconds: Invalid value: 599: may not specify a duration less than 10 minutes');
    const long = await s.call("POST", tokenPath, requestToken({ expirationSeconds: 2 ** 32 + 1 }));
    assert.equal(long.status, 422);
    assert.match((long.body as { message: string }).message, /may not specify a duration larger than 2\^32 seconds/);
  });

  it("answers 404 for a missing service account, a missing bound pod; 400 for another kind; 409 for a stale uid", async () => {
    const s = await newServer();
    const missing = await s.call("POST", "/api/v1/namespaces/default/serviceaccounts/nobody/token", requestToken());
    assert.equal(missing.status, 404);
    assert.equal((missing.body as { message: string }).message, 'serviceaccounts "nobody" not found');
    const noPod = await s.call("POST", tokenPath, requestToken({ boundObjectRef: { apiVersion: "v1", kind: "Pod", name: "gone" } }));
    assert.equal(noPod.status, 404);
    assert.equal((noPod.body as { message: string }).message, 'pods "gone" not found');
    const cm = await s.call("POST", tokenPath, requestToken({ boundObjectRef: { apiVersion: "v1", kind: "ConfigMap", name: "x" } }));
    assert.equal(cm.status, 400);
    assert.equal((cm.body as { message: string }).message, "cannot bind token to object of type /v1, Kind=ConfigMap");
    await s.must("POST", "/api/v1/namespaces/default/pods", pod("web", "robot"));
    const stale = await s.call("POST", tokenPath, requestToken({ boundObjectRef: { apiVersion: "v1", kind: "Pod", name: "web", uid: "not-its-uid" } }));
    assert.equal(stale.status, 409);
    assert.match((stale.body as { message: string }).message, /the UID in the bound object reference \(not-its-uid\) does not match the UID in record/);
    await s.must("POST", "/api/v1/namespaces/default/pods", pod("other", "default"));
    const wrongSa = await s.call("POST", tokenPath, requestToken({ boundObjectRef: { apiVersion: "v1", kind: "Pod", name: "other" } }));
    assert.equal(wrongSa.status, 400);
    assert.equal((wrongSa.body as { message: string }).message, 'cannot bind token for serviceaccount "robot" to pod running with different serviceaccount name.');
  });
});

function pod(name: string, serviceAccountName: string): KubeObject {
  return { apiVersion: "v1", kind: "Pod", metadata: { name }, spec: { serviceAccountName, containers: [{ name: "c", image: "busybox" }] } } as KubeObject;
}

async function tokenFor(s: Awaited<ReturnType<typeof newServer>>, spec: Record<string, unknown> = {}): Promise<string> {
  const tr = (await s.must("POST", tokenPath, requestToken(spec))) as unknown as { status: { token: string } };
  return tr.status.token;
}

describe("service-account token authentication", () => {
  it("authenticates as system:serviceaccount:NS:NAME with upstream's groups and uid", async () => {
    const s = await newServer();
    const sa = await s.must("GET", "/api/v1/namespaces/default/serviceaccounts/robot");
    const user = await s.tokens.authenticate(await tokenFor(s));
    assert.equal(user?.username, "system:serviceaccount:default:robot");
    assert.equal(user?.uid, sa.metadata.uid);
    assert.deepEqual(user?.groups, ["system:serviceaccounts", "system:serviceaccounts:default", "system:authenticated"]);
    assert.match(user?.extra?.["authentication.kubernetes.io/credential-id"]?.[0] ?? "", /^JTI=/);
  });

  it("stops at expiry, with upstream's minute of leeway", async () => {
    const s = await newServer();
    const token = await tokenFor(s, { expirationSeconds: 600 });
    s.step(600 + 59);
    assert.ok(await s.tokens.authenticate(token));
    s.step(2);
    assert.equal(await s.tokens.authenticate(token), undefined);
    const review = await s.tokens.review(token, []);
    assert.deepEqual(review, { authenticated: false, error: "[invalid bearer token, service account token has expired]" });
  });

  it("checks the audience: a token for another audience does not reach the API", async () => {
    const s = await newServer();
    const vault = await tokenFor(s, { audiences: ["vault"] });
    assert.equal(await s.tokens.authenticate(vault), undefined);
    const forVault = await s.tokens.review(vault, ["vault", "other"]);
    assert.equal(forVault.authenticated, true);
    assert.deepEqual(forVault.authenticated && forVault.audiences, ["vault"]);
    const forApi = await s.tokens.review(vault, []);
    assert.deepEqual(forApi, { authenticated: false, error: '[invalid bearer token, token audiences ["vault"] is invalid for the target audiences ["https://kubernetes.default.svc.cluster.local"]]' });
  });

  it("refuses a token whose service account was deleted and made again (new uid)", async () => {
    const s = await newServer();
    const token = await tokenFor(s);
    await s.must("DELETE", "/api/v1/namespaces/default/serviceaccounts/robot");
    assert.deepEqual(await s.tokens.review(token, []), { authenticated: false, error: '[invalid bearer token, serviceaccounts "robot" not found]' });
    await s.must("POST", "/api/v1/namespaces/default/serviceaccounts", { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "robot" } });
    const review = await s.tokens.review(token, []);
    assert.equal(review.authenticated, false);
    assert.match(!review.authenticated ? review.error : "", /service account UID \(.+\) does not match claim/);
  });

  it("binds to a pod: pod name and uid in extra, refused once the pod is gone", async () => {
    const s = await newServer();
    const p = await s.must("POST", "/api/v1/namespaces/default/pods", pod("web", "robot"));
    const token = await tokenFor(s, { boundObjectRef: { apiVersion: "v1", kind: "Pod", name: "web", uid: p.metadata.uid } });
    assert.deepEqual(decodeJwt(token)["kubernetes.io"], { namespace: "default", serviceaccount: { name: "robot", uid: (await s.must("GET", "/api/v1/namespaces/default/serviceaccounts/robot")).metadata.uid }, pod: { name: "web", uid: p.metadata.uid } });
    const user = await s.tokens.authenticate(token);
    assert.deepEqual(user?.extra?.["authentication.kubernetes.io/pod-name"], ["web"]);
    assert.deepEqual(user?.extra?.["authentication.kubernetes.io/pod-uid"], [p.metadata.uid]);
    await s.must("DELETE", "/api/v1/namespaces/default/pods/web");
    // The edge remembers a success for 10 s, as upstream's token cache; a review is not cached.
    assert.ok(await s.tokens.authenticate(token), "still cached");
    s.step(10);
    assert.equal(await s.tokens.authenticate(token), undefined);
    assert.deepEqual(await s.tokens.review(token, []), { authenticated: false, error: "[invalid bearer token, service account token has been invalidated]" });
    // A new pod of the same name does not bring the token back.
    await s.must("POST", "/api/v1/namespaces/default/pods", pod("web", "robot"));
    const again = await s.tokens.review(token, []);
    assert.match(!again.authenticated ? again.error : "", /pod UID \(.+\) does not match service account pod ref claim/);
  });

  it("keeps a token of a pod in graceful deletion until its deletion time plus the leeway", async () => {
    const s = await newServer();
    const scheduled = { ...pod("slow", "robot"), spec: { serviceAccountName: "robot", nodeName: "n1", terminationGracePeriodSeconds: 30, containers: [{ name: "c", image: "busybox" }] } } as KubeObject;
    await s.must("POST", "/api/v1/namespaces/default/pods", scheduled);
    const token = await tokenFor(s, { boundObjectRef: { apiVersion: "v1", kind: "Pod", name: "slow" } });
    await s.must("DELETE", "/api/v1/namespaces/default/pods/slow");
    assert.ok((await s.must("GET", "/api/v1/namespaces/default/pods/slow")).metadata.deletionTimestamp, "graceful: still there");
    assert.ok(await s.tokens.authenticate(token));
    s.step(30 + 61);
    assert.equal(await s.tokens.authenticate(token), undefined);
  });

  it("binds to a secret: refused once the secret is deleted", async () => {
    const s = await newServer();
    await s.must("POST", "/api/v1/namespaces/default/secrets", { apiVersion: "v1", kind: "Secret", metadata: { name: "k" }, data: {} });
    const token = await tokenFor(s, { boundObjectRef: { apiVersion: "v1", kind: "Secret", name: "k" } });
    assert.ok(await s.tokens.authenticate(token));
    await s.must("DELETE", "/api/v1/namespaces/default/secrets/k");
    assert.equal((await s.tokens.review(token, [])).authenticated, false);
    s.step(10);
    assert.equal(await s.tokens.authenticate(token), undefined);
  });

  it("binds to a node: node name and uid in extra, refused once the node is deleted", async () => {
    const s = await newServer();
    const node = await s.must("POST", "/api/v1/nodes", { apiVersion: "v1", kind: "Node", metadata: { name: "n1" } });
    const token = await tokenFor(s, { boundObjectRef: { apiVersion: "v1", kind: "Node", name: "n1" } });
    const review = await s.tokens.review(token, []);
    assert.equal(review.authenticated, true);
    assert.deepEqual(review.authenticated && review.user.extra?.["authentication.kubernetes.io/node-uid"], [node.metadata.uid]);
    await s.must("DELETE", "/api/v1/nodes/n1");
    assert.deepEqual(await s.tokens.review(token, []), { authenticated: false, error: "[invalid bearer token, service account token has been invalidated]" });
  });

  it("puts a scheduled pod's node into a pod-bound token", async () => {
    const s = await newServer();
    const node = await s.must("POST", "/api/v1/nodes", { apiVersion: "v1", kind: "Node", metadata: { name: "n2" } });
    await s.must("POST", "/api/v1/namespaces/default/pods", { ...pod("on-node", "robot"), spec: { serviceAccountName: "robot", nodeName: "n2", containers: [{ name: "c", image: "busybox" }] } });
    const token = await tokenFor(s, { boundObjectRef: { apiVersion: "v1", kind: "Pod", name: "on-node" } });
    assert.deepEqual((decodeJwt(token)["kubernetes.io"] as { node: unknown }).node, { name: "n2", uid: node.metadata.uid });
    // The pod's node is information only: deleting the node does not invalidate a pod-bound token.
    await s.must("DELETE", "/api/v1/nodes/n2");
    assert.equal((await s.tokens.review(token, [])).authenticated, true);
  });

  it("extends a pod's auto-mounted token (3607 s, API audience) to a year with warnafter, as upstream; not other tokens", async () => {
    const s = await newServer();
    await s.must("POST", "/api/v1/namespaces/default/pods", pod("auto", "robot"));
    const res = (await s.must("POST", tokenPath, requestToken({ expirationSeconds: 3607, boundObjectRef: { apiVersion: "v1", kind: "Pod", name: "auto" } }))) as unknown as { status: { token: string; expirationTimestamp: string } };
    const claims = decodeJwt(res.status.token);
    assert.equal((claims.exp ?? 0) - (claims.iat ?? 0), 365 * 24 * 3600);
    assert.equal((claims["kubernetes.io"] as { warnafter: number }).warnafter, (claims.iat ?? 0) + 3607);
    assert.equal(res.status.expirationTimestamp, "2026-01-01T01:00:07Z", "the answer keeps the requested expiry");
    s.step(3607 + 3600);
    assert.ok(await s.tokens.authenticate(res.status.token), "still valid after warnafter");
    // Not bound to a pod, or for another audience: no extension.
    const plain = decodeJwt(await tokenFor(s, { expirationSeconds: 3607 }));
    assert.equal((plain.exp ?? 0) - (plain.iat ?? 0), 3607);
    const vault = decodeJwt(await tokenFor(s, { expirationSeconds: 3607, audiences: ["vault"], boundObjectRef: { apiVersion: "v1", kind: "Pod", name: "auto" } }));
    assert.equal((vault.exp ?? 0) - (vault.iat ?? 0), 3607);
  });

  it("refuses a token signed by another key, and a tampered one", async () => {
    const s = await newServer();
    const other = await newServer({ signingKey: generateServiceAccountKeyPair().privateKey });
    const foreign = await tokenFor(other);
    assert.equal(await s.tokens.authenticate(foreign), undefined);
    const token = await tokenFor(s);
    const [h, p, sig] = token.split(".");
    const claims = JSON.parse(Buffer.from(p!, "base64url").toString()) as { sub: string };
    claims.sub = "system:serviceaccount:kube-system:default";
    assert.equal(await s.tokens.authenticate(`${h}.${Buffer.from(JSON.stringify(claims)).toString("base64url")}.${sig}`), undefined);
  });

  it("authenticates a legacy Secret token only while the Secret holds it", async () => {
    const s = await newServer();
    const sa = await s.must("GET", "/api/v1/namespaces/default/serviceaccounts/robot");
    const token = await s.tokens.signLegacy({ namespace: "default", secretName: "robot-token", serviceAccountName: "robot", serviceAccountUid: sa.metadata.uid ?? "" });
    assert.equal(decodeJwt(token).iss, "kubernetes/serviceaccount");
    assert.equal(decodeJwt(token).exp, undefined);
    assert.equal(await s.tokens.authenticate(token), undefined, "no secret yet");
    await s.must("POST", "/api/v1/namespaces/default/secrets", {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "robot-token", annotations: { "kubernetes.io/service-account.name": "robot" } },
      type: "kubernetes.io/service-account-token",
      data: { token: Buffer.from(token).toString("base64") },
    });
    assert.equal((await s.tokens.authenticate(token))?.username, "system:serviceaccount:default:robot");
    await s.must("DELETE", "/api/v1/namespaces/default/secrets/robot-token");
    s.step(10);
    assert.equal(await s.tokens.authenticate(token), undefined);
  });
});

describe("service-account issuer discovery", () => {
  it("serves the OpenID configuration and a key set that verifies the server's tokens", async () => {
    const s = await newServer();
    const route = s.tokens.issuerDiscovery(() => "https://10.0.0.1:6443/openid/v1/jwks");
    const get = async (path: string) => {
      const res = await route({ method: "GET", path, query: {} });
      assert.equal(res?.status, 200);
      return { type: res.raw?.contentType, json: JSON.parse(Buffer.from(res.raw?.data ?? []).toString()) as Record<string, unknown> };
    };
    const config = await get("/.well-known/openid-configuration");
    assert.equal(config.type, "application/json");
    assert.deepEqual(config.json, {
      issuer: "https://kubernetes.default.svc.cluster.local",
      jwks_uri: "https://10.0.0.1:6443/openid/v1/jwks",
      response_types_supported: ["id_token"],
      subject_types_supported: ["public"],
      id_token_signing_alg_values_supported: ["RS256"],
    });
    const jwks = await get("/openid/v1/jwks");
    assert.equal(jwks.type, "application/jwk-set+json");
    const keys = (jwks.json as { keys: { kty: string; use: string; alg: string; kid: string }[] }).keys;
    assert.equal(keys.length, 1);
    assert.deepEqual([keys[0]!.kty, keys[0]!.use, keys[0]!.alg], ["RSA", "sig", "RS256"]);
    const token = await tokenFor(s);
    const { payload } = await jwtVerify(token, createLocalJWKSet(jwks.json as unknown as JSONWebKeySet), { issuer: "https://kubernetes.default.svc.cluster.local", currentDate: s.now() });
    assert.equal(payload.sub, "system:serviceaccount:default:robot");
    assert.equal(await route({ method: "GET", path: "/api", query: {} }), undefined);
  });
});

describe("tokenreviews", () => {
  it("answers authenticated with the user and audiences, and stores nothing", async () => {
    const s = await newServer();
    const token = await tokenFor(s);
    const res = await s.call("POST", "/apis/authentication.k8s.io/v1/tokenreviews", { apiVersion: "authentication.k8s.io/v1", kind: "TokenReview", spec: { token } });
    assert.equal(res.status, 201);
    const status = (res.body as { status: { authenticated: boolean; user: { username: string; groups: string[] }; audiences: string[] } }).status;
    assert.equal(status.authenticated, true);
    assert.equal(status.user.username, "system:serviceaccount:default:robot");
    assert.deepEqual(status.audiences, ["https://kubernetes.default.svc.cluster.local"]);
    const list = await s.call("GET", "/apis/authentication.k8s.io/v1/tokenreviews");
    assert.equal(list.status, 405);
  });

  it("answers not authenticated with an error for a bad token; 400 without a token", async () => {
    const s = await newServer();
    const res = await s.call("POST", "/apis/authentication.k8s.io/v1/tokenreviews", { apiVersion: "authentication.k8s.io/v1", kind: "TokenReview", spec: { token: "nonsense" } });
    assert.equal(res.status, 201);
    const status = (res.body as { status: { authenticated?: boolean; error: string } }).status;
    assert.equal(status.authenticated, undefined);
    assert.ok(status.error);
    const empty = await s.call("POST", "/apis/authentication.k8s.io/v1/tokenreviews", { apiVersion: "authentication.k8s.io/v1", kind: "TokenReview", spec: {} });
    assert.equal(empty.status, 400);
    assert.equal((empty.body as { message: string }).message, "token is required for TokenReview in authentication.k8s.io");
  });

  it("reviews join tokens: bootstrap tokens stored hashed, expired ones refused", async () => {
    const s = await newServer();
    const secret = (id: string, tokenSecret: string, expiration: string) => ({
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: `bootstrap-token-${id}`, namespace: "kube-system" },
      type: "bootstrap.kubernetes.io/token",
      stringData: { "token-id": id, "token-secret-sha256": hashTokenSecret(tokenSecret), expiration, "usage-bootstrap-authentication": "true" },
    });
    await s.must("POST", "/api/v1/namespaces/kube-system/secrets", secret("abcdef", "0123456789abcdef", "2026-01-01T01:00:00Z"));
    const review = (token: string) => s.tokens.review(token, []);
    const node = await review("abcdef.0123456789abcdef:worker-1");
    assert.equal(node.authenticated && node.user.username, "system:node:worker-1");
    assert.deepEqual(node.authenticated && node.user.groups, ["system:nodes", "system:authenticated"]);
    const plain = await review("abcdef.0123456789abcdef");
    assert.equal(plain.authenticated && plain.user.username, "system:bootstrap:abcdef");
    assert.equal((await review("abcdef.0123456789abcdee")).authenticated, false, "wrong secret");
    s.step(3600);
    assert.equal((await review("abcdef.0123456789abcdef:worker-1")).authenticated, false, "expired");
  });
});
