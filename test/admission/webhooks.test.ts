// Admission webhooks against a real in-process API server and an HTTPS webhook server
// in this process: configuration defaults and validation, what the AdmissionReview
// carries, denials, failure policies, mutation with JSONPatch and reinvocation,
// selectors and matchConditions, Service resolution, dry run, and the exemption of the
// configurations themselves.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import type { ConfigMap, KubeObject, MutatingWebhookConfiguration, ValidatingWebhook, ValidatingWebhookConfiguration } from "../../src/api/index.js";
import { resource, resources } from "../../src/client/index.js";
import { isApiError } from "../../src/machinery/index.js";
import { admissionAnswer, startTestApiServer, startWebhookServer, type TestApiServer, type WebhookServer } from "../harness/index.js";
import type { Client } from "../../src/client/index.js";

const validating = resource<ValidatingWebhookConfiguration>("admissionregistration.k8s.io", "v1", "validatingwebhookconfigurations", "ValidatingWebhookConfiguration", false);
const mutating = resource<MutatingWebhookConfiguration>("admissionregistration.k8s.io", "v1", "mutatingwebhookconfigurations", "MutatingWebhookConfiguration", false);

interface Review {
  apiVersion: string;
  request: {
    uid: string;
    kind: { group: string; version: string; kind: string };
    resource: { group: string; version: string; resource: string };
    name?: string;
    namespace?: string;
    operation: string;
    userInfo: { username: string; groups: string[] };
    object: KubeObject | null;
    oldObject: KubeObject | null;
    dryRun: boolean;
    options?: { kind: string };
  };
}

function configMap(name: string, data: Record<string, string> = {}, labels?: Record<string, string>, namespace = "hooks"): ConfigMap {
  return { apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace, labels }, data };
}

async function createNamespace(client: Client, name: string, labels: Record<string, string>): Promise<void> {
  await client.create(resources.namespaces, { apiVersion: "v1", kind: "Namespace", metadata: { name, labels } });
}

async function eventually<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function expectStatus(fn: () => Promise<unknown>, code: number, message: string | RegExp): Promise<void> {
  await assert.rejects(fn, (err: unknown) => {
    assert.ok(isApiError(err), String(err));
    assert.equal(err.code, code, err.message);
    if (typeof message === "string") assert.equal(err.message, message);
    else assert.match(err.message, message);
    return true;
  });
}

describe("admission webhooks", () => {
  let api: TestApiServer;
  let hook: WebhookServer;
  // What the webhook server answers; tests replace it.
  let answer: (review: Review, path: string) => unknown = (r) => admissionAnswer(r, { allowed: true });

  before(async () => {
    api = await startTestApiServer({ store: "memory" });
    hook = await startWebhookServer((body, path) => answer(body as Review, path));
    await createNamespace(api.client, "hooks", { team: "a" });
    await createNamespace(api.client, "other", { team: "b" });
  });

  after(async () => {
    await hook?.close();
    await api?.close();
  });

  beforeEach(async () => {
    answer = (r) => admissionAnswer(r, { allowed: true });
    for (const c of (await api.client.list(validating)).items) await api.client.delete(validating, c.metadata.name!);
    for (const c of (await api.client.list(mutating)).items) await api.client.delete(mutating, c.metadata.name!);
    hook.received.length = 0;
  });

  function webhook(name: string, extra: Partial<ValidatingWebhook> = {}): ValidatingWebhook {
    return {
      name,
      clientConfig: { url: `${hook.url}/${name}`, caBundle: hook.caBundle },
      rules: [{ operations: ["CREATE", "UPDATE", "DELETE"], apiGroups: [""], apiVersions: ["v1"], resources: ["configmaps"] }],
      sideEffects: "None",
      admissionReviewVersions: ["v1"],
      ...extra,
    };
  }

  /** Creates a validating configuration and waits until the server calls it (a probe object in namespace hooks). */
  async function install(kind: "validating" | "mutating", webhooks: ValidatingWebhook[], probe = true): Promise<void> {
    const res = kind === "validating" ? validating : mutating;
    await api.client.create(res, { apiVersion: "admissionregistration.k8s.io/v1", kind: kind === "validating" ? "ValidatingWebhookConfiguration" : "MutatingWebhookConfiguration", metadata: { name: "test-config" }, webhooks });
    if (!probe) return;
    const before = hook.received.length;
    await eventually("the webhook configuration to be in force", async () => {
      await api.client.create(resources.configmaps, configMap(`probe-${Math.random().toString(36).slice(2, 8)}`)).catch(() => undefined);
      return hook.received.length > before;
    });
    hook.received.length = 0;
  }

  it("defaults a configuration as upstream and refuses invalid ones naming the fields", async () => {
    const created = await api.client.create(mutating, {
      apiVersion: "admissionregistration.k8s.io/v1",
      kind: "MutatingWebhookConfiguration",
      metadata: { name: "defaults" },
      webhooks: [{ name: "d.k8ts.test", clientConfig: { service: { namespace: "hooks", name: "svc" } }, rules: [{ operations: ["CREATE"], apiGroups: [""], apiVersions: ["v1"], resources: ["pods"] }], sideEffects: "None", admissionReviewVersions: ["v1"] }],
    });
    const w = created.webhooks![0]!;
    assert.deepEqual(
      [w.failurePolicy, w.matchPolicy, w.timeoutSeconds, w.reinvocationPolicy, w.namespaceSelector, w.objectSelector, w.rules![0]!.scope, w.clientConfig.service!.port],
      ["Fail", "Equivalent", 10, "Never", {}, {}, "*", 443],
    );
    await api.client.delete(mutating, "defaults");

    await expectStatus(
      () =>
        api.client.create(validating, {
          apiVersion: "admissionregistration.k8s.io/v1",
          kind: "ValidatingWebhookConfiguration",
          metadata: { name: "bad" },
          webhooks: [
            { name: "short", clientConfig: { url: "http://x.example/h", service: { namespace: "a", name: "b" } }, sideEffects: "Some", timeoutSeconds: 31, admissionReviewVersions: ["v2"], rules: [{ operations: ["CREATE", "*"], apiGroups: [], apiVersions: ["v1"], resources: ["pods"] }] },
          ],
        }),
      422,
      /ValidatingWebhookConfiguration.admissionregistration.k8s.io "bad" is invalid: \[webhooks\[0\]\.name: Invalid value: "short": should be a domain with at least three segments separated by dots, webhooks\[0\]\.rules\[0\]\.operations: Invalid value: .*if '\*' is present, must not specify other operations, webhooks\[0\]\.rules\[0\]\.apiGroups: Required value, webhooks\[0\]\.sideEffects: Unsupported value: "Some": supported values: "None", "NoneOnDryRun", webhooks\[0\]\.timeoutSeconds: Invalid value: 31: the timeout value must be between 1 and 30 seconds, webhooks\[0\]\.admissionReviewVersions: Invalid value: \["v2"\]: must include at least one of v1, v1beta1, webhooks\[0\]\.clientConfig: Required value: exactly one of url or service is required\]/,
    );
    assert.equal((await api.client.list(validating)).items.length, 0, "nothing stored");
  });

  it("a validating webhook gets an upstream-shaped AdmissionReview and its denial refuses the write with a 403 naming it", async () => {
    answer = (r) => (r.request.object?.metadata.labels?.["deny"] ? admissionAnswer(r, { allowed: false, message: "labelled deny" }) : admissionAnswer(r, { allowed: true }));
    await install("validating", [webhook("deny.k8ts.test")]);
    await expectStatus(() => api.httpClient.create(resources.configmaps, configMap("refused", {}, { deny: "yes" })), 403, `configmaps "refused" is forbidden: admission webhook "deny.k8ts.test" denied the request: labelled deny`);
    await assert.rejects(() => api.client.get(resources.configmaps, "refused", { namespace: "hooks" }), (e: unknown) => isApiError(e) && e.code === 404);

    await api.httpClient.create(resources.configmaps, configMap("allowed", { a: "1" }));
    const review = hook.received.at(-1)!.body as Review;
    assert.equal(hook.received.at(-1)!.path, "/deny.k8ts.test?timeout=10s");
    assert.equal(review.apiVersion, "admission.k8s.io/v1");
    assert.match(review.request.uid, /^[0-9a-f-]{36}$/);
    assert.deepEqual(review.request.kind, { group: "", version: "v1", kind: "ConfigMap" });
    assert.deepEqual(review.request.resource, { group: "", version: "v1", resource: "configmaps" });
    assert.equal(review.request.operation, "CREATE");
    assert.equal(review.request.namespace, "hooks");
    assert.equal(review.request.name, "allowed");
    assert.equal(review.request.userInfo.username, "kubernetes-admin");
    assert.ok(review.request.userInfo.groups.includes("system:masters"));
    assert.deepEqual((review.request.object as ConfigMap).data, { a: "1" });
    assert.equal(review.request.oldObject, null);
    assert.equal(review.request.options?.kind, "CreateOptions");

    // Updates carry the old object; deletes the old object and no object.
    const cm = await api.client.get(resources.configmaps, "allowed", { namespace: "hooks" });
    await api.client.update(resources.configmaps, { ...cm, data: { a: "2" } });
    const update = hook.received.at(-1)!.body as Review;
    assert.equal(update.request.operation, "UPDATE");
    assert.deepEqual([(update.request.object as ConfigMap).data, (update.request.oldObject as ConfigMap).data], [{ a: "2" }, { a: "1" }]);
    await api.client.delete(resources.configmaps, "allowed", { namespace: "hooks" });
    const del = hook.received.at(-1)!.body as Review;
    assert.deepEqual([del.request.operation, del.request.object, (del.request.oldObject as ConfigMap).data, del.request.options?.kind], ["DELETE", null, { a: "2" }, "DeleteOptions"]);

    // A denial with its own code keeps it; no message says so.
    answer = (r) => admissionAnswer(r, { allowed: false, code: 422 });
    await expectStatus(() => api.client.create(resources.configmaps, configMap("coded")), 422, `configmaps "coded" is forbidden: admission webhook "deny.k8ts.test" denied the request without explanation`);
  });

  it("failurePolicy Fail refuses writes while the webhook is unreachable (500); Ignore lets them through", async () => {
    const down = { name: "down.k8ts.test", clientConfig: { url: "https://127.0.0.1:1/down", caBundle: hook.caBundle }, timeoutSeconds: 2 };
    await install("validating", [webhook("fail.k8ts.test", { ...down, name: "fail.k8ts.test" })], false);
    await eventually("the Fail webhook to refuse", async () => {
      try {
        await api.client.create(resources.configmaps, configMap(`f-${Date.now()}`));
        return false;
      } catch (err) {
        assert.ok(isApiError(err));
        assert.equal(err.code, 500);
        assert.match(err.message, /^Internal error occurred: failed calling webhook "fail\.k8ts\.test": failed to call webhook: Post "https:\/\/127\.0\.0\.1:1\/down\?timeout=2s": .*ECONNREFUSED/);
        return true;
      }
    });
    await api.client.delete(validating, "test-config");
    await install("validating", [webhook("ignore.k8ts.test", { ...down, name: "ignore.k8ts.test", failurePolicy: "Ignore" })], false);
    await new Promise((r) => setTimeout(r, 200));
    const made = await api.client.create(resources.configmaps, configMap("through"));
    assert.equal(made.metadata.name, "through");
  });

  it("a mutating webhook's JSONPatch is applied, and an IfNeeded webhook is called again after a later one changed the object", async () => {
    const calls: string[] = [];
    answer = (r, path) => {
      const name = path.split("?")[0]!.slice(1);
      calls.push(name);
      const labels = r.request.object?.metadata.labels ?? {};
      if (name === "a.k8ts.test") return admissionAnswer(r, { allowed: true, patch: [{ op: "add", path: "/metadata/labels/seen-a", value: labels["seen-b"] ? "after-b" : "first" }] });
      return admissionAnswer(r, { allowed: true, patch: labels["seen-b"] ? [] : [{ op: "add", path: "/metadata/labels/seen-b", value: "yes" }] });
    };
    await install("mutating", [
      webhook("a.k8ts.test", { reinvocationPolicy: "IfNeeded" } as Partial<ValidatingWebhook>),
      webhook("b.k8ts.test"),
    ]);
    calls.length = 0;
    const made = await api.client.create(resources.configmaps, configMap("mutated", {}, { app: "x" }));
    assert.deepEqual(made.metadata.labels, { app: "x", "seen-a": "after-b", "seen-b": "yes" });
    assert.deepEqual(calls, ["a.k8ts.test", "b.k8ts.test", "a.k8ts.test"]);
  });

  it("namespaceSelector, objectSelector and matchConditions choose which requests are sent", async () => {
    await install("validating", [
      webhook("scoped.k8ts.test", {
        namespaceSelector: { matchLabels: { team: "a" } },
        objectSelector: { matchExpressions: [{ key: "skip", operator: "DoesNotExist" }] },
        matchConditions: [{ name: "not-excluded", expression: "!has(object.data) || !('excluded' in object.data)" }],
      }),
    ]);
    const count = () => hook.received.length;
    await api.client.create(resources.configmaps, configMap("sent"));
    assert.equal(count(), 1);
    await api.client.create(resources.configmaps, configMap("other-ns", {}, undefined, "other"));
    await api.client.create(resources.configmaps, configMap("skipped", {}, { skip: "1" }));
    await api.client.create(resources.configmaps, configMap("excluded", { excluded: "1" }));
    assert.equal(count(), 1, "namespace, object selector and match condition all excluded");
  });

  it("a webhook behind a Service is reached at a ready endpoint, verified as <name>.<namespace>.svc", async () => {
    await api.client.create(resources.services, { apiVersion: "v1", kind: "Service", metadata: { name: "webhook", namespace: "default" }, spec: { ports: [{ name: "https", port: 443, targetPort: hook.port }] } });
    await api.client.create(resources.endpointslices, {
      apiVersion: "discovery.k8s.io/v1",
      kind: "EndpointSlice",
      metadata: { name: "webhook-1", namespace: "default", labels: { "kubernetes.io/service-name": "webhook" } },
      addressType: "IPv4",
      endpoints: [{ addresses: ["127.0.0.1"], conditions: { ready: true } }],
      ports: [{ name: "https", port: hook.port, protocol: "TCP" }],
    });
    answer = (r) => admissionAnswer(r, { allowed: false, message: "via service" });
    await install("validating", [webhook("svc.k8ts.test", { clientConfig: { service: { namespace: "default", name: "webhook", path: "/svc" }, caBundle: hook.caBundle } })], false);
    await eventually("the Service-backed webhook to deny", async () => {
      try {
        await api.client.create(resources.configmaps, configMap(`s-${Date.now()}`));
        return false;
      } catch (err) {
        return isApiError(err) && err.code === 403 && /admission webhook "svc\.k8ts\.test" denied the request: via service/.test(err.message);
      }
    });
    assert.equal(hook.received.at(-1)!.path, "/svc?timeout=10s");
  });

  it("dry-run requests reach only webhooks without side effects, and say they are dry runs", async () => {
    await install("validating", [webhook("dry.k8ts.test", { sideEffects: "NoneOnDryRun" })]);
    await api.client.create(resources.configmaps, configMap("dry"), { dryRun: true });
    assert.equal((hook.received.at(-1)!.body as Review).request.dryRun, true);
    await assert.rejects(() => api.client.get(resources.configmaps, "dry", { namespace: "hooks" }), (e: unknown) => isApiError(e) && e.code === 404);
  });

  it("never sends the webhook configurations themselves, so a webhook refusing everything can still be removed", async () => {
    answer = (r) => admissionAnswer(r, { allowed: false, message: "no" });
    await install("validating", [webhook("all.k8ts.test", { rules: [{ operations: ["*"], apiGroups: ["*"], apiVersions: ["*"], resources: ["*/*"] }] })]);
    await expectStatus(() => api.client.create(resources.configmaps, configMap("blocked")), 403, /denied the request: no/);
    await api.client.delete(validating, "test-config");
    await eventually("writes to flow again", async () => {
      try {
        await api.client.create(resources.configmaps, configMap(`free-${Date.now()}`));
        return true;
      } catch {
        return false;
      }
    });
  });
});
