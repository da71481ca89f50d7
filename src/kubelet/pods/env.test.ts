import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Pod, Service } from "../../api/index.js";
import { podDnsConfig } from "./dns.js";
import { ContainerConfigError, expand, resolveEnv, serviceLinkEnv } from "./env.js";
import { linuxResources } from "./container-config.js";

const pod: Pod = { metadata: { name: "p", namespace: "ns", uid: "u", labels: { b: "2", a: "1" } }, spec: { containers: [{ name: "c", image: "x", resources: { limits: { memory: "64Mi", cpu: "500m" } } }] }, status: { podIP: "10.244.0.9" } };
const svc = (name: string, ns: string, ip: string, ports: Service["spec"] extends infer S ? S extends { ports?: infer P } ? P : never : never): Service => ({ metadata: { name, namespace: ns, uid: name }, spec: { clusterIP: ip, ports } });

describe("env", () => {
  it("expands $(VAR) as upstream: defined names, undefined left as written, $$ escapes", () => {
    const look = (n: string) => ({ A: "a" })[n];
    assert.equal(expand("$(A)/$(B)/$$(A)/$A/$", look), "a/$(B)/$(A)/$A/$");
  });

  it("orders envFrom, env and service links with upstream precedence", () => {
    const c = { name: "c", image: "x", envFrom: [{ prefix: "CM_", configMapRef: { name: "cm" } }], env: [{ name: "CM_k", value: "override" }, { name: "MEM", valueFrom: { resourceFieldRef: { resource: "limits.memory", divisor: "1Mi" } } }, { name: "LBL", valueFrom: { fieldRef: { fieldPath: "metadata.labels" } } }] };
    const out = resolveEnv(pod, c, {
      configMap: () => ({ metadata: { name: "cm" }, data: { k: "v", "bad key": "x", other: "o" } }),
      secret: () => undefined,
      services: [svc("my-svc", "ns", "10.96.0.7", [{ name: "http", port: 80, protocol: "TCP" }])],
      masterService: svc("kubernetes", "default", "10.96.0.1", [{ name: "https", port: 443, protocol: "TCP" }]),
      nodeAllocatable: {},
    });
    const m = Object.fromEntries(out.map((e) => [e.key, e.value]));
    assert.equal(m.CM_k, "override");
    assert.equal(m.CM_other, "o");
    assert.equal(m["CM_bad key"], undefined);
    assert.equal(m.MEM, "64");
    assert.equal(m.LBL, 'a="1"\nb="2"');
    assert.equal(m.MY_SVC_SERVICE_HOST, "10.96.0.7");
    assert.equal(m.MY_SVC_PORT_80_TCP_ADDR, "10.96.0.7");
    assert.equal(m.KUBERNETES_SERVICE_PORT_HTTPS, "443");
  });

  it("fails with upstream's text for a missing configMap key, skips it when optional", () => {
    const src = { configMap: () => ({ metadata: { name: "cm" }, data: {} }), secret: () => undefined, services: [], nodeAllocatable: {} };
    assert.throws(() => resolveEnv(pod, { name: "c", env: [{ name: "X", valueFrom: { configMapKeyRef: { name: "cm", key: "k" } } }] }, src), (e: unknown) => e instanceof ContainerConfigError && e.message === "couldn't find key k in ConfigMap ns/cm");
    assert.deepEqual(resolveEnv(pod, { name: "c", env: [{ name: "X", valueFrom: { configMapKeyRef: { name: "cm", key: "k", optional: true } } }] }, src), []);
  });

  it("leaves out service links when enableServiceLinks is false, except the master service", () => {
    const p: Pod = { ...pod, spec: { ...pod.spec!, enableServiceLinks: false } };
    const m = serviceLinkEnv(p, { configMap: () => undefined, secret: () => undefined, services: [svc("s", "ns", "10.96.0.8", [{ port: 1 }])], masterService: svc("kubernetes", "default", "10.96.0.1", [{ port: 443 }]), nodeAllocatable: {} });
    assert.equal(m.get("S_SERVICE_HOST"), undefined);
    assert.equal(m.get("KUBERNETES_SERVICE_HOST"), "10.96.0.1");
  });
});

describe("dns", () => {
  const host = { servers: ["192.0.2.53"], searches: ["example.org"], options: ["edns0"] };
  it("ClusterFirst uses the cluster DNS with namespace searches and ndots:5", () => {
    const r = podDnsConfig(pod, { clusterDNS: ["10.96.0.10"], clusterDomain: "cluster.local", host });
    assert.deepEqual(r.config, { servers: ["10.96.0.10"], searches: ["ns.svc.cluster.local", "svc.cluster.local", "cluster.local", "example.org"], options: ["ndots:5"] });
  });
  it("ClusterFirst without a cluster DNS falls back to Default with a warning", () => {
    const r = podDnsConfig(pod, { clusterDNS: [], clusterDomain: "cluster.local", host });
    assert.deepEqual(r.config, host);
    assert.match(r.warning ?? "", /Falling back to "Default" policy/);
  });
  it("None takes only dnsConfig; options merge by name", () => {
    const p: Pod = { ...pod, spec: { ...pod.spec!, dnsPolicy: "None", dnsConfig: { nameservers: ["1.1.1.1"], searches: ["a.b"], options: [{ name: "ndots", value: "2" }, { name: "rotate" }] } } };
    assert.deepEqual(podDnsConfig(p, { clusterDNS: [], clusterDomain: "cluster.local", host }).config, { servers: ["1.1.1.1"], searches: ["a.b"], options: ["ndots:2", "rotate"] });
  });
});

describe("resources", () => {
  it("maps limits and requests to CFS quota, shares and memory limit", () => {
    assert.deepEqual(linuxResources({ name: "c", resources: { limits: { cpu: "500m", memory: "64Mi" } } }), { cpuShares: 512, cpuPeriod: 100000, cpuQuota: 50000, memoryLimitInBytes: String(64 * 1024 * 1024) });
    assert.deepEqual(linuxResources({ name: "c" }), { cpuShares: 2 });
  });
});
