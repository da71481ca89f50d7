import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { isApiError } from "../../machinery/index.js";
import { builtinRegistry } from "../builtin.js";
import { decodeKubernetesProtobuf } from "./decode.js";
import { formatGoDuration, formatGoTime } from "./_go-format.js";
import { envelope, Message, objectMeta } from "./_test-writer.js";

// Field numbers below are upstream's (k8s.io/api core/v1, apps/v1, … generated.proto).
const registry = builtinRegistry();
const decode = (bytes: Uint8Array): unknown => decodeKubernetesProtobuf(bytes, registry);
const fromHex = (hex: string): Uint8Array => Uint8Array.from(Buffer.from(hex, "hex"));

function quantity(value: string): (m: Message) => void {
  return (q) => q.string(1, value);
}

describe("decodeKubernetesProtobuf", () => {
  it("decodes a Pod with containers, ports, env, resources, probes and volumes", () => {
    const spec = new Message()
      .message(1, (v) => v.string(1, "cache").message(2, (src) => src.message(2, (e) => e.string(1, "Memory").message(2, quantity("64Mi")))))
      .message(2, (c) => {
        c.string(1, "web").string(2, "nginx:1.27").string(3, "nginx").string(3, "-g").string(5, "");
        c.message(6, (p) => p.string(1, "http").varint(2, 0).varint(3, 8080).string(4, "TCP").string(5, ""));
        c.message(7, (e) => e.string(1, "MODE").string(2, "prod"));
        c.message(7, (e) => e.string(1, "NODE").string(2, "").message(3, (s) => s.message(1, (f) => f.string(1, "v1").string(2, "spec.nodeName"))));
        c.message(7, (e) => e.string(1, "PASS").message(3, (s) => s.message(4, (k) => k.message(1, (r) => r.string(1, "creds")).string(2, "password"))));
        c.message(8, (r) => r.entry(1, "memory", quantity("128Mi")).entry(2, "cpu", quantity("250m")).entry(2, "memory", quantity("64Mi")));
        c.message(10, (p) => p.message(1, (h) => h.message(2, (g) => g.string(1, "/healthz").message(2, (i) => i.varint(1, 1).varint(2, 0).string(3, "http")))).varint(4, 10));
        c.varint(16, false).varint(17, false).varint(18, false);
      })
      .string(3, "Always")
      .varint(4, 30)
      .entry(7, "disk", "ssd")
      .varint(11, false)
      .varint(25, -5)
      .varint(30, false);
    const pod = new Message().message(1, (m) => objectMeta(m, { name: "web-0", namespace: "default", labels: { app: "web" } })).bytes(2, spec.finish()).message(3, () => {});
    assert.deepEqual(decode(envelope("v1", "Pod", pod)), {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "web-0", namespace: "default", labels: { app: "web" } },
      spec: {
        volumes: [{ name: "cache", emptyDir: { medium: "Memory", sizeLimit: "64Mi" } }],
        containers: [
          {
            name: "web",
            image: "nginx:1.27",
            command: ["nginx", "-g"],
            ports: [{ name: "http", containerPort: 8080, protocol: "TCP" }],
            env: [
              { name: "MODE", value: "prod" },
              { name: "NODE", valueFrom: { fieldRef: { apiVersion: "v1", fieldPath: "spec.nodeName" } } },
              { name: "PASS", valueFrom: { secretKeyRef: { name: "creds", key: "password" } } },
            ],
            resources: { limits: { memory: "128Mi" }, requests: { cpu: "250m", memory: "64Mi" } },
            livenessProbe: { httpGet: { path: "/healthz", port: "http" }, periodSeconds: 10 },
          },
        ],
        restartPolicy: "Always",
        terminationGracePeriodSeconds: 30,
        nodeSelector: { disk: "ssd" },
        priority: -5,
        enableServiceLinks: false,
      },
      status: {},
    });
  });

  it("decodes a ConfigMap's data and binaryData, and keeps empty values inside maps", () => {
    const cm = new Message()
      .message(1, (m) => objectMeta(m, { name: "cfg" }))
      .entry(2, "a", "b")
      .entry(2, "empty", "")
      .message(3, (e) => e.string(1, "bin").bytes(2, Uint8Array.from([0, 1, 2, 255])))
      .varint(4, true);
    assert.deepEqual(decode(envelope("v1", "ConfigMap", cm)), {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "cfg" },
      data: { a: "b", empty: "" },
      binaryData: { bin: "AAEC/w==" },
      immutable: true,
    });
  });

  it("writes a Secret's data bytes as base64", () => {
    const secret = new Message()
      .message(1, (m) => objectMeta(m, { name: "s" }))
      .message(2, (e) => e.string(1, "password").bytes(2, new TextEncoder().encode("hunter2")))
      .string(3, "Opaque");
    assert.deepEqual(decode(envelope("v1", "Secret", secret)), {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "s" },
      data: { password: Buffer.from("hunter2").toString("base64") },
      type: "Opaque",
    });
  });

  it("decodes a Deployment: pointer numbers keep 0, non-pointer omitempty ones drop it, IntOrString both ways", () => {
    const dep = new Message()
      .message(1, (m) => objectMeta(m, { name: "nginx", labels: { app: "nginx" } }))
      .message(2, (s) => {
        s.varint(1, 3);
        s.message(2, (sel) => sel.entry(1, "app", "nginx"));
        s.message(3, (t) => t.message(1, (m) => objectMeta(m, { labels: { app: "nginx" } })).message(2, (p) => p.message(2, (c) => c.string(1, "nginx").string(2, "nginx").message(8, () => {}))));
        s.message(4, (st) => st.string(1, "RollingUpdate").message(2, (r) => r.message(1, (i) => i.varint(1, 0).varint(2, 1).string(3, "")).message(2, (i) => i.varint(1, 1).varint(2, 0).string(3, "25%"))));
        s.varint(5, 0).varint(6, 0).varint(7, false);
      })
      .message(3, (st) => st.varint(1, 0).varint(2, 0));
    assert.deepEqual(decode(envelope("apps/v1", "Deployment", dep)), {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "nginx", labels: { app: "nginx" } },
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: "nginx" } },
        template: { metadata: { labels: { app: "nginx" } }, spec: { containers: [{ name: "nginx", image: "nginx", resources: {} }] } },
        strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1, maxSurge: "25%" } },
        revisionHistoryLimit: 0,
      },
      status: {},
    });
  });

  it("decodes a SelfSubjectReview, extra values included (ExtraValue is a message of items)", () => {
    const review = new Message()
      .message(1, (m) => objectMeta(m, {}))
      .message(2, (s) =>
        s.message(1, (u) => u.string(1, "admin").string(2, "").string(3, "system:masters").string(3, "system:authenticated").entry(4, "scopes", (v) => v.string(1, "a").string(1, "b"))),
      );
    assert.deepEqual(decode(envelope("authentication.k8s.io/v1", "SelfSubjectReview", review)), {
      apiVersion: "authentication.k8s.io/v1",
      kind: "SelfSubjectReview",
      metadata: {},
      status: { userInfo: { username: "admin", groups: ["system:masters", "system:authenticated"], extra: { scopes: ["a", "b"] } } },
    });
  });

  it("decodes DeleteOptions under meta/v1's name in any group, and an Eviction that carries them", () => {
    const options = new Message().varint(1, 0).message(2, (p) => p.string(1, "uid-1")).string(4, "Foreground").string(5, "All");
    const expected = { gracePeriodSeconds: 0, preconditions: { uid: "uid-1" }, propagationPolicy: "Foreground", dryRun: ["All"] };
    assert.deepEqual(decode(envelope("v1", "DeleteOptions", options)), { apiVersion: "v1", kind: "DeleteOptions", ...expected });
    assert.deepEqual(decode(envelope("apps/v1", "DeleteOptions", options)), { apiVersion: "apps/v1", kind: "DeleteOptions", ...expected });
    const eviction = new Message().message(1, (m) => objectMeta(m, { name: "web-0", namespace: "default" })).bytes(2, options.finish());
    assert.deepEqual(decode(envelope("policy/v1", "Eviction", eviction)), {
      apiVersion: "policy/v1",
      kind: "Eviction",
      metadata: { name: "web-0", namespace: "default" },
      deleteOptions: expected,
    });
  });

  it("turns Time into seconds-precision RFC 3339, MicroTime into microseconds, and Go's zero time into nothing", () => {
    const event = new Message()
      .message(1, (m) => {
        objectMeta(m, { name: "e1" });
        m.message(9, (t) => t.varint(1, -62135596800n).varint(2, 0)); // deletionTimestamp at Go's zero time
        m.message(17, (f) => f.string(1, "kubectl").string(2, "Update").string(3, "v1").message(4, (t) => t.varint(1, 1700000000)).string(6, "FieldsV1").message(7, (r) => r.string(1, '{"f:reason":{}}')));
      })
      .string(3, "Started")
      .message(6, (t) => t.varint(1, 1700000000).varint(2, 500))
      .varint(8, 2)
      .message(10, (t) => t.varint(1, 1700000000).varint(2, 123456789));
    assert.deepEqual(decode(envelope("v1", "Event", event)), {
      apiVersion: "v1",
      kind: "Event",
      metadata: {
        name: "e1",
        managedFields: [{ manager: "kubectl", operation: "Update", apiVersion: "v1", time: "2023-11-14T22:13:20Z", fieldsType: "FieldsV1", fieldsV1: { "f:reason": {} } }],
      },
      reason: "Started",
      firstTimestamp: "2023-11-14T22:13:20Z",
      count: 2,
      eventTime: "2023-11-14T22:13:20.123456Z",
    });
  });

  it("reads packed and unpacked repeated numbers alike, and RawExtension as JSON", () => {
    const unpacked = new Message().message(1, (m) => objectMeta(m, { name: "c" })).message(2, (r) => r.string(1, '{"spec":{"x":1}}')).varint(3, 4);
    assert.deepEqual(decode(envelope("apps/v1", "ControllerRevision", unpacked)), { apiVersion: "apps/v1", kind: "ControllerRevision", metadata: { name: "c" }, data: { spec: { x: 1 } }, revision: 4 });
    // Container.restartPolicyRules[].exitCodes.values is `repeated int32`.
    const rule = (values: (m: Message) => void) =>
      new Message().message(1, (m) => objectMeta(m, { name: "p" })).message(2, (s) => s.message(2, (c) => c.string(1, "a").message(25, (r) => r.string(1, "Restart").message(2, (x) => {
            x.string(1, "In");
            values(x);
          }))));
    const codes = (bytes: Uint8Array) => {
      const pod = decode(bytes) as { spec: { containers: { restartPolicyRules: { exitCodes: { values: number[] } }[] }[] } };
      return pod.spec.containers[0].restartPolicyRules[0].exitCodes.values;
    };
    assert.deepEqual(codes(envelope("v1", "Pod", rule((x) => x.packed(2, [1, 42, -1])))), [1, 42, -1]);
    assert.deepEqual(codes(envelope("v1", "Pod", rule((x) => x.varint(2, 1).varint(2, 42)))), [1, 42]);
  });

  it("skips field numbers it does not know", () => {
    const cm = new Message().message(1, (m) => objectMeta(m, { name: "x" })).string(99, "future").varint(98, 7).entry(2, "a", "b");
    assert.deepEqual(decode(envelope("v1", "ConfigMap", cm)), { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x" }, data: { a: "b" } });
  });

  describe("rejects bad input with a 400", () => {
    const badRequest = (bytes: Uint8Array, message: RegExp) => {
      assert.throws(
        () => decode(bytes),
        (err: unknown) => isApiError(err) && err.status.code === 400 && err.status.reason === "BadRequest" && message.test(err.status.message ?? ""),
      );
    };
    it("without the k8s\\0 prefix", () => badRequest(new TextEncoder().encode('{"kind":"Pod"}'), /k8s\\0 prefix/));
    it("with a truncated varint", () => badRequest(Uint8Array.from([0x6b, 0x38, 0x73, 0x00, 0x08, 0xff]), /truncated varint/));
    it("with a field longer than the body", () => {
      const ok = envelope("v1", "ConfigMap", new Message().entry(2, "a", "b"));
      badRequest(ok.subarray(0, ok.length - 6), /truncated field/);
    });
    it("for a kind nobody serves", () => badRequest(envelope("example.com/v1", "Widget", new Message()), /no kind "Widget" is registered for version "example.com\/v1"/));
    it("for a field of the wrong wire type", () => badRequest(envelope("v1", "ConfigMap", new Message().varint(1, 5)), /metadata: expected a length-delimited value/));
  });
});

describe("Go's text forms", () => {
  it("formats durations as time.Duration.String does", () => {
    const cases: [bigint, string][] = [
      [0n, "0s"],
      [7n, "7ns"],
      [1500n, "1.5µs"],
      [150_000_000n, "150ms"],
      [1_500_000_000n, "1.5s"],
      [60_000_000_000n, "1m0s"],
      [3_723_500_000_000n, "1h2m3.5s"],
      [-90_000_000_000n, "-1m30s"],
    ];
    for (const [ns, text] of cases) assert.equal(formatGoDuration(ns), text, String(ns));
  });
  it("formats times in UTC", () => {
    assert.equal(formatGoTime(0n, 0, false), "1970-01-01T00:00:00Z");
    assert.equal(formatGoTime(1700000000n, 5000, true), "2023-11-14T22:13:20.000005Z");
  });
});

describe("bodies from the real kubectl 1.35", () => {
  // Captured from `.tools/bin/kubectl` 1.35 against a recording HTTP server (the live test below does the same).
  it("decodes `kubectl create deployment nginx --image=nginx`", () => {
    const body = fromHex(
      "6b3873000a150a07617070732f7631120a4465706c6f796d656e7412b3010a230a056e67696e7812001a0022002a003200380042005a0c0a0361707012056e67696e78127e0801120e0a0c0a0361707012056e67696e781a620a1e0a0012001a0022002a003200380042005a0c0a0361707012056e67696e78124012220a056e67696e7812056e67696e782a0042006a007200800100880100900100a201001a00320042004a0052005800600068008201008a01009a0100c2010022020a00280038001a0c0800100018002000280038001a002200",
    );
    // What the same command sends as JSON (less `creationTimestamp: null`).
    assert.deepEqual(decode(body), {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "nginx", labels: { app: "nginx" } },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: "nginx" } },
        template: { metadata: { labels: { app: "nginx" } }, spec: { containers: [{ name: "nginx", image: "nginx", resources: {} }] } },
        strategy: {},
      },
      status: {},
    });
  });

  it("decodes `kubectl auth whoami`", () => {
    const body = fromHex("6b3873000a2d0a1861757468656e7469636174696f6e2e6b38732e696f2f7631121153656c665375626a656374526576696577121a0a100a0012001a0022002a0032003800420012060a040a0012001a002200");
    assert.deepEqual(decode(body), { apiVersion: "authentication.k8s.io/v1", kind: "SelfSubjectReview", metadata: {}, status: { userInfo: {} } });
  });

  const kubectl = resolve(".tools/bin/kubectl");
  it("decodes what kubectl sends now for `create configmap` and `create secret`", { skip: existsSync(kubectl) ? false : "no .tools/bin/kubectl (npm run tools)" }, async () => {
    const bodies: Buffer[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        if (req.method === "POST" && req.headers["content-type"] === "application/vnd.kubernetes.protobuf") bodies.push(Buffer.concat(chunks));
        res.writeHead(req.method === "POST" ? 201 : 404, { "Content-Type": "application/json" });
        res.end(JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x", namespace: "default" } }));
      });
    });
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    const dir = await mkdtemp(join(tmpdir(), "k8ts-protobuf-"));
    try {
      const { port } = server.address() as AddressInfo;
      const kubeconfig = join(dir, "kubeconfig.yaml");
      await writeFile(
        kubeconfig,
        `apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "http://127.0.0.1:${port}"}}]\nusers: [{name: u, user: {token: t}}]\ncontexts: [{name: c, context: {cluster: c, user: u, namespace: default}}]\ncurrent-context: c\n`,
      );
      const run = (args: string[]) =>
        new Promise<void>((done, fail) => execFile(kubectl, args, { env: { ...process.env, KUBECONFIG: kubeconfig } }, (err, _out, stderr) => (err ? fail(new Error(stderr)) : done())));
      await run(["create", "configmap", "x", "--from-literal=a=b", "--dry-run=server"]);
      await run(["create", "secret", "generic", "s", "--from-literal=p=q", "--dry-run=server"]);
    } finally {
      await new Promise((done) => server.close(done));
      await rm(dir, { recursive: true, force: true });
    }
    assert.equal(bodies.length, 2);
    assert.deepEqual(decode(bodies[0]), { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x" }, data: { a: "b" } });
    assert.deepEqual(decode(bodies[1]), { apiVersion: "v1", kind: "Secret", metadata: { name: "s" }, data: { p: Buffer.from("q").toString("base64") } });
  });
});
