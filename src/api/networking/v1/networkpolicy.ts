/**
 * networking.k8s.io/v1 networkpolicies: SetDefaults_NetworkPolicy / SetDefaults_NetworkPolicyPort
 * (pkg/apis/networking/v1/defaults.go), ValidateNetworkPolicy (pkg/apis/networking/validation)
 * and printNetworkPolicy (NAME POD-SELECTOR AGE).
 */
import { fieldError, labelSelectorFromObject } from "../../../machinery/index.js";
import type { FieldError, MetaLabelSelector } from "../../../machinery/index.js";
import type { KubeObject } from "../../object.js";
import type { ResourceType, TableConvertor } from "../../resource-type.js";
import { ageColumn, nameColumn, translateTimestampSince } from "../../table-helpers.js";
import { validateNameRule } from "../../_name-rule.js";
import { portNameErrors } from "../../_port-name.js";
import { formatLabelSelector } from "../../_workload.js";
import { n } from "./_names.js";
import { networkPolicyDefinitions } from "./networkpolicy-schema.js";
import type { IPBlock, NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort } from "./networkpolicy-types.js";

const asPolicy = (obj: KubeObject): NetworkPolicy => obj as NetworkPolicy;
const protocols = ["TCP", "UDP", "SCTP"];
const policyTypes = ["Ingress", "Egress"];

/** Every port without a protocol is TCP; no policyTypes means Ingress, plus Egress when egress rules are given. */
export function defaultNetworkPolicy(np: NetworkPolicy): void {
  np.spec ??= {};
  const spec = np.spec;
  // The Go struct is not a pointer: it is always written, `{}` when absent.
  spec.podSelector ??= {};
  for (const rule of [...(spec.ingress ?? []), ...(spec.egress ?? [])]) {
    for (const port of rule?.ports ?? []) if (port && port.protocol === undefined) port.protocol = "TCP";
  }
  if (!spec.policyTypes || spec.policyTypes.length === 0) {
    spec.policyTypes = spec.egress && spec.egress.length > 0 ? ["Ingress", "Egress"] : ["Ingress"];
  }
}

function selectorErrors(selector: MetaLabelSelector | undefined, path: string): FieldError[] {
  if (!selector) return [];
  const errs: FieldError[] = [];
  for (const [i, req] of (selector.matchExpressions ?? []).entries()) {
    const p = `${path}.matchExpressions[${i}]`;
    if ((req.operator === "In" || req.operator === "NotIn") && (req.values ?? []).length === 0) errs.push(fieldError.required(`${p}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
    if ((req.operator === "Exists" || req.operator === "DoesNotExist") && (req.values ?? []).length > 0) errs.push(fieldError.forbidden(`${p}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
    if (!["In", "NotIn", "Exists", "DoesNotExist"].includes(req.operator)) errs.push(fieldError.invalid(`${p}.operator`, req.operator, "not a valid selector operator"));
  }
  if (errs.length === 0) {
    try {
      labelSelectorFromObject(selector);
    } catch {
      errs.push(fieldError.invalid(path, selector, "invalid label selector"));
    }
  }
  return errs;
}

/** A parsed CIDR: family, the network's bits as a bigint, and the prefix length; undefined when not a CIDR. */
export function parseCidr(text: string): { family: 4 | 6; base: bigint; prefix: number } | undefined {
  const slash = text.indexOf("/");
  if (slash < 0) return undefined;
  const addr = parseIp(text.slice(0, slash));
  const prefixText = text.slice(slash + 1);
  if (!addr || !/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  const bits = addr.family === 4 ? 32 : 128;
  if (prefix > bits) return undefined;
  const mask = prefix === 0 ? 0n : ((1n << BigInt(prefix)) - 1n) << BigInt(bits - prefix);
  return { family: addr.family, base: addr.value & mask, prefix };
}

/** An IPv4 or IPv6 address as a number. */
export function parseIp(text: string): { family: 4 | 6; value: bigint } | undefined {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (v4) {
    const parts = v4.slice(1).map(Number);
    if (parts.some((p) => p > 255)) return undefined;
    return { family: 4, value: parts.reduce((acc, p) => (acc << 8n) | BigInt(p), 0n) };
  }
  if (!text.includes(":") || !/^[0-9a-fA-F:.]+$/.test(text)) return undefined;
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const groups = (s: string): string[] => (s === "" ? [] : s.split(":"));
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  const expandV4 = (g: string[]): string[] | undefined => {
    const last = g[g.length - 1];
    if (!last?.includes(".")) return g;
    const v = parseIp(last);
    if (!v || v.family !== 4) return undefined;
    return [...g.slice(0, -1), ((v.value >> 16n) & 0xffffn).toString(16), (v.value & 0xffffn).toString(16)];
  };
  const h = halves.length === 2 ? head : expandV4(head);
  const t = halves.length === 2 ? expandV4(tail) : [];
  if (!h || !t) return undefined;
  const missing = 8 - h.length - t.length;
  if ((halves.length === 2 && missing < 1) || (halves.length === 1 && missing !== 0)) return undefined;
  const all = [...h, ...Array<string>(halves.length === 2 ? missing : 0).fill("0"), ...t];
  if (all.some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
  return { family: 6, value: all.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n) };
}

const cidrMessage = "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)";

function ipBlockErrors(block: IPBlock, path: string): FieldError[] {
  if (!block.cidr) return [fieldError.required(`${path}.cidr`, "")];
  const cidr = parseCidr(block.cidr);
  if (!cidr) return [fieldError.invalid(`${path}.cidr`, block.cidr, cidrMessage)];
  const errs: FieldError[] = [];
  for (const [i, text] of (block.except ?? []).entries()) {
    const p = `${path}.except[${i}]`;
    const except = parseCidr(text);
    if (!except) {
      errs.push(fieldError.invalid(p, text, cidrMessage));
      continue;
    }
    const bits = cidr.family === 4 ? 32 : 128;
    const inside = except.family === cidr.family && except.prefix > cidr.prefix && (except.base >> BigInt(bits - cidr.prefix)) === (cidr.base >> BigInt(bits - cidr.prefix));
    if (!inside) errs.push(fieldError.invalid(p, text, "must be a strict subset of `cidr`"));
  }
  return errs;
}

function peerErrors(peer: NetworkPolicyPeer, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let count = 0;
  if (peer.podSelector) {
    count++;
    errs.push(...selectorErrors(peer.podSelector, `${path}.podSelector`));
  }
  if (peer.namespaceSelector) {
    count++;
    errs.push(...selectorErrors(peer.namespaceSelector, `${path}.namespaceSelector`));
  }
  if (peer.ipBlock) {
    count++;
    errs.push(...ipBlockErrors(peer.ipBlock, `${path}.ipBlock`));
  }
  if (count === 0) errs.push(fieldError.required(path, "must specify a peer"));
  else if (count > 1 && peer.ipBlock) errs.push(fieldError.forbidden(path, "may not specify both ipBlock and another peer"));
  return errs;
}

const portNumMessage = "must be between 1 and 65535, inclusive";
const validPort = (p: number): boolean => Number.isInteger(p) && p >= 1 && p <= 65535;

function portErrors(port: NetworkPolicyPort, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (port.protocol !== undefined && !protocols.includes(port.protocol)) errs.push(fieldError.notSupported(`${path}.protocol`, port.protocol, protocols));
  if (port.port === undefined) {
    if (port.endPort !== undefined) errs.push(fieldError.invalid(`${path}.endPort`, port.endPort, "may not be specified when `port` is not specified"));
  } else if (typeof port.port === "number") {
    if (!validPort(port.port)) errs.push(fieldError.invalid(`${path}.port`, port.port, portNumMessage));
    if (port.endPort !== undefined) {
      if (port.endPort < port.port) errs.push(fieldError.invalid(`${path}.endPort`, port.port, "must be greater than or equal to `port`"));
      if (!validPort(port.endPort)) errs.push(fieldError.invalid(`${path}.endPort`, port.endPort, portNumMessage));
    }
  } else {
    if (port.endPort !== undefined) errs.push(fieldError.invalid(`${path}.endPort`, port.endPort, "may not be specified when `port` is non-numeric"));
    for (const msg of portNameErrors(port.port)) errs.push(fieldError.invalid(`${path}.port`, port.port, msg));
  }
  return errs;
}

export function validateNetworkPolicy(np: NetworkPolicy): FieldError[] {
  const errs = validateNameRule(np);
  const spec = np.spec ?? {};
  errs.push(...selectorErrors(spec.podSelector, "spec.podSelector"));
  for (const [i, rule] of (spec.ingress ?? []).entries()) {
    for (const [j, port] of (rule.ports ?? []).entries()) errs.push(...portErrors(port, `spec.ingress[${i}].ports[${j}]`));
    for (const [j, peer] of (rule.from ?? []).entries()) errs.push(...peerErrors(peer, `spec.ingress[${i}].from[${j}]`));
  }
  for (const [i, rule] of (spec.egress ?? []).entries()) {
    for (const [j, port] of (rule.ports ?? []).entries()) errs.push(...portErrors(port, `spec.egress[${i}].ports[${j}]`));
    for (const [j, peer] of (rule.to ?? []).entries()) errs.push(...peerErrors(peer, `spec.egress[${i}].to[${j}]`));
  }
  const types = spec.policyTypes ?? [];
  if (types.length > policyTypes.length) {
    errs.push(fieldError.invalid("spec.policyTypes", types, "may not specify more than two policyTypes"));
    return errs;
  }
  for (const [i, t] of types.entries()) if (!policyTypes.includes(t)) errs.push(fieldError.notSupported(`spec.policyTypes[${i}]`, t, policyTypes));
  return errs;
}

export const networkPolicyTable: TableConvertor = {
  columns: [
    nameColumn,
    { name: "Pod-Selector", type: "string", description: "podSelector selects the pods to which this NetworkPolicy object applies. The array of rules is applied to any pods selected by this field. An empty selector matches all pods in the policy's namespace. Multiple network policies can select the same set of pods. In this case, the ingress rules for each are combined additively. This field is optional. If it is not specified, it defaults to an empty selector.", priority: 0 },
    ageColumn,
  ],
  cells(obj, now) {
    const np = asPolicy(obj);
    return [np.metadata.name, formatLabelSelector(np.spec?.podSelector), translateTimestampSince(np.metadata.creationTimestamp, now)];
  },
};

export const networkPoliciesResource: ResourceType = {
  group: "networking.k8s.io",
  version: "v1",
  kind: "NetworkPolicy",
  plural: "networkpolicies",
  singular: "networkpolicy",
  namespaced: true,
  shortNames: ["netpol"],
  definition: n.NetworkPolicy,
  definitions: networkPolicyDefinitions,
  strategy: {
    defaults: (obj) => defaultNetworkPolicy(asPolicy(obj)),
    validate: (obj) => validateNetworkPolicy(asPolicy(obj)),
    table: networkPolicyTable,
    tracksGeneration: true,
  },
};
