// End to end: service-account tokens, TokenReview, legacy token Secrets, join tokens and
// what strangers get, against the real `k8ts server` with the official kubectl.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { createPrivateKey, generateKeyPairSync } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { request } from "node:https";
import { join } from "node:path";
import { SignJWT, createLocalJWKSet, decodeJwt, jwtVerify, type JSONWebKeySet } from "jose";
import { stringify as toYaml } from "yaml";
import { ensurePki, issueClientCertificate } from "../../src/cmd/pki.js";
import { k8tsBin, kubectlBin, run } from "../harness/index.js";
import { kubectlJson, kubectlOk, kubectlRun, needsKubectl, startServer } from "./_fixtures.js";

interface HttpAnswer {
  status: number;
  body: string;
}

describe("tokens and authentication", needsKubectl, () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  let ca: string;
  let url: string;

  before(async () => {
    server = await startServer();
    ca = await readFile(join(server.dataDir, "pki", "ca.crt"), "utf8");
    url = `https://127.0.0.1:${server.port}`;
    // The serviceaccount controller makes `default` shortly after start.
    await waitFor(async () => (await kubectlRun(server, ["get", "serviceaccount", "default"])).code === 0, "default ServiceAccount");
  });
  after(async () => {
    await server?.close();
  });

  /** A kubeconfig holding only the server, its CA and this token: nothing else identifies the caller. */
  async function tokenKubeconfig(token: string): Promise<string> {
    const path = join(server.dataDir, `token-${Math.random().toString(36).slice(2)}.yaml`);
    const config = {
      apiVersion: "v1",
      kind: "Config",
      clusters: [{ name: "k8ts", cluster: { server: url, "certificate-authority-data": Buffer.from(ca).toString("base64") } }],
      users: [{ name: "bearer", user: { token } }],
      contexts: [{ name: "k8ts", context: { cluster: "k8ts", user: "bearer" } }],
      "current-context": "k8ts",
    };
    await writeFile(path, toYaml(config), { mode: 0o600 });
    return path;
  }

  async function whoamiWith(token: string) {
    return run(kubectlBin, ["--kubeconfig", await tokenKubeconfig(token), "auth", "whoami", "-o", "json"]);
  }

  /** One HTTPS request with the cluster CA trusted and the given credentials (none by default). */
  function call(method: string, path: string, options: { token?: string; cert?: { cert: string; key: string }; body?: unknown } = {}): Promise<HttpAnswer> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = { accept: "application/json" };
      if (options.token) headers.authorization = `Bearer ${options.token}`;
      if (options.body !== undefined) headers["content-type"] = "application/json";
      const req = request(`${url}${path}`, { method, ca, headers, cert: options.cert?.cert, key: options.cert?.key }, (res) => {
        let body = "";
        res.on("data", (d: Buffer) => (body += d.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on("error", reject);
      req.end(options.body === undefined ? undefined : JSON.stringify(options.body));
    });
  }

  it("kubectl create token gives a token that authenticates as the service account, for the default hour", async () => {
    const token = (await kubectlOk(server, ["create", "token", "default"])).trim();
    const claims = decodeJwt(token);
    assert.equal(claims.sub, "system:serviceaccount:default:default");
    assert.equal(claims.iss, "https://kubernetes.default.svc.cluster.local");
    assert.equal((claims.exp ?? 0) - (claims.iat ?? 0), 3600);
    const who = await whoamiWith(token);
    assert.equal(who.code, 0, who.stderr);
    const status = (JSON.parse(who.stdout) as { status: { userInfo: { username: string; groups: string[] } } }).status.userInfo;
    assert.equal(status.username, "system:serviceaccount:default:default");
    assert.deepEqual(status.groups, ["system:serviceaccounts", "system:serviceaccounts:default", "system:authenticated"]);
  });

  it("--duration sets the lifetime; under 10 minutes is refused with upstream's message", async () => {
    const token = (await kubectlOk(server, ["create", "token", "default", "--duration", "15m"])).trim();
    const claims = decodeJwt(token);
    assert.equal((claims.exp ?? 0) - (claims.iat ?? 0), 900);
    const short = await kubectlRun(server, ["create", "token", "default", "--duration", "1m"]);
    assert.notEqual(short.code, 0);
    assert.match(short.stderr, /spec.expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes/);
    const missing = await kubectlRun(server, ["create", "token", "nobody"]);
    assert.match(missing.stderr, /serviceaccounts "nobody" not found/);
  });

  it("a token bound to a pod works while the pod exists and is refused (401) once it is deleted", async () => {
    await kubectlOk(server, ["run", "bound", "--image", "busybox", "--restart", "Never"]);
    const token = (await kubectlOk(server, ["create", "token", "default", "--bound-object-kind", "Pod", "--bound-object-name", "bound"])).trim();
    const pod = await kubectlJson(server, ["get", "pod", "bound"]);
    assert.deepEqual((decodeJwt(token)["kubernetes.io"] as { pod: unknown }).pod, { name: "bound", uid: pod.metadata.uid });
    const before = await whoamiWith(token);
    assert.equal(before.code, 0, before.stderr);
    const extra = (JSON.parse(before.stdout) as { status: { userInfo: { extra: Record<string, string[]> } } }).status.userInfo.extra;
    assert.deepEqual(extra["authentication.kubernetes.io/pod-name"], ["bound"]);
    await kubectlOk(server, ["delete", "pod", "bound", "--wait=true"]);
    // The server remembers a success for up to 10 s (upstream's token cache), then refuses.
    let afterDelete = await whoamiWith(token);
    await waitFor(async () => (afterDelete = await whoamiWith(token)).code !== 0, "the token to be refused", 15_000);
    assert.match(afterDelete.stderr, /Unauthorized|must be logged in/);
    // And it changes nothing: a write with it is refused the same way.
    const write = await call("POST", "/api/v1/namespaces/default/configmaps", { token, body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "by-deleted-pod" } } });
    assert.equal(write.status, 401);
    assert.equal((await kubectlRun(server, ["get", "configmap", "by-deleted-pod"])).code, 1);
  });

  it("a TokenReview answers for service-account tokens, with the audiences", async () => {
    const token = (await kubectlOk(server, ["create", "token", "default", "--audience", "vault"])).trim();
    const review = (aud: string[]) => `apiVersion: authentication.k8s.io/v1\nkind: TokenReview\nspec:\n  token: ${token}\n  audiences: ${JSON.stringify(aud)}\n`;
    const ok = JSON.parse(await kubectlOk(server, ["create", "-f", "-", "-o", "json"], { stdin: review(["vault"]) })) as { status: { authenticated: boolean; audiences: string[]; user: { username: string } } };
    assert.equal(ok.status.authenticated, true);
    assert.deepEqual(ok.status.audiences, ["vault"]);
    assert.equal(ok.status.user.username, "system:serviceaccount:default:default");
    // For the API (no audiences given) the same token is not valid.
    const api = JSON.parse(await kubectlOk(server, ["create", "-f", "-", "-o", "json"], { stdin: review([]) })) as { status: { authenticated?: boolean; error: string } };
    assert.notEqual(api.status.authenticated, true);
    assert.match(api.status.error, /token audiences \["vault"\] is invalid/);
    assert.equal((await whoamiWith(token)).code === 0, false, "a vault token does not reach the API");
  });

  it("a kubernetes.io/service-account-token Secret is filled by the tokens controller, and its token authenticates", async () => {
    await kubectlOk(server, ["apply", "-f", "-"], {
      stdin: "apiVersion: v1\nkind: Secret\nmetadata:\n  name: legacy\n  annotations: {kubernetes.io/service-account.name: default}\ntype: kubernetes.io/service-account-token\n",
    });
    let secret = await kubectlJson(server, ["get", "secret", "legacy"]);
    await waitFor(async () => {
      secret = await kubectlJson(server, ["get", "secret", "legacy"]);
      return secret.data?.token !== undefined;
    }, "the token controller");
    assert.equal(Buffer.from(secret.data!["ca.crt"]!, "base64").toString(), ca);
    assert.equal(Buffer.from(secret.data!.namespace!, "base64").toString(), "default");
    const sa = await kubectlJson(server, ["get", "serviceaccount", "default"]);
    assert.equal(secret.metadata.annotations?.["kubernetes.io/service-account.uid"], sa.metadata.uid);
    const token = Buffer.from(secret.data!.token!, "base64").toString();
    assert.equal(decodeJwt(token).iss, "kubernetes/serviceaccount");
    assert.equal((await whoamiWith(token)).code, 0);
    await kubectlOk(server, ["delete", "secret", "legacy"]);
    await waitFor(async () => (await whoamiWith(token)).code !== 0, "refusal once its Secret is gone", 15_000);
  });

  it("every namespace gets the kube-root-ca.crt ConfigMap with the cluster CA", async () => {
    await kubectlOk(server, ["create", "namespace", "fresh"]);
    let cm: { data?: Record<string, string> } | undefined;
    await waitFor(async () => {
      const r = await kubectlRun(server, ["get", "configmap", "kube-root-ca.crt", "-n", "fresh", "-o", "json"]);
      if (r.code === 0) cm = JSON.parse(r.stdout) as typeof cm;
      return r.code === 0;
    }, "kube-root-ca.crt");
    assert.equal(cm?.data?.["ca.crt"], ca);
  });

  it("k8ts token create makes a join token stored only hashed; it authenticates a node until its TTL", async () => {
    const made = await run(process.execPath, [k8tsBin, "token", "create", "--data-dir", server.dataDir, "--ttl", "1h"]);
    assert.equal(made.code, 0, made.stderr);
    const token = made.stdout.trim();
    assert.match(token, /^[a-z0-9]{6}\.[a-z0-9]{16}$/);
    const [id, secretPart] = token.split(".") as [string, string];
    const secret = await kubectlJson(server, ["get", "secret", `bootstrap-token-${id}`, "-n", "kube-system"]);
    assert.equal(secret.data?.["token-secret"], undefined);
    const stored = Object.values(secret.data ?? {}).map((v) => Buffer.from(v, "base64").toString());
    assert.ok(!stored.some((v) => v.includes(secretPart)), "the secret part is not stored");
    const node = await whoamiWith(`${token}:worker-9`);
    assert.equal(node.code, 0, node.stderr);
    assert.equal((JSON.parse(node.stdout) as { status: { userInfo: { username: string } } }).status.userInfo.username, "system:node:worker-9");
    // Expired: a token with a 1 s TTL is refused once it has passed, and the cleaner removes its Secret.
    const short = (await run(process.execPath, [k8tsBin, "token", "create", "--data-dir", server.dataDir, "--ttl", "1s"])).stdout.trim();
    await new Promise((r) => setTimeout(r, 1500));
    assert.notEqual((await whoamiWith(`${short}:worker-9`)).code, 0);
    await waitFor(async () => (await kubectlRun(server, ["get", "secret", `bootstrap-token-${short.split(".")[0]}`, "-n", "kube-system"])).code !== 0, "the token cleaner");
  });

  it("serves issuer discovery to service accounts: the key set verifies their tokens; strangers get 401", async () => {
    const token = (await kubectlOk(server, ["create", "token", "default"])).trim();
    const config = await call("GET", "/.well-known/openid-configuration", { token });
    assert.equal(config.status, 200, config.body);
    const doc = JSON.parse(config.body) as { issuer: string; jwks_uri: string };
    assert.equal(doc.issuer, "https://kubernetes.default.svc.cluster.local");
    assert.equal(doc.jwks_uri, `${url}/openid/v1/jwks`);
    const jwks = await call("GET", "/openid/v1/jwks", { token });
    assert.equal(jwks.status, 200, jwks.body);
    const { payload } = await jwtVerify(token, createLocalJWKSet(JSON.parse(jwks.body) as JSONWebKeySet), { issuer: doc.issuer });
    assert.equal(payload.sub, "system:serviceaccount:default:default");
    assert.equal((await call("GET", "/openid/v1/jwks")).status, 401);
  });

  describe("strangers", () => {
    const attempt = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "stranger" } };

    it("without credentials: health and version answer, discovery is up to the authorizer, everything else is 401 and nothing is written", async () => {
      for (const path of ["/healthz", "/livez", "/readyz", "/version"]) assert.equal((await call("GET", path)).status, 200, path);
      // system:anonymous reaches the authorizer here (upstream binds discovery to authenticated users only: 403).
      for (const path of ["/api", "/apis", "/api/v1", "/apis/apps/v1", "/openapi/v2"]) assert.notEqual((await call("GET", path)).status, 401, path);
      assert.equal((await call("GET", "/api/v1/namespaces/default/configmaps")).status, 401);
      assert.equal((await call("GET", "/api/v1/namespaces/default/secrets/legacy")).status, 401);
      const write = await call("POST", "/api/v1/namespaces/default/configmaps", { body: attempt });
      assert.equal(write.status, 401);
      assert.equal((JSON.parse(write.body) as { reason: string }).reason, "Unauthorized");
      assert.equal((await kubectlRun(server, ["get", "configmap", "stranger"])).code, 1);
    });

    it("a certificate from another CA is 401, even where anonymous requests are allowed", async () => {
      // A CA of our own making signs an admin-looking certificate.
      const foreign = await ensurePki(join(server.dataDir, "foreign-pki"), { bindAddress: "127.0.0.1" });
      const cert = await issueClientCertificate(foreign.ca, { commonName: "kubernetes-admin", organizations: ["system:masters"] });
      assert.equal((await call("POST", "/api/v1/namespaces/default/configmaps", { cert, body: attempt })).status, 401);
      assert.equal((await call("GET", "/version", { cert })).status, 401);
      assert.equal((await kubectlRun(server, ["get", "configmap", "stranger"])).code, 1);
    });

    it("an expired token (signed by the server's own key) and a forged one are 401", async () => {
      const key = createPrivateKey(await readFile(join(server.dataDir, "pki", "sa.key"), "utf8"));
      const sa = await kubectlJson(server, ["get", "serviceaccount", "default"]);
      const now = Math.floor(Date.now() / 1000);
      const sign = (k: ReturnType<typeof createPrivateKey>, iat: number, exp: number) =>
        new SignJWT({ "kubernetes.io": { namespace: "default", serviceaccount: { name: "default", uid: sa.metadata.uid } } })
          .setProtectedHeader({ alg: "RS256" })
          .setIssuer("https://kubernetes.default.svc.cluster.local")
          .setSubject("system:serviceaccount:default:default")
          .setAudience(["https://kubernetes.default.svc.cluster.local"])
          .setIssuedAt(iat)
          .setNotBefore(iat)
          .setExpirationTime(exp)
          .sign(k);
      // The same claims, still valid: accepted (so the refusals below are about expiry and key).
      assert.equal((await whoamiWith(await sign(key, now - 60, now + 600))).code, 0);
      const expired = await sign(key, now - 7200, now - 3600);
      assert.equal((await call("POST", "/api/v1/namespaces/default/configmaps", { token: expired, body: attempt })).status, 401);
      assert.equal((await call("GET", "/healthz", { token: expired })).status, 401);
      const forged = await sign(generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey, now - 60, now + 600);
      assert.equal((await call("POST", "/api/v1/namespaces/default/configmaps", { token: forged, body: attempt })).status, 401);
      assert.equal((await kubectlRun(server, ["get", "configmap", "stranger"])).code, 1);
    });
  });
});

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
