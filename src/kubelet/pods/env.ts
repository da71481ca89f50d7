import type { ConfigMap, Container, EnvVar, Pod, Secret, Service } from "../../api/index.js";
import { parseQuantity } from "../../machinery/index.js";

/** The objects env resolution reads: fetched by the caller (from the API), so this stays pure. */
export interface EnvSources {
  configMap(name: string): ConfigMap | undefined;
  secret(name: string): Secret | undefined;
  /** Services of the pod's namespace (for service links) and the master `kubernetes` service of "default". */
  services: Service[];
  masterService?: Service;
  /** Node allocatable, for resourceFieldRef of a container without a limit. */
  nodeAllocatable: Record<string, string>;
}

/** A container config error the kubelet reports as CreateContainerConfigError. */
export class ContainerConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ContainerConfigError";
  }
}

/**
 * The container's environment, as the kubelet's makeEnvironmentVariables
 * (pkg/kubelet/kubelet_pods.go): envFrom first, then env in order with `$(VAR)` expanded
 * against what came before and the service variables, then service variables not
 * already set. Returns ordered key/value pairs.
 */
export function resolveEnv(pod: Pod, container: Container, src: EnvSources): Array<{ key: string; value: string }> {
  const ns = pod.metadata.namespace ?? "default";
  const serviceEnv = serviceLinkEnv(pod, src);
  const env = new Map<string, string>();
  for (const from of container.envFrom ?? []) {
    const prefix = from.prefix ?? "";
    if (from.configMapRef) {
      const cm = src.configMap(from.configMapRef.name ?? "");
      if (!cm) {
        if (from.configMapRef.optional) continue;
        throw new ContainerConfigError(`configmap "${from.configMapRef.name}" not found`);
      }
      for (const [k, v] of Object.entries({ ...cm.data })) if (isEnvVarName(prefix + k)) env.set(prefix + k, v);
    } else if (from.secretRef) {
      const s = src.secret(from.secretRef.name ?? "");
      if (!s) {
        if (from.secretRef.optional) continue;
        throw new ContainerConfigError(`secret "${from.secretRef.name}" not found`);
      }
      for (const [k, v] of Object.entries(s.data ?? {})) if (isEnvVarName(prefix + k)) env.set(prefix + k, Buffer.from(v, "base64").toString("utf8"));
    }
  }
  for (const e of container.env ?? []) {
    const value = envValue(pod, container, e, env, serviceEnv, src, ns);
    if (value !== undefined) env.set(e.name, value);
  }
  for (const [k, v] of serviceEnv) if (!env.has(k)) env.set(k, v);
  return [...env].map(([key, value]) => ({ key, value }));
}

function envValue(pod: Pod, container: Container, e: EnvVar, env: Map<string, string>, serviceEnv: Map<string, string>, src: EnvSources, ns: string): string | undefined {
  if (e.value !== undefined) return expand(e.value, (name) => env.get(name) ?? serviceEnv.get(name));
  const from = e.valueFrom;
  if (!from) return "";
  if (from.fieldRef) return podFieldValue(pod, from.fieldRef.fieldPath);
  if (from.resourceFieldRef) return resourceFieldValue(pod, from.resourceFieldRef.containerName || container.name, from.resourceFieldRef.resource, from.resourceFieldRef.divisor, src.nodeAllocatable);
  if (from.configMapKeyRef) {
    const ref = from.configMapKeyRef;
    const cm = src.configMap(ref.name ?? "");
    if (!cm) {
      if (ref.optional) return undefined;
      throw new ContainerConfigError(`configmap "${ref.name}" not found`);
    }
    const v = cm.data?.[ref.key] ?? (cm.binaryData?.[ref.key] !== undefined ? Buffer.from(cm.binaryData[ref.key], "base64").toString("utf8") : undefined);
    if (v === undefined) {
      if (ref.optional) return undefined;
      throw new ContainerConfigError(`couldn't find key ${ref.key} in ConfigMap ${ns}/${ref.name}`);
    }
    return v;
  }
  if (from.secretKeyRef) {
    const ref = from.secretKeyRef;
    const s = src.secret(ref.name ?? "");
    if (!s) {
      if (ref.optional) return undefined;
      throw new ContainerConfigError(`secret "${ref.name}" not found`);
    }
    const v = s.data?.[ref.key];
    if (v === undefined) {
      if (ref.optional) return undefined;
      throw new ContainerConfigError(`couldn't find key ${ref.key} in Secret ${ns}/${ref.name}`);
    }
    return Buffer.from(v, "base64").toString("utf8");
  }
  return "";
}

/**
 * `$(VAR)` expansion as k8s.io/kubernetes third_party/forked/golang/expansion: `$$` is an
 * escaped `$`, `$(NAME)` becomes NAME's value when defined and stays as written otherwise.
 */
export function expand(input: string, lookup: (name: string) => string | undefined): string {
  let out = "";
  for (let i = 0; i < input.length; i++) {
    const c = input[i];
    if (c !== "$" || i + 1 >= input.length) {
      out += c;
      continue;
    }
    const next = input[i + 1];
    if (next === "$") {
      out += "$";
      i++;
    } else if (next === "(") {
      const close = input.indexOf(")", i + 2);
      if (close < 0) {
        out += input.slice(i);
        break;
      }
      const name = input.slice(i + 2, close);
      const v = lookup(name);
      out += v === undefined ? `$(${name})` : v;
      i = close;
    } else {
      out += c;
    }
  }
  return out;
}

/** The value of a downward API field (pkg/fieldpath + the kubelet's podFieldSelectorRuntimeValue). */
export function podFieldValue(pod: Pod, path: string): string {
  const m = /^metadata\.(labels|annotations)\['(.*)'\]$/.exec(path);
  if (m) return (m[1] === "labels" ? pod.metadata.labels : pod.metadata.annotations)?.[m[2]] ?? "";
  switch (path) {
    case "metadata.name":
      return pod.metadata.name ?? "";
    case "metadata.namespace":
      return pod.metadata.namespace ?? "";
    case "metadata.uid":
      return pod.metadata.uid ?? "";
    case "metadata.labels":
      return formatMap(pod.metadata.labels);
    case "metadata.annotations":
      return formatMap(pod.metadata.annotations);
    case "spec.nodeName":
      return pod.spec?.nodeName ?? "";
    case "spec.serviceAccountName":
      return pod.spec?.serviceAccountName ?? "";
    case "status.hostIP":
      return pod.status?.hostIP ?? "";
    case "status.hostIPs":
      return (pod.status?.hostIPs ?? []).map((h) => h.ip).join(",");
    case "status.podIP":
      return pod.status?.podIP ?? "";
    case "status.podIPs":
      return (pod.status?.podIPs ?? []).map((p) => p.ip).join(",");
    default:
      throw new ContainerConfigError(`unsupported fieldPath: ${path}`);
  }
}

/** `key="value"` lines sorted by key, as the downward API writes labels and annotations. */
export function formatMap(m: Record<string, string> | undefined): string {
  return Object.keys(m ?? {})
    .sort()
    .map((k) => `${k}=${JSON.stringify(m?.[k])}`)
    .join("\n");
}

/** limits.cpu, requests.memory… divided by `divisor` and rounded up; a missing limit is node allocatable (resource/helpers.go). */
export function resourceFieldValue(pod: Pod, containerName: string, resource: string, divisor: string | undefined, allocatable: Record<string, string>): string {
  const c = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].find((x) => x.name === containerName);
  if (!c) throw new ContainerConfigError(`container ${containerName} not found`);
  const [kind, name] = resource.split(".", 2) as ["limits" | "requests", string];
  let q = kind === "limits" ? c.resources?.limits?.[name] : c.resources?.requests?.[name];
  if (q === undefined && kind === "limits") q = allocatable[name];
  if (q === undefined) q = "0";
  const div = parseQuantity(divisor && divisor !== "0" ? divisor : name === "cpu" ? "1" : "1");
  const value = parseQuantity(q);
  if (name === "cpu") {
    const milli = value.milliValue();
    const divMilli = div.milliValue();
    return String(Math.ceil(milli / divMilli));
  }
  return String(Math.ceil(value.toNumber() / div.toNumber()));
}

function isEnvVarName(name: string): boolean {
  return /^[-._a-zA-Z][-._a-zA-Z0-9]*$/.test(name);
}

/**
 * Docker-link-style variables for services (pkg/kubelet/envvars): the `kubernetes`
 * service of "default" always, the pod's namespace services when enableServiceLinks.
 */
export function serviceLinkEnv(pod: Pod, src: EnvSources): Map<string, string> {
  const out = new Map<string, string>();
  const services: Service[] = [];
  if (pod.spec?.enableServiceLinks !== false) services.push(...src.services.filter((s) => s.metadata.namespace === pod.metadata.namespace));
  if (src.masterService && !services.some((s) => s.metadata.uid === src.masterService?.metadata.uid)) services.push(src.masterService);
  services.sort((a, b) => (a.metadata.name ?? "").localeCompare(b.metadata.name ?? ""));
  for (const svc of services) {
    const ip = svc.spec?.clusterIP;
    if (!ip || ip === "None") continue;
    const ports = svc.spec?.ports ?? [];
    if (ports.length === 0) continue;
    const name = (svc.metadata.name ?? "").toUpperCase().replace(/-/g, "_");
    const host = ip.includes(":") ? `[${ip}]` : ip;
    out.set(`${name}_SERVICE_HOST`, ip);
    out.set(`${name}_SERVICE_PORT`, String(ports[0].port));
    for (const p of ports) if (p.name) out.set(`${name}_SERVICE_PORT_${p.name.toUpperCase().replace(/-/g, "_")}`, String(p.port));
    const first = ports[0];
    out.set(`${name}_PORT`, `${(first.protocol ?? "TCP").toLowerCase()}://${host}:${first.port}`);
    for (const p of ports) {
      const proto = (p.protocol ?? "TCP").toUpperCase();
      const prefix = `${name}_PORT_${p.port}_${proto}`;
      out.set(prefix, `${proto.toLowerCase()}://${host}:${p.port}`);
      out.set(`${prefix}_PROTO`, proto.toLowerCase());
      out.set(`${prefix}_PORT`, String(p.port));
      out.set(`${prefix}_ADDR`, ip);
    }
  }
  return out;
}
