// Bad input against the real `k8ts server` over HTTPS, with raw requests so the test
// controls every byte: each is answered with an upstream-shaped Status and changes
// nothing; then a thousand and more seeded mutations of valid bodies, none of which may
// get a 5xx or a dropped connection. Replay a mutation run with MUTATION_SEED=<n>.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { startK8tsServer, type K8tsServerProcess } from "../harness/index.js";
import { prng, rawClient, statusProblem, type RawClient, type RawResponse, type StatusBody } from "./_raw-https.js";
import { samples, type JsonObject } from "./_bodies.js";
import { mutate, type Mutated } from "./_mutate.js";

const cms = "/api/v1/namespaces/default/configmaps";
const pods = "/api/v1/namespaces/default/pods";

function configMap(name: string, extra: JsonObject = {}): JsonObject {
  return { apiVersion: "v1", kind: "ConfigMap", metadata: { name }, data: { a: "1" }, ...extra };
}

/**
 * What a list of every kind the tests write shows. The controllers of k8ts server keep
 * writing in the background (status of Deployments, pods of ReplicaSets, ServiceAccounts
 * of new namespaces), so the global revision moves on its own: compare each object's own
 * resourceVersion where no controller writes (ConfigMaps, Services), and the names of the
 * objects nobody owns elsewhere.
 */
async function snapshot(c: RawClient): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const [path, withVersions] of [
    ["/api/v1/configmaps", true],
    ["/api/v1/services", true],
    ["/api/v1/pods", false],
    ["/apis/apps/v1/deployments", false],
  ] as const) {
    const r = await c.send("GET", path);
    assert.equal(r.status, 200, r.body.toString());
    const list = r.json as { items: { metadata: { namespace: string; name: string; resourceVersion: string; ownerReferences?: unknown[] } }[] };
    out[path] = list.items
      // The server's own objects (kube-system's kube-dns, made as it starts; the root CA publisher's
      // ConfigMap in each namespace, written whenever the controllers get to it) are not the test's.
      .filter((i) => !i.metadata.ownerReferences?.length && i.metadata.namespace !== "kube-system" && i.metadata.name !== "kube-root-ca.crt")
      .map((i) => `${i.metadata.namespace}/${i.metadata.name}${withVersions ? `@${i.metadata.resourceVersion}` : ""}`)
      .sort();
  }
  return out;
}

function assertStatus(res: RawResponse, code: number, reason: string): StatusBody {
  const problem = statusProblem(res, code);
  assert.equal(problem, undefined, `${problem}\n${res.body.toString("utf8").slice(0, 500)}`);
  const status = res.json as StatusBody;
  assert.equal(status.reason, reason, status.message);
  return status;
}

describe("bad input over HTTPS", () => {
  let server: K8tsServerProcess;
  let c: RawClient;

  before(async () => {
    server = await startK8tsServer({ extraArgs: ["--store", "sqlite"] });
    c = await rawClient(server.kubeconfig);
  });
  after(async () => {
    c?.close();
    await server?.kill();
    await server?.cleanup();
  });

  /** Runs `send`, then checks that what is stored is as before. */
  async function changesNothing(send: () => Promise<RawResponse>): Promise<RawResponse> {
    const before = await snapshot(c);
    const res = await send();
    assert.deepEqual(await snapshot(c), before, "a refused request changed what is stored");
    return res;
  }

  const postRaw = (path: string, body: string, contentType: string) => c.request({ method: "POST", path, body, headers: { "Content-Type": contentType } });

  it("answers malformed JSON with 400 BadRequest", async () => {
    const res = await changesNothing(() => postRaw(cms, '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"broken"', "application/json"));
    assertStatus(res, 400, "BadRequest");
  });

  it("answers malformed YAML (application/yaml) with 400 BadRequest", async () => {
    const res = await changesNothing(() => postRaw(cms, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: broken\n data: [\n", "application/yaml"));
    assertStatus(res, 400, "BadRequest");
  });

  it("accepts well-formed YAML (the YAML case above fails on syntax, not on media type)", async () => {
    const res = await postRaw(cms, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-yaml\ndata:\n  a: '1'\n", "application/yaml");
    assert.equal(res.status, 201, res.body.toString());
  });

  it("answers a body of an unknown kind with 400 naming the kind", async () => {
    const res = await changesNothing(() => c.send("POST", cms, configMap("unknown-kind", { kind: "Frobnicator" })));
    const status = assertStatus(res, 400, "BadRequest");
    assert.match(status.message, /Frobnicator/);
  });

  it("answers a body with the wrong apiVersion with 400 naming it", async () => {
    for (const apiVersion of ["apps/v1", "v2", "nonsense.example.com/v1"]) {
      const res = await changesNothing(() => c.send("POST", cms, configMap("wrong-version", { apiVersion })));
      const status = assertStatus(res, 400, "BadRequest");
      assert.ok(status.message.includes(apiVersion), status.message);
    }
  });

  it("answers an unknown resource path with 404 NotFound", async () => {
    for (const [method, path] of [
      ["POST", "/api/v1/namespaces/default/frobnicators"],
      ["GET", "/apis/nope.example.com/v1/things"],
      ["GET", "/api/v9/pods"],
      ["PUT", "/apis/apps/v1/namespaces/default/frobnicators/x"],
    ] as const) {
      const res = await changesNothing(() => c.send(method, path, method === "GET" ? undefined : configMap("x")));
      assertStatus(res, 404, "NotFound");
    }
  });

  it("answers a missing name with 422 Invalid naming metadata.name", async () => {
    const res = await changesNothing(() => c.send("POST", cms, { apiVersion: "v1", kind: "ConfigMap", metadata: {}, data: { a: "1" } }));
    const status = assertStatus(res, 422, "Invalid");
    assert.ok(status.details?.causes?.some((cause) => cause.field === "metadata.name"), JSON.stringify(status.details));
    assert.match(status.message, /metadata\.name: Required value/);
  });

  // Upstream's BeforeCreate runs the generic ObjectMeta validation only after the kind's
  // own validation passed, so "name or generateName is required" is reported once.
  it("reports a missing name once, as upstream does", async () => {
    const res = await c.send("POST", cms, { apiVersion: "v1", kind: "ConfigMap", metadata: {}, data: { a: "1" } });
    const status = assertStatus(res, 422, "Invalid");
    assert.equal(status.details?.causes?.filter((cause) => cause.field === "metadata.name").length, 1, JSON.stringify(status.details));
  });

  it("answers invalid names with 422 Invalid naming metadata.name", async () => {
    for (const name of ["Bad_Name!", "UPPER", "-leading", "a".repeat(254), "with space", "a/b"]) {
      const body = configMap(name);
      const res = await changesNothing(() => c.send("POST", cms, body));
      const status = assertStatus(res, 422, "Invalid");
      assert.ok(status.details?.causes?.some((cause) => cause.field === "metadata.name"), `${name}: ${JSON.stringify(status.details)}`);
    }
  });

  it("answers a duplicate create with 409 AlreadyExists and keeps the first object", async () => {
    assert.equal((await c.send("POST", cms, configMap("dup", { data: { a: "first" } }))).status, 201);
    const res = await changesNothing(() => c.send("POST", cms, configMap("dup", { data: { a: "second" } })));
    const status = assertStatus(res, 409, "AlreadyExists");
    assert.equal(status.message, 'configmaps "dup" already exists');
    assert.deepEqual(status.details && { name: status.details.name, kind: status.details.kind }, { name: "dup", kind: "configmaps" });
    const got = await c.send("GET", `${cms}/dup`);
    assert.deepEqual((got.json as { data: unknown }).data, { a: "first" });
  });

  it("answers a stale update with 409 Conflict and keeps the newer object", async () => {
    const created = (await c.send("POST", cms, configMap("stale", { data: { a: "1" } }))).json as JsonObject;
    const updated = await c.send("PUT", `${cms}/stale`, { ...created, data: { a: "2" } });
    assert.equal(updated.status, 200, updated.body.toString());
    const res = await changesNothing(() => c.send("PUT", `${cms}/stale`, { ...created, data: { a: "3" } }));
    const status = assertStatus(res, 409, "Conflict");
    assert.match(status.message, /^Operation cannot be fulfilled on configmaps "stale": the object has been modified/);
    const got = await c.send("GET", `${cms}/stale`);
    assert.deepEqual((got.json as { data: unknown }).data, { a: "2" });
  });

  it("answers unknown fields under fieldValidation=Strict with 400 naming each field", async () => {
    const res = await changesNothing(() => c.send("POST", `${cms}?fieldValidation=Strict`, configMap("strict", { bogusField: 1, data: { a: "1" } })));
    const status = assertStatus(res, 400, "BadRequest");
    assert.match(status.message, /unknown field "bogusField"/);
    const nested = await changesNothing(() =>
      c.send("POST", `${pods}?fieldValidation=Strict`, {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "strict-pod" },
        spec: { containers: [{ name: "c", image: "busybox", imagePullPolicyy: "Always" }] },
      }),
    );
    assert.match(assertStatus(nested, 400, "BadRequest").message, /unknown field "spec\.containers\[0\]\.imagePullPolicyy"/);
  });

  it("answers a body over 3 MiB with 413 RequestEntityTooLarge", async () => {
    const body = JSON.stringify(configMap("too-big", { data: { a: "x".repeat(3 * 1024 * 1024 + 1) } }));
    const res = await changesNothing(() => postRaw(cms, body, "application/json"));
    assertStatus(res, 413, "RequestEntityTooLarge");
    // Also when the client declares no length (chunked).
    const chunked = await changesNothing(() =>
      c.request({ method: "POST", path: cms, body, headers: { "Content-Type": "application/json", "Transfer-Encoding": "chunked" } }),
    );
    assertStatus(chunked, 413, "RequestEntityTooLarge");
  });

  it("answers wrong-type field values with 400 naming the field", async () => {
    const cases: [string, JsonObject, RegExp][] = [
      [cms, configMap("wt-data", { data: { a: 5 } }), /data\[a\]|data\.a/],
      [cms, configMap("wt-labels", { metadata: { name: "wt-labels", labels: "app=web" } }), /metadata\.labels/],
      [pods, { apiVersion: "v1", kind: "Pod", metadata: { name: "wt-pod" }, spec: { containers: "nope" } }, /spec\.containers/],
      [
        pods,
        { apiVersion: "v1", kind: "Pod", metadata: { name: "wt-port" }, spec: { containers: [{ name: "c", image: "x", ports: [{ containerPort: "eighty" }] }] } },
        /spec\.containers\[0\]\.ports\[0\]\.containerPort/,
      ],
      ["/apis/apps/v1/namespaces/default/deployments", { ...(samples[1].body("wt-deploy", "default") as JsonObject), spec: { replicas: "two" } }, /spec\.replicas/],
    ];
    for (const [path, body, field] of cases) {
      const res = await changesNothing(() => c.send("POST", path, body));
      assert.match(assertStatus(res, 400, "BadRequest").message, field);
    }
  });

  it("answers a bad label selector with 400", async () => {
    for (const selector of ["a in (b", "!!a", "a==b==c", "a notin b", "=x"]) {
      const res = await c.send("GET", `${cms}?labelSelector=${encodeURIComponent(selector)}`);
      assertStatus(res, 400, "BadRequest");
    }
    const res = await c.send("GET", `${cms}?fieldSelector=${encodeURIComponent("metadata.name")}`);
    assertStatus(res, 400, "BadRequest");
  });

  it("answers a bad resourceVersion on list and watch with 400", async () => {
    for (const query of ["resourceVersion=abc", "resourceVersion=-1", "watch=true&resourceVersion=abc", "resourceVersionMatch=Exact&resourceVersion=1x"]) {
      const res = await c.send("GET", `${cms}?${query}`);
      assertStatus(res, 400, "BadRequest");
    }
  });

  it("answers requests without a client certificate with 401 Unauthorized", async () => {
    for (const [method, body] of [
      ["GET", undefined],
      ["POST", JSON.stringify(configMap("anonymous"))],
    ] as const) {
      const res = await changesNothing(() => c.request({ method, path: cms, body, anonymous: true, headers: { "Content-Type": "application/json" } }));
      assertStatus(res, 401, "Unauthorized");
    }
    const badToken = await c.request({ method: "GET", path: cms, anonymous: true, headers: { Authorization: "Bearer not-a-token" } });
    assertStatus(badToken, 401, "Unauthorized");
  });

  it(
    "answers 1,000+ mutated bodies with a Status 4xx or a well-formed object, never a 5xx or a dropped connection",
    async (t) => {
    const seed = Number(process.env.MUTATION_SEED ?? 20240611);
    const count = Number(process.env.MUTATION_COUNT ?? 1200);
    const ns = "mutants";
    assert.equal((await c.send("POST", "/api/v1/namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name: ns } })).status, 201);
    // One target per kind for PUT and PATCH.
    for (const s of samples) {
      const res = await c.send("POST", s.collection(ns), s.body("target", ns));
      assert.equal(res.status, 201, `${s.kind}: ${res.body.toString()}`);
    }

    const byCode = new Map<number, number>();
    const created = new Map<string, Set<string>>(samples.map((s) => [s.kind, new Set(["target"])]));
    const failures: string[] = [];
    const timings: { ms: number; what: string }[] = [];
    const patchTypes = ["application/json-patch+json", "application/merge-patch+json", "application/strategic-merge-patch+json"];

    async function one(i: number): Promise<void> {
      const rand = prng(seed + i);
      const sample = samples[Math.floor(rand() * samples.length)];
      const roll = rand();
      const verb = roll < 0.6 ? "create" : roll < 0.75 ? "update" : "patch";
      const name = verb === "create" ? `m-${i}` : "target";
      let base: unknown = sample.body(name, ns);
      let contentType: string | undefined;
      if (verb === "patch") {
        contentType = patchTypes[Math.floor(rand() * patchTypes.length)];
        if (contentType === "application/json-patch+json") {
          base = [
            { op: "replace", path: "/metadata/labels/app", value: `v${i}` },
            { op: "add", path: "/metadata/annotations", value: { round: String(i) } },
            { op: "test", path: "/metadata/name", value: "target" },
          ];
        } else {
          base = { metadata: { labels: { round: String(i) } }, ...(sample.kind === "ConfigMap" ? { data: { round: String(i) } } : {}) };
        }
      }
      const m = mutate(rand, base as JsonObject);
      const path = (verb === "create" ? sample.collection(ns) : `${sample.collection(ns)}/${name}`) + (m.strict ? "?fieldValidation=Strict" : "");
      const method = verb === "create" ? "POST" : verb === "update" ? "PUT" : "PATCH";
      const what = `#${i} (MUTATION_SEED=${seed} case ${i}) ${method} ${path} ${contentType ?? m.contentType} [${m.ops.join("; ")}]`;
      let res: RawResponse;
      const started = performance.now();
      try {
        res = await c.request({ method, path, body: m.body, headers: { "Content-Type": contentType ?? m.contentType }, timeoutMs: 60_000 });
      } catch (err) {
        failures.push(`${what}: request failed: ${err instanceof Error ? err.message : String(err)}`);
        return;
      } finally {
        timings.push({ ms: performance.now() - started, what });
      }
      byCode.set(res.status, (byCode.get(res.status) ?? 0) + 1);
      if (res.status >= 200 && res.status < 300) {
        const obj = res.json as { kind?: unknown; apiVersion?: unknown; metadata?: { name?: unknown; uid?: unknown; resourceVersion?: unknown } } | undefined;
        const ok =
          obj?.kind === sample.kind &&
          typeof obj.apiVersion === "string" &&
          typeof obj.metadata?.name === "string" &&
          typeof obj.metadata.uid === "string" &&
          typeof obj.metadata.resourceVersion === "string" &&
          /^\d+$/.test(obj.metadata.resourceVersion);
        if (!ok) failures.push(`${what}: ${res.status} with a malformed object: ${res.body.toString("utf8").slice(0, 300)}`);
        else if (verb === "create") created.get(sample.kind)!.add(obj.metadata!.name as string);
        return;
      }
      if (res.status >= 400 && res.status < 500) {
        const problem = statusProblem(res);
        if (problem) failures.push(`${what}: ${res.status} not a Status: ${problem}`);
        return;
      }
      failures.push(`${what}: HTTP ${res.status}: ${res.body.toString("utf8").slice(0, 300)}`);
    }

    let next = 0;
    const workers = Array.from({ length: 8 }, async () => {
      while (next < count) await one(next++);
    });
    await Promise.all(workers);

    const codes = [...byCode.entries()].sort((a, b) => a[0] - b[0]);
    t.diagnostic(`mutations: ${count} (seed ${seed}); answers by code: ${codes.map(([k, v]) => `${k}: ${v}`).join(", ")}`);
    console.log(`mutations: ${count} (seed ${seed}); answers by code:`, Object.fromEntries(codes));
    timings.sort((a, b) => b.ms - a.ms);
    for (const slow of timings.slice(0, 5)) t.diagnostic(`slowest: ${slow.ms.toFixed(0)} ms ${slow.what}`);
    assert.equal(
      codes.reduce((n, [, v]) => n + v, 0) + failures.filter((f) => f.includes("request failed")).length,
      count,
    );
    assert.deepEqual(failures.slice(0, 20), [], `${failures.length} bad answers; first ones above`);
    assert.ok(server.child.exitCode === null, `the server exited:\n${server.output().slice(-2000)}`);

    // Still serving: health, a normal create, and only acknowledged creates stored.
    const ready = await c.request({ method: "GET", path: "/readyz" });
    assert.equal(ready.status, 200, ready.body.toString());
    const normal = await c.send("POST", samples[3].collection(ns), samples[3].body("after-the-storm", ns));
    assert.equal(normal.status, 201, normal.body.toString());
    created.get("ConfigMap")!.add("after-the-storm");
    for (const s of samples) {
      const list = await c.send("GET", s.collection(ns));
      assert.equal(list.status, 200, list.body.toString());
      // Objects the controllers made (pods of the mutated Deployments, the namespace's kube-root-ca.crt) are not ours to count.
      const items = (list.json as { items: { metadata: { name: string; ownerReferences?: unknown[] } }[] }).items;
      const names = items.filter((o) => !o.metadata.ownerReferences?.length && o.metadata.name !== "kube-root-ca.crt").map((o) => o.metadata.name).sort();
      assert.deepEqual(names, [...created.get(s.kind)!].sort(), `${s.kind}: stored objects differ from acknowledged creates`);
    }
    },
  );
});

// Each found by the mutation test above; minimal reproductions of server bugs.
describe("bad input: server bugs found by the mutation test", () => {
  let server: K8tsServerProcess;
  let c: RawClient;

  before(async () => {
    server = await startK8tsServer({ extraArgs: ["--store", "sqlite"] });
    c = await rawClient(server.kubeconfig);
  });
  after(async () => {
    c?.close();
    await server?.kill();
    await server?.cleanup();
  });

  // Upstream (apiserver endpoints/filters/warning.go) dedupes warnings and caps them at
  // 4 KiB in all, 256 runes an item; Node's HTTP client refuses headers over 16 KiB.
  it("caps Warning headers for many unknown fields, so clients can read the answer", async () => {
    const labels: JsonObject = {};
    const metadata: JsonObject = { name: "many-unknown", labels };
    for (let i = 0; i < 2000; i++) metadata[`unknown${i}`] = "x";
    let res: RawResponse | undefined;
    let error: unknown;
    try {
      res = await c.send("POST", cms, { apiVersion: "v1", kind: "ConfigMap", metadata });
    } catch (err) {
      error = err;
    }
    assert.equal(error, undefined, `the answer could not be read: ${String(error)}`);
    assert.equal(res!.status, 201, res!.body.toString());
    const warnings = [res!.headers.warning ?? []].flat();
    assert.ok(warnings.join("").length <= 4096 + 256, `Warning headers total ${warnings.join("").length} bytes`);
  });

  it("answers an unknown field with a non-Latin-1 name (Warn) without a 500", async () => {
    const res = await c.send("POST", cms, { ...configMap("emoji-field"), "😀": 1 });
    assert.equal(res.status, 201, res.body.toString());
    // Node cannot send raw UTF-8 header bytes as Go does; the name arrives \u-escaped.
    assert.match([res.headers.warning ?? ""].flat().join(""), /unknown field \\"\\ud83d\\ude00\\"/);
  });

  it("answers null list items (containers: [null], ports: [null]) with a 4xx Status, not a 500", async () => {
    const cases: [string, JsonObject][] = [
      [pods, { apiVersion: "v1", kind: "Pod", metadata: { name: "null-container" }, spec: { containers: [null] } }],
      ["/apis/apps/v1/namespaces/default/deployments", { ...samples[1].body("null-container", "default"), spec: { ...(samples[1].body("x", "default").spec as JsonObject), template: { metadata: { labels: { app: "web" } }, spec: { containers: [null] } } } }],
      ["/api/v1/namespaces/default/services", { apiVersion: "v1", kind: "Service", metadata: { name: "null-port" }, spec: { ports: [null] } }],
    ];
    for (const [path, body] of cases) {
      const res = await c.send("POST", path, body);
      assert.ok(res.status >= 400 && res.status < 500, `${path}: HTTP ${res.status}: ${res.body.toString().slice(0, 300)}`);
      assert.equal(statusProblem(res), undefined);
    }
  });

  it("answers a deeply nested patch value with a 4xx Status, not a 500", async () => {
    assert.equal((await c.send("POST", cms, configMap("deep"))).status, 201);
    const deep = "[".repeat(10_000) + "1" + "]".repeat(10_000);
    const res = await c.request({
      method: "PATCH",
      path: `${cms}/deep`,
      body: `[{"op":"add","path":"/metadata/annotations","value":{"a":${deep}}}]`,
      headers: { "Content-Type": "application/json-patch+json" },
    });
    assert.ok(res.status >= 400 && res.status < 500, `HTTP ${res.status}: ${res.body.toString().slice(0, 300)}`);
    assert.equal(statusProblem(res), undefined);
  });

  // The yaml package checks each new key against every earlier one (uniqueKeys), so a
  // 1 MiB YAML map of 30,000 keys takes seconds of event-loop time, stalling every request.
  it("decodes a large YAML map quickly and keeps answering other requests meanwhile", async () => {
    const lines = ["apiVersion: v1", "kind: ConfigMap", "metadata:", "  name: wide-yaml", "data:"];
    for (let i = 0; i < 30_000; i++) lines.push(`  k${i}: v${i}`);
    const started = performance.now();
    const post = c.request({ method: "POST", path: cms, body: lines.join("\n") + "\n", headers: { "Content-Type": "application/yaml" }, timeoutMs: 120_000 });
    await new Promise((r) => setTimeout(r, 100));
    const readyStarted = performance.now();
    const ready = await c.request({ method: "GET", path: "/readyz", timeoutMs: 120_000 });
    const readyMs = performance.now() - readyStarted;
    const res = await post;
    const postMs = performance.now() - started;
    assert.equal(ready.status, 200);
    assert.ok(res.status === 201 || (res.status >= 400 && res.status < 500), `HTTP ${res.status}`);
    // The quadratic decode this guards against stalled for many seconds; the margins leave
    // room for a machine busy with the other test files running beside this one.
    assert.ok(postMs < 5000, `the YAML create took ${postMs.toFixed(0)} ms`);
    assert.ok(readyMs < 4000, `/readyz took ${readyMs.toFixed(0)} ms while the YAML body was decoded`);
  });
});

// MUTATION_SEED=20240611 case 916: a 200 KB pod as YAML with a flow mapping nested
// 100,000 deep and two broken bytes; the answer (400, stack overflow in the YAML decoder)
// takes ~14 s of event-loop time.
describe("bad input: a deeply nested, broken YAML body", () => {
  let server: K8tsServerProcess;
  let c: RawClient;

  before(async () => {
    server = await startK8tsServer({ extraArgs: ["--store", "sqlite"] });
    c = await rawClient(server.kubeconfig);
  });
  after(async () => {
    c?.close();
    await server?.kill();
    await server?.cleanup();
  });

  it("is refused quickly, and other requests are answered meanwhile", async () => {
    const rand = prng(20240611 + 916);
    const sample = samples[Math.floor(rand() * samples.length)];
    rand(); // the verb roll
    const m: Mutated = mutate(rand, sample.body("m-916", "default"));
    assert.deepEqual([sample.kind, m.contentType], ["Pod", "application/yaml"], "the mutator no longer produces case 916");
    const started = performance.now();
    const post = c.request({ method: "POST", path: sample.collection("default"), body: m.body, headers: { "Content-Type": m.contentType }, timeoutMs: 120_000 });
    await new Promise((r) => setTimeout(r, 100));
    const readyStarted = performance.now();
    const ready = await c.request({ method: "GET", path: "/readyz", timeoutMs: 120_000 });
    const readyMs = performance.now() - readyStarted;
    const res = await post;
    const postMs = performance.now() - started;
    assert.equal(ready.status, 200);
    assertStatus(res, 400, "BadRequest");
    // The quadratic decode this guards against stalled for many seconds; the margins leave
    // room for a machine busy with the other test files running beside this one.
    assert.ok(postMs < 5000, `the YAML create took ${postMs.toFixed(0)} ms`);
    assert.ok(readyMs < 4000, `/readyz took ${readyMs.toFixed(0)} ms while the YAML body was decoded`);
  });
});
