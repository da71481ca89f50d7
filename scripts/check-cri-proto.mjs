#!/usr/bin/env node
// Checks that src/kubelet/runtime/api.proto is an exact subset of upstream CRI's
// api.proto (k8s.io/cri-api pkg/apis/runtime/v1/api.proto): every service method,
// message, field (name, number, type, label) and enum value we declare exists upstream
// the same. Upstream's file is not vendored; pass its path:
//   node scripts/check-cri-proto.mjs /path/to/cri-api/pkg/apis/runtime/v1/api.proto
// Exit 0 when it is a subset, 1 with one line per difference.
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import protoLoader from "@grpc/proto-loader";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const upstreamPath = process.argv[2];
if (!upstreamPath) {
  console.error("usage: check-cri-proto.mjs UPSTREAM_API_PROTO");
  process.exit(2);
}
const opts = { keepCase: true };
const ours = protoLoader.loadSync(join(root, "src/kubelet/runtime/api.proto"), opts);
const theirs = protoLoader.loadSync(resolve(upstreamPath), opts);
const problems = [];

function fieldKey(f) {
  return `${f.label} ${f.type} ${f.typeName} = ${f.number}`;
}

for (const [name, def] of Object.entries(ours)) {
  const up = theirs[name];
  if (!up) {
    problems.push(`${name}: not upstream`);
    continue;
  }
  if (def.format === "Protocol Buffer 3 DescriptorProto") {
    const upFields = new Map(up.type.field.map((f) => [f.name, f]));
    for (const f of def.type.field) {
      const u = upFields.get(f.name);
      if (!u) problems.push(`${name}.${f.name}: no such field upstream`);
      else if (fieldKey(f) !== fieldKey(u)) problems.push(`${name}.${f.name}: ours ${fieldKey(f)}, upstream ${fieldKey(u)}`);
    }
  } else if (def.format === "Protocol Buffer 3 EnumDescriptorProto") {
    const upValues = new Map(up.type.value.map((v) => [v.name, v.number]));
    for (const v of def.type.value) {
      if (upValues.get(v.name) !== v.number) problems.push(`${name}.${v.name}: ours ${v.number}, upstream ${upValues.get(v.name)}`);
    }
  } else {
    // A service: methods with their request and response types.
    for (const [method, m] of Object.entries(def)) {
      const u = up[method];
      if (!u) problems.push(`${name}.${method}: no such method upstream`);
      else if (m.path !== u.path || m.requestType.type.name !== u.requestType.type.name || m.responseType.type.name !== u.responseType.type.name || m.responseStream !== u.responseStream) {
        problems.push(`${name}.${method}: signature differs`);
      }
    }
  }
}
for (const p of problems) console.log(p);
if (problems.length) process.exit(1);
console.log(`api.proto is a subset of ${upstreamPath} (${Object.keys(ours).length} definitions checked)`);
