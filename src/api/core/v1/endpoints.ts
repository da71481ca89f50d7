/** The `endpoints` resource (pkg/registry/core/endpoint). */
import { fieldError } from "../../../machinery/index.js";
import type { FieldError } from "../../../machinery/index.js";
import type { KubeObject } from "../../object.js";
import type { ResourceType } from "../../resource-type.js";
import { ageColumn, nameColumn, translateTimestampSince } from "../../table-helpers.js";
import { coreV1Definitions } from "./definitions.js";
import type { Endpoints } from "./endpoints-types.js";
import { core } from "./_names.js";
import { portNumErrors, supported, validateName } from "./_validation-helpers.js";

const asEndpoints = (obj: KubeObject): Endpoints => obj as Endpoints;

export function defaultEndpoints(ep: Endpoints): void {
  for (const s of ep.subsets ?? []) for (const p of s.ports ?? []) p.protocol ||= "TCP";
}

export function validateEndpoints(ep: Endpoints): FieldError[] {
  const errs = validateName(ep);
  (ep.subsets ?? []).forEach((s, i) => {
    const path = `subsets[${i}]`;
    if (!s.addresses?.length && !s.notReadyAddresses?.length) {
      errs.push(fieldError.required(path, "must specify `addresses` or `notReadyAddresses`"));
    }
    for (const [field, list] of [["addresses", s.addresses ?? []], ["notReadyAddresses", s.notReadyAddresses ?? []]] as const) {
      list.forEach((a, j) => {
        if (!a.ip) errs.push(fieldError.required(`${path}.${field}[${j}].ip`));
      });
    }
    (s.ports ?? []).forEach((p, j) => {
      for (const msg of portNumErrors(p.port)) errs.push(fieldError.invalid(`${path}.ports[${j}].port`, p.port, msg));
      errs.push(...supported(`${path}.ports[${j}].protocol`, p.protocol, ["SCTP", "TCP", "UDP"]));
    });
  });
  return errs;
}

/** formatEndpoints: up to three "ip:port", then " + N more...". */
export function formatEndpoints(ep: Endpoints): string {
  if (!ep.subsets?.length) return "<none>";
  const max = 3;
  const list: string[] = [];
  let count = 0;
  let more = false;
  for (const s of ep.subsets) {
    const addresses = s.addresses ?? [];
    const targets = s.ports?.length ? s.ports.map((p) => String(p.port)) : [undefined];
    for (const port of targets) {
      count += addresses.length;
      for (const a of addresses) {
        if (list.length === max) {
          more = true;
          break;
        }
        list.push(port === undefined ? a.ip : a.ip.includes(":") ? `[${a.ip}]:${port}` : `${a.ip}:${port}`);
      }
    }
  }
  const joined = list.join(",");
  return more ? `${joined} + ${count - max} more...` : joined;
}

export const endpointsResource: ResourceType = {
  group: "",
  version: "v1",
  kind: "Endpoints",
  plural: "endpoints",
  singular: "endpoints",
  namespaced: true,
  shortNames: ["ep"],
  definition: core.Endpoints,
  definitions: coreV1Definitions,
  strategy: {
    defaults: (obj) => defaultEndpoints(asEndpoints(obj)),
    validate: (obj) => validateEndpoints(asEndpoints(obj)),
    table: {
      columns: [nameColumn, { name: "Endpoints", type: "string", description: "Endpoints of the service", priority: 0 }, ageColumn],
      cells: (obj, now) => [obj.metadata.name, formatEndpoints(asEndpoints(obj)), translateTimestampSince(obj.metadata.creationTimestamp, now)],
    },
  },
};
