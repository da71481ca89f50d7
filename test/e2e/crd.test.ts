// End to end: a CustomResourceDefinition with a CEL rule, printer columns and the status
// and scale subresources, driven by the official kubectl 1.35 against the real `k8ts server`.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { startK8tsServer, type K8tsServerProcess } from "../harness/index.js";
import { kubectlJson, kubectlOk, kubectlRun, needsKubectl, tableRows, type KubeObject } from "./_fixtures.js";

const crdYaml = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: crontabs.stable.example.com
spec:
  group: stable.example.com
  scope: Namespaced
  names:
    plural: crontabs
    singular: crontab
    kind: CronTab
    shortNames: [ct]
  versions:
  - name: v1
    served: true
    storage: true
    subresources:
      status: {}
      scale:
        specReplicasPath: .spec.replicas
        statusReplicasPath: .status.replicas
    additionalPrinterColumns:
    - name: Spec
      type: string
      description: The cron spec defining the interval a CronJob is run
      jsonPath: .spec.cronSpec
    - name: Replicas
      type: integer
      jsonPath: .spec.replicas
    - name: Phase
      type: string
      jsonPath: .status.phase
    - name: Age
      type: date
      jsonPath: .metadata.creationTimestamp
    schema:
      openAPIV3Schema:
        type: object
        description: CronTab runs an image on a schedule.
        properties:
          spec:
            type: object
            description: The schedule and what to run.
            x-kubernetes-validations:
            - rule: self.replicas <= self.maxReplicas
              message: replicas must not exceed maxReplicas
            required: [cronSpec]
            properties:
              cronSpec:
                type: string
                description: When to run, in cron format.
              image:
                type: string
              replicas:
                type: integer
                default: 1
              maxReplicas:
                type: integer
                default: 5
          status:
            type: object
            properties:
              phase:
                type: string
              replicas:
                type: integer
`;

const cronTab = (replicas: number) => `apiVersion: stable.example.com/v1
kind: CronTab
metadata:
  name: nightly
spec:
  cronSpec: "0 3 * * *"
  image: busybox
  replicas: ${replicas}
`;

describe("CustomResourceDefinitions with kubectl", needsKubectl, () => {
  let server: K8tsServerProcess;

  before(async () => {
    server = await startK8tsServer();
  });
  after(async () => {
    await server.stop();
    await server.cleanup();
  });

  it("creates a CRD that becomes Established and shows in api-resources and explain", async () => {
    await kubectlOk(server, ["apply", "-f", "-"], { stdin: crdYaml });
    await kubectlOk(server, ["wait", "--for=condition=Established", "crd/crontabs.stable.example.com", "--timeout=20s"]);
    const crd = await kubectlJson(server, ["get", "crd", "crontabs.stable.example.com"]);
    assert.deepEqual(crd.status.acceptedNames.shortNames, ["ct"]);
    assert.deepEqual(crd.status.storedVersions, ["v1"]);
    const resources = await kubectlOk(server, ["api-resources", "--api-group=stable.example.com", "--no-headers"]);
    assert.match(resources, /^crontabs\s+ct\s+stable\.example\.com\/v1\s+true\s+CronTab$/m);
    const explain = await kubectlOk(server, ["explain", "crontab.spec"]);
    assert.match(explain, /KIND:\s+CronTab/);
    assert.match(explain, /The schedule and what to run\./);
    assert.match(explain, /cronSpec\s+<string> -required-/);
    assert.match(explain, /When to run, in cron format\./);
  });

  it("applies an object, defaults it, and prints its columns", async () => {
    assert.match(await kubectlOk(server, ["apply", "-f", "-"], { stdin: cronTab(2) }), /crontab.stable.example.com\/nightly created/);
    const ct = await kubectlJson(server, ["get", "ct", "nightly"]);
    assert.equal(ct.spec.maxReplicas, 5);
    const rows = tableRows(await kubectlOk(server, ["get", "crontabs"]));
    assert.deepEqual(rows[0], ["NAME", "SPEC", "REPLICAS", "PHASE", "AGE"]);
    assert.deepEqual(rows[1].slice(0, 3), ["nightly", "0 3 * * *", "2"]);
    assert.match(await kubectlOk(server, ["apply", "-f", "-"], { stdin: cronTab(3) }), /configured/);
    assert.equal((await kubectlJson(server, ["get", "ct", "nightly"])).spec.replicas, 3);
  });

  it("patches objects and refuses a CEL rule violation with its message", async () => {
    await kubectlOk(server, ["patch", "ct", "nightly", "--type=merge", "-p", '{"spec":{"image":"nginx"}}']);
    await kubectlOk(server, ["patch", "ct", "nightly", "--type=json", "-p", '[{"op":"replace","path":"/spec/replicas","value":4}]']);
    const ct = await kubectlJson(server, ["get", "ct", "nightly"]);
    assert.deepEqual([ct.spec.image, ct.spec.replicas], ["nginx", 4]);
    const bad = await kubectlRun(server, ["patch", "ct", "nightly", "--type=merge", "-p", '{"spec":{"replicas":9}}']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /The CronTab "nightly" is invalid: spec: Invalid value: "object": replicas must not exceed maxReplicas/);
    assert.equal((await kubectlJson(server, ["get", "ct", "nightly"])).spec.replicas, 4);
    const strategic = await kubectlRun(server, ["patch", "ct", "nightly", "-p", '{"spec":{"replicas":3}}']);
    assert.match(strategic.stderr, /application\/strategic-merge-patch\+json is not supported by stable\.example\.com\/v1, Kind=CronTab: the body of the request was in an unknown format - accepted media types include: application\/json-patch\+json, application\/merge-patch\+json, application\/apply-patch\+yaml/);
    const wrongType = await kubectlRun(server, ["patch", "ct", "nightly", "--type=merge", "-p", '{"spec":{"replicas":"many"}}']);
    assert.match(wrongType.stderr, /spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"/);
    const strict = await kubectlRun(server, ["apply", "-f", "-"], { stdin: cronTab(2).replace("image: busybox", "image: busybox\n  bogus: 1") });
    assert.notEqual(strict.code, 0);
    assert.match(strict.stderr, /unknown field "spec.bogus"/);
  });

  it("changes status only through the status subresource, and scales through scale", async () => {
    await kubectlOk(server, ["patch", "ct", "nightly", "--subresource=status", "--type=merge", "-p", '{"spec":{"replicas":1},"status":{"phase":"Running","replicas":4}}']);
    let ct: KubeObject = await kubectlJson(server, ["get", "ct", "nightly"]);
    assert.deepEqual([ct.spec.replicas, ct.status.phase], [4, "Running"]);
    await kubectlOk(server, ["patch", "ct", "nightly", "--type=merge", "-p", '{"status":{"phase":"Lost"}}']);
    ct = await kubectlJson(server, ["get", "ct", "nightly"]);
    assert.equal(ct.status.phase, "Running");
    assert.deepEqual(tableRows(await kubectlOk(server, ["get", "ct", "nightly", "--no-headers"]))[0].slice(0, 4), ["nightly", "0 3 * * *", "4", "Running"]);
    await kubectlOk(server, ["scale", "ct", "nightly", "--replicas=2"]);
    assert.equal((await kubectlJson(server, ["get", "ct", "nightly"])).spec.replicas, 2);
  });

  it("edits an object with kubectl edit", async () => {
    await kubectlOk(server, ["edit", "ct", "nightly"], { env: { EDITOR: "sed -i s/nginx/httpd/" } });
    assert.equal((await kubectlJson(server, ["get", "ct", "nightly"])).spec.image, "httpd");
  });

  it("serves stored CRDs again after a restart", async () => {
    await server.stop();
    server = await startK8tsServer({ dataDir: server.dataDir });
    assert.equal((await kubectlJson(server, ["get", "ct", "nightly"])).spec.image, "httpd");
  });

  it("deletes the objects with the CRD, then the resource", async () => {
    await kubectlOk(server, ["create", "namespace", "other"]);
    await kubectlOk(server, ["apply", "-n", "other", "-f", "-"], { stdin: cronTab(1) });
    await kubectlOk(server, ["delete", "crd", "crontabs.stable.example.com", "--timeout=30s"]);
    const gone = await kubectlRun(server, ["get", "crontabs", "-A"]);
    assert.notEqual(gone.code, 0);
    // kubectl names the resource from its discovery cache or not at all; either way the server no longer serves it.
    assert.match(gone.stderr, /the server doesn't have a resource type "crontabs"|the server could not find the requested resource/);
    // Recreated, the resource starts empty: the old objects went with the CRD.
    await kubectlOk(server, ["apply", "-f", "-"], { stdin: crdYaml });
    await kubectlOk(server, ["wait", "--for=condition=Established", "crd/crontabs.stable.example.com", "--timeout=20s"]);
    assert.equal((await kubectlJson(server, ["get", "crontabs", "-A"])).items?.length, 0);
  });
});
