// ValidatingAdmissionPolicy against a real in-process API server: policy and binding
// validation, Deny/Warn actions, params, variables, matchConditions, messageExpression,
// reasons, failurePolicy, namespaceObject and exclusions.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import type { Deployment, KubeObject, ValidatingAdmissionPolicy, ValidatingAdmissionPolicyBinding } from "../../src/api/index.js";
import { resource, resources } from "../../src/client/index.js";
import { systemUser } from "../../src/apiserver/index.js";
import { isApiError } from "../../src/machinery/index.js";
import { startTestApiServer, type TestApiServer } from "../harness/index.js";

const policies = resource<ValidatingAdmissionPolicy>("admissionregistration.k8s.io", "v1", "validatingadmissionpolicies", "ValidatingAdmissionPolicy", false);
const bindings = resource<ValidatingAdmissionPolicyBinding>("admissionregistration.k8s.io", "v1", "validatingadmissionpolicybindings", "ValidatingAdmissionPolicyBinding", false);

function deployment(name: string, replicas: number, namespace = "vap", labels: Record<string, string> = {}): Deployment {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, namespace, labels },
    spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: "c", image: "busybox" }] } } },
  };
}

const deploymentRules = [{ operations: ["CREATE", "UPDATE"], apiGroups: ["apps"], apiVersions: ["v1"], resources: ["deployments"] }];

function policy(name: string, spec: ValidatingAdmissionPolicy["spec"]): ValidatingAdmissionPolicy {
  return { apiVersion: "admissionregistration.k8s.io/v1", kind: "ValidatingAdmissionPolicy", metadata: { name }, spec: { matchConstraints: { resourceRules: deploymentRules }, ...spec } };
}

function binding(name: string, policyName: string, spec: Partial<NonNullable<ValidatingAdmissionPolicyBinding["spec"]>> = {}): ValidatingAdmissionPolicyBinding {
  return { apiVersion: "admissionregistration.k8s.io/v1", kind: "ValidatingAdmissionPolicyBinding", metadata: { name }, spec: { policyName, validationActions: ["Deny"], ...spec } };
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

describe("ValidatingAdmissionPolicy", () => {
  let api: TestApiServer;

  before(async () => {
    api = await startTestApiServer({ store: "memory" });
    await api.client.create(resources.namespaces, { apiVersion: "v1", kind: "Namespace", metadata: { name: "vap", labels: { env: "prod" } } });
    await api.client.create(resources.namespaces, { apiVersion: "v1", kind: "Namespace", metadata: { name: "dev", labels: { env: "dev" } } });
  });
  after(async () => api?.close());

  beforeEach(async () => {
    for (const b of (await api.client.list(bindings)).items) await api.client.delete(bindings, b.metadata.name!);
    for (const p of (await api.client.list(policies)).items) await api.client.delete(policies, p.metadata.name!);
    for (const ns of ["vap", "dev"]) for (const d of (await api.client.list(resources.deployments, { namespace: ns })).items) await api.client.delete(resources.deployments, d.metadata.name!, { namespace: ns });
  });

  /** Installs a policy and binding, waiting until a probe deployment of `probeReplicas` is refused. */
  async function install(p: ValidatingAdmissionPolicy, b: ValidatingAdmissionPolicyBinding, probe?: Deployment): Promise<void> {
    await api.client.create(policies, p);
    await api.client.create(bindings, b);
    const deadline = Date.now() + 5000;
    for (;;) {
      if (!probe) {
        await new Promise((r) => setTimeout(r, 300));
        return;
      }
      try {
        await api.client.create(resources.deployments, probe, { dryRun: true });
      } catch (err) {
        if (isApiError(err) && /ValidatingAdmissionPolicy/.test(err.message)) return;
        throw err;
      }
      if (Date.now() > deadline) throw new Error("policy never took effect");
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  it("refuses invalid policies and bindings with upstream's field errors", async () => {
    await expectStatus(
      () => api.client.create(policies, { apiVersion: "admissionregistration.k8s.io/v1", kind: "ValidatingAdmissionPolicy", metadata: { name: "bad" }, spec: { failurePolicy: "Sometimes" as "Fail", validations: [{ expression: "object.spec.replicas <=" }, { expression: "true", reason: "Teapot" }] } }),
      422,
      /^ValidatingAdmissionPolicy.admissionregistration.k8s.io "bad" is invalid: \[spec.matchConstraints: Required value, spec.validations\[0\].expression: Invalid value: "object.spec.replicas <=": compilation failed: .+, spec.validations\[1\].reason: Unsupported value: "Teapot": supported values: "Unauthorized", "Forbidden", "Invalid", "RequestEntityTooLarge", spec.failurePolicy: Unsupported value: "Sometimes": supported values: "Fail", "Ignore"\]$/,
    );
    await expectStatus(
      () => api.client.create(bindings, { apiVersion: "admissionregistration.k8s.io/v1", kind: "ValidatingAdmissionPolicyBinding", metadata: { name: "bad" }, spec: { validationActions: ["Deny", "Warn"], paramRef: { name: "x", selector: {} } } }),
      422,
      /^ValidatingAdmissionPolicyBinding.admissionregistration.k8s.io "bad" is invalid: \[spec.policyName: Required value, spec.validationActions: Invalid value: .*must not contain both Deny and Warn.*, spec.paramRef.name: Forbidden: name and selector are mutually exclusive, spec.paramRef.parameterNotFoundAction: Required value\]$/,
    );
    assert.equal((await api.client.list(policies)).items.length + (await api.client.list(bindings)).items.length, 0);
  });

  it("Deny: a failed validation refuses the write with 422 and upstream's message; passing objects are admitted", async () => {
    await install(policy("max-replicas", { validations: [{ expression: "object.spec.replicas <= 5" }] }), binding("max-replicas-binding", "max-replicas"), deployment("probe", 9));
    await expectStatus(
      () => api.client.create(resources.deployments, deployment("big", 6)),
      422,
      `deployments.apps "big" is forbidden: ValidatingAdmissionPolicy 'max-replicas' with binding 'max-replicas-binding' denied request: failed expression: object.spec.replicas <= 5`,
    );
    const ok = await api.client.create(resources.deployments, deployment("small", 5));
    // Updates are checked too, against the new object.
    await expectStatus(() => api.client.update(resources.deployments, { ...ok, spec: { ...ok.spec!, replicas: 7 } }), 422, /denied request: failed expression/);
  });

  it("params from a ConfigMap, variables, messageExpression and a Forbidden reason", async () => {
    await api.client.create(resources.configmaps, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "limits", namespace: "vap" }, data: { max: "3" } });
    await install(
      policy("param-limit", {
        paramKind: { apiVersion: "v1", kind: "ConfigMap" },
        variables: [{ name: "max", expression: "int(params.data.max)" }],
        validations: [{ expression: "object.spec.replicas <= variables.max", messageExpression: "'replicas must be at most ' + string(variables.max)", reason: "Forbidden" }],
      }),
      binding("param-limit-binding", "param-limit", { paramRef: { name: "limits", namespace: "vap", parameterNotFoundAction: "Deny" } }),
      deployment("probe", 9),
    );
    await expectStatus(() => api.client.create(resources.deployments, deployment("four", 4)), 403, `deployments.apps "four" is forbidden: ValidatingAdmissionPolicy 'param-limit' with binding 'param-limit-binding' denied request: replicas must be at most 3`);
    await api.client.create(resources.deployments, deployment("three", 3));
    // The param gone and parameterNotFoundAction Deny: refused under failurePolicy Fail.
    await api.client.delete(resources.configmaps, "limits", { namespace: "vap" });
    await expectStatus(() => api.client.create(resources.deployments, deployment("one", 1)), 422, /denied request: failed to configure binding: no params found for policy binding with `Deny` parameterNotFoundAction/);
  });

  it("Warn: the write goes through with a Warning header", async () => {
    await install(policy("warn-replicas", { validations: [{ expression: "object.spec.replicas <= 2", message: "more than two replicas" }] }), binding("warn-binding", "warn-replicas", { validationActions: ["Warn"] }));
    const res = await api.handler({ method: "POST", path: "/apis/apps/v1/namespaces/vap/deployments", query: {}, body: deployment("warned", 4), user: systemUser });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const warning = [res.headers?.["Warning"] ?? res.headers?.["warning"]].flat().join("\n");
    assert.match(warning, /Validation failed for ValidatingAdmissionPolicy 'warn-replicas' with binding 'warn-binding': more than two replicas/);
  });

  it("matchConditions, namespaceObject and binding matchResources narrow what is checked", async () => {
    await install(
      policy("prod-only", {
        matchConditions: [{ name: "not-exempt", expression: "!('exempt' in object.metadata.labels)" }],
        validations: [{ expression: "namespaceObject.metadata.labels.env != 'prod' || object.spec.replicas >= 2", message: "prod needs two replicas" }],
      }),
      binding("prod-only-binding", "prod-only", { matchResources: { namespaceSelector: { matchExpressions: [{ key: "env", operator: "In", values: ["prod", "dev"] }] } } }),
      deployment("probe", 1),
    );
    await expectStatus(() => api.client.create(resources.deployments, deployment("lonely", 1)), 422, /denied request: prod needs two replicas/);
    await api.client.create(resources.deployments, deployment("exempt", 1, "vap", { exempt: "yes" }));
    await api.client.create(resources.deployments, deployment("dev-one", 1, "dev"));
  });

  it("an expression error refuses under failurePolicy Fail and is ignored under Ignore", async () => {
    await install(policy("broken", { validations: [{ expression: "object.spec.nothing == 1" }] }), binding("broken-binding", "broken"), deployment("probe", 1));
    await expectStatus(() => api.client.create(resources.deployments, deployment("x", 1)), 422, /denied request: expression 'object.spec.nothing == 1' resulted in error: /);
    const p = await api.client.get(policies, "broken");
    await api.client.update(policies, { ...p, spec: { ...p.spec, failurePolicy: "Ignore" } });
    const deadline = Date.now() + 5000;
    for (;;) {
      try {
        const made: KubeObject = await api.client.create(resources.deployments, deployment("y", 1));
        assert.equal(made.metadata.name, "y");
        break;
      } catch (err) {
        if (Date.now() > deadline) throw err;
        await new Promise((r) => setTimeout(r, 25));
      }
    }
  });
});
