/**
 * apiregistration.k8s.io/v1 APIService: upstream's defaults and validation
 * (kube-aggregator pkg/apis/apiregistration/validation) and `kubectl get apiservices`
 * columns (NAME SERVICE AVAILABLE AGE).
 */
import { fieldError, isDNS1035Label, isDNS1123Subdomain } from "../../../machinery/index.js";
import type { FieldError } from "../../../machinery/index.js";
import type { KubeObject } from "../../object.js";
import type { ResourceType, TableConvertor } from "../../resource-type.js";
import { ageColumn, nameColumn, translateTimestampSince } from "../../table-helpers.js";
import { n } from "./_names.js";
import { apiServiceDefinitions } from "./apiservice-schema.js";
import type { APIService } from "./apiservice-types.js";

export function defaultAPIService(s: APIService): void {
  if (s.spec?.service) s.spec.service.port ??= 443;
}

export function validateAPIService(s: APIService): FieldError[] {
  const errs: FieldError[] = [];
  const spec = s.spec ?? {};
  const name = s.metadata.name ?? "";
  const requiredName = `${spec.version ?? ""}.${spec.group ?? ""}`;
  if (name !== requiredName) errs.push(fieldError.invalid("metadata.name", name, `must be ${requiredName}`));
  if (spec.group) for (const msg of isDNS1123Subdomain(spec.group)) errs.push(fieldError.invalid("spec.group", spec.group, msg));
  if (!spec.version) errs.push(fieldError.required("spec.version"));
  else for (const msg of isDNS1035Label(spec.version)) errs.push(fieldError.invalid("spec.version", spec.version, msg));
  const gpm = spec.groupPriorityMinimum ?? 0;
  if (gpm <= 0) errs.push(fieldError.invalid("spec.groupPriorityMinimum", gpm, "must be positive and less than 20000"));
  if (gpm >= 20000) errs.push(fieldError.invalid("spec.groupPriorityMinimum", gpm, "must be positive and less than 20000"));
  const vp = spec.versionPriority ?? 0;
  if (vp <= 0) errs.push(fieldError.invalid("spec.versionPriority", vp, "must be positive and less than 1000"));
  if (vp >= 1000) errs.push(fieldError.invalid("spec.versionPriority", vp, "must be positive and less than 1000"));
  if (!spec.service) {
    if (spec.caBundle) errs.push(fieldError.invalid("spec.caBundle", `${spec.caBundle.length} bytes`, "local APIServices may not have a caBundle"));
    if (spec.insecureSkipTLSVerify) errs.push(fieldError.invalid("spec.insecureSkipTLSVerify", spec.insecureSkipTLSVerify, "local APIServices may not have insecureSkipTLSVerify"));
  } else {
    if (!spec.service.namespace) errs.push(fieldError.required("spec.service.namespace"));
    if (!spec.service.name) errs.push(fieldError.required("spec.service.name"));
    const port = spec.service.port;
    if (port !== undefined && (port < 1 || port > 65535)) errs.push(fieldError.invalid("spec.service.port", port, "port is not valid: must be between 1 and 65535, inclusive"));
  }
  if (spec.insecureSkipTLSVerify && spec.caBundle) errs.push(fieldError.invalid("spec.insecureSkipTLSVerify", spec.insecureSkipTLSVerify, "may not be true if caBundle is present"));
  return errs;
}

const apiServiceTable: TableConvertor = {
  columns: [
    nameColumn,
    { name: "Service", type: "string", format: "", description: "The reference to the service that hosts this API endpoint.", priority: 0 },
    { name: "Available", type: "string", format: "", description: "Whether this service is available.", priority: 0 },
    ageColumn,
  ],
  cells(obj, now) {
    const s = obj as APIService;
    const svc = s.spec?.service ? `${s.spec.service.namespace}/${s.spec.service.name}` : "Local";
    const c = s.status?.conditions?.find((x) => x.type === "Available");
    const available = !c ? "Unknown" : c.status === "True" ? "True" : `${c.status} (${c.reason ?? ""})`;
    return [s.metadata.name, svc, available, translateTimestampSince(s.metadata.creationTimestamp, now)];
  },
};

export const apiServicesResource: ResourceType = {
  group: "apiregistration.k8s.io",
  version: "v1",
  kind: "APIService",
  plural: "apiservices",
  singular: "apiservice",
  namespaced: false,
  categories: ["api-extensions"],
  definition: n.APIService,
  definitions: apiServiceDefinitions,
  subresources: { status: true },
  strategy: {
    defaults: (obj: KubeObject) => defaultAPIService(obj as APIService),
    validate: (obj: KubeObject) => validateAPIService(obj as APIService),
    table: apiServiceTable,
  },
};
