// Cluster zone answers for a fixed set of Services and EndpointSlices, against a golden file.
// UPDATE_GOLDEN=1 rewrites testdata/answers.golden.json; review the diff.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { sep } from "node:path";
import { fileURLToPath } from "node:url";
import type { Answer } from "dns-packet";
import type { EndpointSlice, Service } from "../api/index.js";
import { answerInZone, type ClusterSources } from "./records.js";

const zone = "cluster.local";

const services: Service[] = [
  { metadata: { name: "web", namespace: "shop" }, spec: { clusterIP: "10.43.0.20", clusterIPs: ["10.43.0.20"], ports: [{ name: "http", port: 80, protocol: "TCP" }, { name: "dns", port: 53, protocol: "UDP" }] } },
  { metadata: { name: "db", namespace: "shop" }, spec: { clusterIP: "None", clusterIPs: ["None"], ports: [{ name: "pg", port: 5432, protocol: "TCP" }] } },
  { metadata: { name: "ext", namespace: "shop" }, spec: { type: "ExternalName", externalName: "example.com." } },
];

const slices: EndpointSlice[] = [
  {
    metadata: { name: "db-abc", namespace: "shop", labels: { "kubernetes.io/service-name": "db" } },
    addressType: "IPv4",
    ports: [{ name: "pg", port: 5432, protocol: "TCP" }],
    endpoints: [
      { addresses: ["10.42.0.5"], hostname: "db-0", conditions: { ready: true } },
      { addresses: ["10.42.0.6"], conditions: {} },
      { addresses: ["10.42.0.7"], hostname: "db-2", conditions: { ready: false } },
    ],
  },
];

const sources: ClusterSources = {
  service: (ns, name) => services.find((s) => s.metadata.namespace === ns && s.metadata.name === name),
  endpointSlices: (ns, svc) => slices.filter((s) => s.metadata.namespace === ns && s.metadata.labels?.["kubernetes.io/service-name"] === svc),
  serviceByClusterIP: (ip) => services.find((s) => s.spec?.clusterIPs?.includes(ip)),
};

const questions: [string, string][] = [
  ["web.shop.svc.cluster.local", "A"],
  ["WEB.Shop.svc.cluster.local.", "A"],
  ["web.shop.svc.cluster.local", "AAAA"],
  ["db.shop.svc.cluster.local", "A"],
  ["db-0.db.shop.svc.cluster.local", "A"],
  ["10-42-0-6.db.shop.svc.cluster.local", "A"],
  ["db-2.db.shop.svc.cluster.local", "A"],
  ["_http._tcp.web.shop.svc.cluster.local", "SRV"],
  ["_dns._udp.web.shop.svc.cluster.local", "SRV"],
  ["_pg._tcp.db.shop.svc.cluster.local", "SRV"],
  ["_nope._tcp.web.shop.svc.cluster.local", "SRV"],
  ["ext.shop.svc.cluster.local", "A"],
  ["10-42-0-9.shop.pod.cluster.local", "A"],
  ["missing.shop.svc.cluster.local", "A"],
  ["shop.svc.cluster.local", "A"],
  ["cluster.local", "SOA"],
  ["foo.cluster.local", "A"],
  ["20.0.43.10.in-addr.arpa", "PTR"],
  ["example.com", "A"],
  ["1.1.1.1.in-addr.arpa", "PTR"],
];

/** The fields every record we serve has (dns-packet's Answer union includes OPT, which has neither). */
type Rec = { name: string; type: string; ttl?: number; data?: unknown };

function render(answer: Answer): string {
  const a = answer as Rec;
  const data = a.type === "SOA" ? "<soa>" : typeof a.data === "object" ? JSON.stringify(a.data) : String(a.data);
  return `${a.name} ${a.ttl} ${a.type} ${data}`;
}

function answerText(name: string, type: string): unknown {
  const a = answerInZone({ name, type }, zone, sources);
  if (!a) return "forward";
  return { rcode: a.rcode, answers: a.answers.map(render), authority: a.authority.map(render), additionals: a.additionals.map(render) };
}

describe("cluster zone answers", () => {
  it("match the golden file", () => {
    const got = Object.fromEntries(questions.map(([name, type]) => [`${name} ${type}`, answerText(name, type)]));
    // The golden file lives beside the source, also when this runs compiled from dist/.
    const path = fileURLToPath(new URL("./testdata/answers.golden.json", import.meta.url)).replace(`${sep}dist${sep}src${sep}`, `${sep}src${sep}`);
    if (process.env.UPDATE_GOLDEN) writeFileSync(path, `${JSON.stringify(got, null, 2)}\n`);
    assert.deepEqual(got, JSON.parse(readFileSync(path, "utf8")));
  });

  it("answers a ClusterIP service with its IP and keeps the asker's spelling", () => {
    const a = answerInZone({ name: "WEB.Shop.svc.cluster.local", type: "A" }, zone, sources)!;
    assert.deepEqual(a.answers.map((r) => [r.name, (r as Rec).data]), [["WEB.Shop.svc.cluster.local", "10.43.0.20"]]);
  });

  it("answers a headless service with its ready endpoints only", () => {
    const a = answerInZone({ name: "db.shop.svc.cluster.local", type: "A" }, zone, sources)!;
    assert.deepEqual(a.answers.map((r) => (r as Rec).data), ["10.42.0.5", "10.42.0.6"]);
  });

  it("is NXDOMAIN with the SOA for unknown names in the zone", () => {
    const a = answerInZone({ name: "missing.shop.svc.cluster.local", type: "A" }, zone, sources)!;
    assert.equal(a.rcode, "NXDOMAIN");
    assert.equal(a.authority[0]?.type, "SOA");
  });
});
