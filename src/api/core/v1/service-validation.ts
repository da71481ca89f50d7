/** Service validation, after ValidateService / ValidateServiceUpdate in pkg/apis/core/validation. */
import { isIP } from "node:net";
import { fieldError, isDNS1123Label, isDNS1123Subdomain, nameIsDNS1035Label } from "../../../machinery/index.js";
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
  if (spec.type === "ExternalName") errs.push(...externalNameErrors(svc));
  else errs.push(...clusterIPsRelatedErrors(svc));
  if ((spec.type === "NodePort" || spec.type === "LoadBalancer") && spec.clusterIPs?.[0] === "None") {
    errs.push(fieldError.invalid("spec.clusterIPs[0]", "None", `may not be set to 'None' for ${spec.type} services`));
  }
  if (old) errs.push(...clusterIPUpdateErrors(old, svc));
  return errs;
}

function externalNameErrors(svc: Service): FieldError[] {
  const spec = svc.spec ?? {};
  const errs: FieldError[] = [];
  if ((spec.clusterIPs ?? []).length > 0) errs.push(fieldError.forbidden("spec.clusterIPs", "may not be set for ExternalName services"));
  if ((spec.ipFamilies ?? []).length > 0) errs.push(fieldError.forbidden("spec.ipFamilies", "may not be set for ExternalName services"));
  if (spec.ipFamilyPolicy !== undefined) errs.push(fieldError.forbidden("spec.ipFamilyPolicy", "may not be set for ExternalName services"));
  const cname = (spec.externalName ?? "").replace(/\.$/, "");
  if (!cname) errs.push(fieldError.required("spec.externalName"));
  else for (const msg of isDNS1123Subdomain(cname)) errs.push(fieldError.invalid("spec.externalName", cname, msg));
  return errs;
}

const ipMessage = "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)";

/** ValidateServiceClusterIPsRelatedFields: clusterIP/clusterIPs in sync, valid IPs, families and policy. */
function clusterIPsRelatedErrors(svc: Service): FieldError[] {
  const spec = svc.spec ?? {};
  const errs: FieldError[] = [];
  const ips = spec.clusterIPs ?? [];
  if (spec.clusterIP) {
    if (ips.length === 0) errs.push(fieldError.required("spec.clusterIPs"));
    else if (ips[0] !== spec.clusterIP) errs.push(fieldError.invalid("spec.clusterIPs", ips, "first value must match `clusterIP`"));
  } else if (ips.length > 0) {
    errs.push(fieldError.invalid("spec.clusterIPs", ips, "must be empty when `clusterIP` is not specified"));
  }
  const seen = new Set<string>();
  (spec.ipFamilies ?? []).forEach((f, i) => {
    if (f !== "IPv4" && f !== "IPv6") errs.push(fieldError.notSupported(`spec.ipFamilies[${i}]`, f, ["IPv4", "IPv6"]));
    if (seen.has(f)) errs.push(fieldError.duplicate(`spec.ipFamilies[${i}]`, f));
    seen.add(f);
  });
  errs.push(...supported("spec.ipFamilyPolicy", spec.ipFamilyPolicy, ["PreferDualStack", "RequireDualStack", "SingleStack"]));
  let invalidIPs = false;
  ips.forEach((ip, i) => {
    if (i === 0 && ip === "None") {
      if (ips.length > 1) {
        invalidIPs = true;
        errs.push(fieldError.invalid("spec.clusterIPs", ips, "'None' must be the first and only value"));
      }
      return;
    }
    if (isIP(ip) === 0) {
      invalidIPs = true;
      errs.push(fieldError.invalid(`spec.clusterIPs[${i}]`, ip, ipMessage));
    }
  });
  if (ips.length > 2) errs.push(fieldError.invalid("spec.clusterIPs", ips, "may only hold up to 2 values"));
  if (invalidIPs) return errs;
  if (ips.length > 1 && isIP(ips[0]!) === isIP(ips[1]!)) errs.push(fieldError.invalid("spec.clusterIPs", ips, "may specify no more than one IP for each IP family"));
  const headless = ips.length === 1 && ips[0] === "None";
  if (!headless) {
    ips.forEach((ip, i) => {
      const fam = spec.ipFamilies?.[i];
      if (fam === "IPv4" && isIP(ip) === 6) errs.push(fieldError.invalid(`spec.clusterIPs[${i}]`, ip, `expected an IPv4 value as indicated by \`ipFamilies[${i}]\``));
      if (fam === "IPv6" && isIP(ip) !== 6) errs.push(fieldError.invalid(`spec.clusterIPs[${i}]`, ip, `expected an IPv6 value as indicated by \`ipFamilies[${i}]\``));
    });
  }
  return errs;
}

/** validateUpgradeDowngradeClusterIPs: ClusterIPs may be added or the secondary dropped, never changed. */
function clusterIPUpdateErrors(old: Service, svc: Service): FieldError[] {
  if (svc.spec?.type === "ExternalName" || old.spec?.type === "ExternalName") return [];
  const oldIPs = old.spec?.clusterIPs ?? [];
  const ips = svc.spec?.clusterIPs ?? [];
  const headless = (s: string[]) => s.length === 1 && s[0] === "None";
  if (headless(oldIPs) && headless(ips)) return [];
  const errs: FieldError[] = [];
  if (oldIPs.length === ips.length) {
    oldIPs.forEach((ip, i) => {
      if (ip !== ips[i]) errs.push(fieldError.invalid(`spec.clusterIPs[${i}]`, ips, "may not change once set"));
    });
  } else if (oldIPs.length > ips.length) {
    if (ips.length === 0) errs.push(fieldError.invalid("spec.clusterIPs[0]", ips, "primary clusterIP can not be unset"));
    if (oldIPs.length > 0 && ips.length > 0 && ips[0] !== oldIPs[0]) errs.push(fieldError.invalid("spec.clusterIPs[0]", ips, "may not change once set"));
    if (ips.length === 1 && svc.spec?.ipFamilyPolicy !== "SingleStack") {
      errs.push(fieldError.invalid("spec.ipFamilyPolicy", svc.spec?.ipFamilyPolicy ?? null, "must be set to 'SingleStack' when releasing the secondary clusterIP"));
    }
  } else if (oldIPs.length > 0 && ips[0] !== oldIPs[0]) {
    errs.push(fieldError.invalid("spec.clusterIPs[0]", ips, "may not change once set"));
  }
  return errs;
}
