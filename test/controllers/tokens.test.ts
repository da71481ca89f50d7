// The tokens controller, the root CA publisher and the token cleaner against the real API
// server (in-memory store), on a real clock (the cleaner's expiry) or none.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { InformerFactory, resource, resources, type Client } from "../../src/client/index.js";
import type { ConfigMap, Secret } from "../../src/api/index.js";
import { TokensController, type LegacyTokenClaims } from "../../src/controllers/serviceaccount/index.js";
import { RootCACertPublisher } from "../../src/controllers/rootcacertpublisher/index.js";
import { TokenCleaner } from "../../src/controllers/tokencleaner/index.js";
import { startTestApiServer, type TestApiServer } from "../harness/index.js";
import { eventually, getOrUndefined } from "./_controller-helpers.js";

const secrets = resource<Secret>("", "v1", "secrets", "Secret", true);
const configMaps = resource<ConfigMap>("", "v1", "configmaps", "ConfigMap", true);
const rootCA = "-----BEGIN CERTIFICATE-----\nMIIB-test\n-----END CERTIFICATE-----\n";
const b64 = (s: string) => Buffer.from(s).toString("base64");

describe("tokens controller, root CA publisher, token cleaner", () => {
  let server: TestApiServer;
  let client: Client;
  const signed: LegacyTokenClaims[] = [];
  const stop = new AbortController();
  let running: Promise<unknown>;

  before(async () => {
    server = await startTestApiServer({ store: "memory" });
    client = server.client;
    const informers = new InformerFactory({ client });
    const signToken = async (claims: LegacyTokenClaims) => {
      signed.push(claims);
      return `jwt-for-${claims.secretName}-${signed.length}`;
    };
    running = Promise.all([
      new TokensController({ client, informers, rootCA, signToken }).start(stop.signal),
      new RootCACertPublisher({ client, informers, rootCA }).start(stop.signal),
      new TokenCleaner({ client, informers }).start(stop.signal),
    ]);
    informers.start(stop.signal);
  });
  after(async () => {
    stop.abort();
    await running;
    await server.close();
  });

  it("fills a service-account-token Secret with token, ca.crt, namespace and the account's uid", async () => {
    await client.create(resources.namespaces, { metadata: { name: "tok" } });
    const sa = await client.create(resources.serviceaccounts, { metadata: { name: "robot", namespace: "tok" } });
    await client.create(secrets, { metadata: { name: "robot-token", namespace: "tok", annotations: { "kubernetes.io/service-account.name": "robot" } }, type: "kubernetes.io/service-account-token" });
    await eventually("token filled", async () => !!(await client.get(secrets, "robot-token", { namespace: "tok" })).data?.token);
    const secret = await client.get(secrets, "robot-token", { namespace: "tok" });
    assert.equal(secret.data?.token, b64("jwt-for-robot-token-1"));
    assert.equal(secret.data?.["ca.crt"], b64(rootCA));
    assert.equal(secret.data?.namespace, b64("tok"));
    assert.equal(secret.metadata.annotations?.["kubernetes.io/service-account.uid"], sa.metadata.uid);
    assert.deepEqual(signed[0], { namespace: "tok", secretName: "robot-token", serviceAccountName: "robot", serviceAccountUid: sa.metadata.uid });
    // A changed ca.crt is put back; the token is kept (not signed again).
    await client.update(secrets, { ...secret, data: { ...secret.data, "ca.crt": b64("tampered") } });
    await eventually("ca.crt restored", async () => (await client.get(secrets, "robot-token", { namespace: "tok" })).data?.["ca.crt"] === b64(rootCA));
    assert.equal((await client.get(secrets, "robot-token", { namespace: "tok" })).data?.token, b64("jwt-for-robot-token-1"));
    assert.equal(signed.length, 1);
  });

  it("deletes a token Secret whose account does not exist, and an account's Secrets when it is deleted", async () => {
    await client.create(secrets, { metadata: { name: "orphan", namespace: "tok", annotations: { "kubernetes.io/service-account.name": "nobody" } }, type: "kubernetes.io/service-account-token" });
    await eventually("orphan deleted", async () => !(await getOrUndefined(client, secrets, "orphan", "tok")));
    await client.create(resources.serviceaccounts, { metadata: { name: "temp", namespace: "tok" } });
    await client.create(secrets, { metadata: { name: "temp-token", namespace: "tok", annotations: { "kubernetes.io/service-account.name": "temp" } }, type: "kubernetes.io/service-account-token" });
    await eventually("temp-token filled", async () => !!(await getOrUndefined(client, secrets, "temp-token", "tok"))?.data?.token);
    await client.delete(resources.serviceaccounts, "temp", { namespace: "tok" });
    await eventually("temp-token deleted with its account", async () => !(await getOrUndefined(client, secrets, "temp-token", "tok")));
    // Other Secrets are left alone.
    await client.create(secrets, { metadata: { name: "plain", namespace: "tok" }, data: { a: b64("1") } });
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual((await client.get(secrets, "plain", { namespace: "tok" })).data, { a: b64("1") });
  });

  it("publishes kube-root-ca.crt in every namespace and puts it back when deleted or changed", async () => {
    await client.create(resources.namespaces, { metadata: { name: "ca-ns" } });
    for (const ns of ["default", "kube-system", "ca-ns"]) {
      await eventually(`${ns} has kube-root-ca.crt`, async () => (await getOrUndefined(client, configMaps, "kube-root-ca.crt", ns))?.data?.["ca.crt"] === rootCA);
    }
    const cm = await client.get(configMaps, "kube-root-ca.crt", { namespace: "ca-ns" });
    assert.match(cm.metadata.annotations?.["kubernetes.io/description"] ?? "", /CA bundle/);
    await client.update(configMaps, { ...cm, data: { "ca.crt": "other" } });
    await eventually("restored", async () => (await client.get(configMaps, "kube-root-ca.crt", { namespace: "ca-ns" })).data?.["ca.crt"] === rootCA);
    await client.delete(configMaps, "kube-root-ca.crt", { namespace: "ca-ns" });
    await eventually("re-created", async () => (await getOrUndefined(client, configMaps, "kube-root-ca.crt", "ca-ns"))?.data?.["ca.crt"] === rootCA);
  });

  it("removes a bootstrap token Secret once its expiration passes, and keeps one without expiration", async () => {
    const token = (id: string, expiration?: string) => ({
      metadata: { name: `bootstrap-token-${id}`, namespace: "kube-system" },
      type: "bootstrap.kubernetes.io/token",
      stringData: { "token-id": id, "token-secret-sha256": "x", "usage-bootstrap-authentication": "true", ...(expiration ? { expiration } : {}) },
    });
    await client.create(secrets, token("aaaaaa", new Date(Date.now() + 1500).toISOString()));
    await client.create(secrets, token("bbbbbb"));
    assert.ok(await getOrUndefined(client, secrets, "bootstrap-token-aaaaaa", "kube-system"), "not yet expired");
    await eventually("expired token removed", async () => !(await getOrUndefined(client, secrets, "bootstrap-token-aaaaaa", "kube-system")));
    assert.ok(await getOrUndefined(client, secrets, "bootstrap-token-bbbbbb", "kube-system"));
  });
});
