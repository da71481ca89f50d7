/** Service validation, after ValidateService / ValidateServiceUpdate in pkg/apis/core/validation. */
import { fieldError, isDNS1123Label, nameIsDNS1035Label } from "../../../machinery/index.js";
import type { FieldError } from "../../../machinery/index.js";
import type { Service } from "./service-types.js";
import { portNameErrors, portNumErrors, supported, validateName } from "./_validation-helpers.js";

export const serviceTypes = ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"];

export function validateService(svc: Service, old: Service | undefined, subresource: string): FieldError[] {
  const errs = validateName(svc, nameIsDNS1035Label);
  if (subresource === "status") return errs;
  const spec = svc.spec ?? {};
  const headless = spec.clusterIP === "None";
  const ports = spec.ports ?? [];
  if (ports.length === 0 && !headless && spec.type !== "ExternalName") errs.push(fieldError.required("spec.ports"));
  const names = new Set<string>();
  ports.forEach((p, i) => {
    const path = `spec.ports[${i}]`;
    if (ports.length > 1 && !p.name) errs.push(fieldError.required(`${path}.name`));
    if (p.name) {
      for (const msg of isDNS1123Label(p.name)) errs.push(fieldError.invalid(`${path}.name`, p.name, msg));
      if (names.has(p.name)) errs.push(fieldError.duplicate(`${path}.name`, p.name));
      names.add(p.name);
    }
    for (const msg of portNumErrors(p.port)) errs.push(fieldError.invalid(`${path}.port`, p.port, msg));
    errs.push(...supported(`${path}.protocol`, p.protocol, ["SCTP", "TCP", "UDP"]));
    if (typeof p.targetPort === "number") for (const msg of portNumErrors(p.targetPort)) errs.push(fieldError.invalid(`${path}.targetPort`, p.targetPort, msg));
    if (typeof p.targetPort === "string") for (const msg of portNameErrors(p.targetPort)) errs.push(fieldError.invalid(`${path}.targetPort`, p.targetPort, msg));
    if (p.nodePort) {
      for (const msg of portNumErrors(p.nodePort)) errs.push(fieldError.invalid(`${path}.nodePort`, p.nodePort, msg));
      if (spec.type === "ClusterIP") errs.push(fieldError.forbidden(`${path}.nodePort`, "may not be used when `type` is 'ClusterIP'"));
    }
  });
  errs.push(...supported("spec.type", spec.type, serviceTypes));
  errs.push(...supported("spec.sessionAffinity", spec.sessionAffinity, ["ClientIP", "None"]));
  if (spec.type === "ExternalName" && !spec.externalName) errs.push(fieldError.required("spec.externalName"));
  const oldIP = old?.spec?.clusterIPs?.[0] ?? old?.spec?.clusterIP;
  const newIP = spec.clusterIPs?.[0] ?? spec.clusterIP;
  if (old && oldIP && newIP && oldIP !== newIP && spec.type !== "ExternalName") {
    errs.push(fieldError.invalid("spec.clusterIPs[0]", newIP, "may not change once set"));
  }
  return errs;
}
