/**
 * The Pod Security Standards checks (staging/src/k8s.io/pod-security-admission/policy):
 * each check looks at a pod's metadata and spec and names what breaks its level, with
 * upstream's reason and detail text. Pure functions; the admission plugin is in pod-security.ts.
 */
import type { Container, LifecycleHandler, ObjectMeta, PodSpec, Probe } from "../../api/index.js";

export type Level = "privileged" | "baseline" | "restricted";
export const levels: readonly Level[] = ["privileged", "baseline", "restricted"];

/** A policy version: a minor of 1.x, or "latest" (newer than any). */
export type Version = { latest: true } | { latest: false; minor: number };
export const latest: Version = { latest: true };

export interface LevelVersion {
  level: Level;
  version: Version;
}

export function levelVersionString(lv: LevelVersion): string {
  return `${lv.level}:${lv.version.latest ? "latest" : `v1.${lv.version.minor}`}`;
}

export interface CheckResult {
  reason: string;
  detail: string;
}

type CheckFn = (meta: ObjectMeta, spec: PodSpec) => CheckResult | undefined;

interface Check {
  id: string;
  level: "baseline" | "restricted";
  /** Versioned implementations, oldest first: the last whose minimum is ≤ the evaluated version applies. */
  versions: { min: number; fn: CheckFn }[];
  /** Baseline checks this restricted check replaces. */
  overrides?: string[];
}

const joinQuote = (items: readonly string[]): string => (items.length === 0 ? "" : `"${items.join('", "')}"`);
const pluralize = (singular: string, plural: string, count: number): string => (count === 1 ? singular : plural);
/** Go's sets.NewString(...).List(): unique, sorted by bytes. */
const sortedSet = (items: Iterable<string>): string[] => [...new Set(items)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
const containersPhrase = (names: string[]): string => `${pluralize("container", "containers", names.length)} ${joinQuote(names)}`;

/** visitContainers: init containers, then containers, then ephemeral containers. */
function allContainers(spec: PodSpec): Container[] {
  return [...(spec.initContainers ?? []), ...(spec.containers ?? []), ...((spec.ephemeralContainers ?? []) as Container[])];
}

const isWindows = (spec: PodSpec): boolean => spec.os?.name === "windows";

// ---- baseline ----

const privileged: CheckFn = (_m, spec) => {
  const bad = allContainers(spec).filter((c) => c.securityContext?.privileged === true).map((c) => c.name);
  return bad.length > 0 ? { reason: "privileged", detail: `${containersPhrase(bad)} must not set securityContext.privileged=true` } : undefined;
};

const hostNamespaces: CheckFn = (_m, spec) => {
  const bad: string[] = [];
  if (spec.hostNetwork) bad.push("hostNetwork=true");
  if (spec.hostPID) bad.push("hostPID=true");
  if (spec.hostIPC) bad.push("hostIPC=true");
  return bad.length > 0 ? { reason: "host namespaces", detail: bad.join(", ") } : undefined;
};

const baselineCapabilities = new Set(["AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"]);
const capabilitiesBaseline: CheckFn = (_m, spec) => {
  const bad: string[] = [];
  const caps: string[] = [];
  for (const c of allContainers(spec)) {
    const added = (c.securityContext?.capabilities?.add ?? []).filter((cap) => !baselineCapabilities.has(cap));
    if (added.length > 0) {
      bad.push(c.name);
      caps.push(...added);
    }
  }
  return bad.length > 0 ? { reason: "non-default capabilities", detail: `${containersPhrase(bad)} must not include ${joinQuote(sortedSet(caps))} in securityContext.capabilities.add` } : undefined;
};

const hostPathVolumes: CheckFn = (_m, spec) => {
  const bad = (spec.volumes ?? []).filter((v) => v.hostPath).map((v) => v.name);
  return bad.length > 0 ? { reason: "hostPath volumes", detail: `${pluralize("volume", "volumes", bad.length)} ${joinQuote(bad)}` } : undefined;
};

const hostPorts: CheckFn = (_m, spec) => {
  const bad: string[] = [];
  const ports: string[] = [];
  for (const c of allContainers(spec)) {
    const used = (c.ports ?? []).filter((p) => p.hostPort).map((p) => String(p.hostPort));
    if (used.length > 0) {
      bad.push(c.name);
      ports.push(...used);
    }
  }
  const list = sortedSet(ports);
  return bad.length > 0
    ? { reason: "hostPort", detail: `${containersPhrase(bad)} ${pluralize("uses", "use", bad.length)} ${pluralize("hostPort", "hostPorts", list.length)} ${list.join(", ")}` }
    : undefined;
};

const hostProbesAndLifecycle: CheckFn = (_m, spec) => {
  const bad = new Set<string>();
  const hosts: string[] = [];
  const probeHosts = (p: Probe | LifecycleHandler | undefined): string[] => [p?.httpGet?.host, p?.tcpSocket?.host].filter((h): h is string => !!h);
  for (const c of allContainers(spec)) {
    const found = [...probeHosts(c.livenessProbe), ...probeHosts(c.readinessProbe), ...probeHosts(c.startupProbe), ...probeHosts(c.lifecycle?.postStart), ...probeHosts(c.lifecycle?.preStop)];
    if (found.length > 0) {
      bad.add(c.name);
      hosts.push(...found);
    }
  }
  const names = sortedSet(bad);
  const list = sortedSet(hosts);
  return names.length > 0
    ? { reason: "probe or lifecycle host", detail: `${containersPhrase(names)} ${pluralize("uses", "use", names.length)} ${pluralize("probe or lifecycle host", "probe or lifecycle hosts", list.length)} ${joinQuote(list)}` }
    : undefined;
};

const appArmorAnnotationPrefix = "container.apparmor.security.beta.kubernetes.io/";
const appArmor: CheckFn = (meta, spec) => {
  const allowedType = (t: string | undefined) => t === "RuntimeDefault" || t === "Localhost";
  const setters: string[] = [];
  const values: string[] = [];
  const podProfile = spec.securityContext?.appArmorProfile;
  if (podProfile && !allowedType(podProfile.type)) {
    setters.push("pod");
    values.push(podProfile.type ?? "");
  }
  const bad: string[] = [];
  for (const c of allContainers(spec)) {
    const p = c.securityContext?.appArmorProfile;
    if (p && !allowedType(p.type)) {
      bad.push(c.name);
      values.push(p.type ?? "");
    }
  }
  if (bad.length > 0) setters.push(containersPhrase(bad));
  const annotations = Object.entries(meta.annotations ?? {})
    .filter(([k, v]) => k.startsWith(appArmorAnnotationPrefix) && !(v === "" || v === "runtime/default" || v.startsWith("localhost/")))
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .sort();
  const badValues = [...sortedSet(values), ...annotations];
  if (annotations.length > 0) setters.push(pluralize("annotation", "annotations", annotations.length));
  return setters.length > 0
    ? { reason: pluralize("forbidden AppArmor profile", "forbidden AppArmor profiles", badValues.length), detail: `${setters.join(" and ")} must not set AppArmor profile type to ${joinQuote(badValues)}` }
    : undefined;
};

const seLinuxTypes = new Set(["", "container_t", "container_init_t", "container_kvm_t"]);
const seLinuxOptions: CheckFn = (_m, spec) => {
  const setters: string[] = [];
  const badTypes: string[] = [];
  let setUser = false;
  let setRole = false;
  const valid = (o: { type?: string; user?: string; role?: string }): boolean => {
    let ok = true;
    if (!seLinuxTypes.has(o.type ?? "")) {
      ok = false;
      badTypes.push(o.type ?? "");
    }
    if (o.user) (ok = false), (setUser = true);
    if (o.role) (ok = false), (setRole = true);
    return ok;
  };
  if (spec.securityContext?.seLinuxOptions && !valid(spec.securityContext.seLinuxOptions)) setters.push("pod");
  const bad = allContainers(spec).filter((c) => c.securityContext?.seLinuxOptions && !valid(c.securityContext.seLinuxOptions)).map((c) => c.name);
  if (bad.length > 0) setters.push(containersPhrase(bad));
  if (setters.length === 0) return undefined;
  // As upstream: the user and role notes are only given alongside a bad type.
  const data: string[] = [];
  const types = sortedSet(badTypes);
  if (types.length > 0) {
    data.push(`${pluralize("type", "types", types.length)} ${joinQuote(types)}`);
    if (setUser) data.push("user may not be set");
    if (setRole) data.push("role may not be set");
  }
  return { reason: "seLinuxOptions", detail: `${setters.join(" and ")} set forbidden securityContext.seLinuxOptions: ${data.join("; ")}` };
};

const procMount: CheckFn = (_m, spec) => {
  const bad: string[] = [];
  const types: string[] = [];
  for (const c of allContainers(spec)) {
    const pm = c.securityContext?.procMount;
    if (pm !== undefined && pm !== "Default") {
      bad.push(c.name);
      types.push(pm);
    }
  }
  return bad.length > 0 ? { reason: "procMount", detail: `${containersPhrase(bad)} must not set securityContext.procMount to ${joinQuote(sortedSet(types))}` } : undefined;
};

const seccompPodAnnotation = "seccomp.security.alpha.kubernetes.io/pod";
const seccompContainerAnnotationPrefix = "container.seccomp.security.alpha.kubernetes.io/";
const validSeccomp = (t: string | undefined): boolean => t === "Localhost" || t === "RuntimeDefault";

const seccompBaseline_1_0: CheckFn = (meta, spec) => {
  const valid = (v: string) => v === "runtime/default" || v === "docker/default" || v.startsWith("localhost/");
  const bad: string[] = [];
  const a = meta.annotations ?? {};
  if (a[seccompPodAnnotation] !== undefined && !valid(a[seccompPodAnnotation])) bad.push(`${seccompPodAnnotation}=${JSON.stringify(a[seccompPodAnnotation])}`);
  for (const c of allContainers(spec)) {
    const key = seccompContainerAnnotationPrefix + c.name;
    if (a[key] !== undefined && !valid(a[key])) bad.push(`${key}=${JSON.stringify(a[key])}`);
  }
  const list = sortedSet(bad);
  return list.length > 0 ? { reason: "seccompProfile", detail: `forbidden ${pluralize("annotation", "annotations", list.length)} ${list.join(", ")}` } : undefined;
};

const seccompBaseline_1_19: CheckFn = (_m, spec) => {
  const setters: string[] = [];
  const values: string[] = [];
  const podProfile = spec.securityContext?.seccompProfile;
  if (podProfile && !validSeccomp(podProfile.type)) {
    setters.push("pod");
    values.push(podProfile.type ?? "");
  }
  const bad: string[] = [];
  for (const c of allContainers(spec)) {
    const p = c.securityContext?.seccompProfile;
    if (p && !validSeccomp(p.type)) {
      bad.push(c.name);
      values.push(p.type ?? "");
    }
  }
  if (bad.length > 0) setters.push(containersPhrase(bad));
  return setters.length > 0 ? { reason: "seccompProfile", detail: `${setters.join(" and ")} must not set securityContext.seccompProfile.type to ${joinQuote(sortedSet(values))}` } : undefined;
};

// Safe sysctls by the policy version that allowed them.
const safeSysctls: [number, string[]][] = [
  [0, ["kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range", "net.ipv4.ip_unprivileged_port_start"]],
  [27, ["net.ipv4.ip_local_reserved_ports"]],
  [29, ["net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes"]],
  [32, ["net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem"]],
];
function sysctlsFor(minor: number): CheckFn {
  const allowed = new Set(safeSysctls.filter(([min]) => min <= minor).flatMap(([, names]) => names));
  return (_m, spec) => {
    const bad = (spec.securityContext?.sysctls ?? []).filter((s) => !allowed.has(s.name)).map((s) => s.name);
    return bad.length > 0 ? { reason: "forbidden sysctls", detail: bad.join(", ") } : undefined;
  };
}

const windowsHostProcess: CheckFn = (_m, spec) => {
  const setters: string[] = [];
  if (spec.securityContext?.windowsOptions?.hostProcess === true) setters.push("pod");
  const bad = allContainers(spec).filter((c) => c.securityContext?.windowsOptions?.hostProcess === true).map((c) => c.name);
  if (bad.length > 0) setters.push(containersPhrase(bad));
  return setters.length > 0 ? { reason: "hostProcess", detail: `${setters.join(" and ")} must not set securityContext.windowsOptions.hostProcess=true` } : undefined;
};

// ---- restricted ----

const allowedVolumeSources = ["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret"];
const restrictedVolumeSources = ["hostPath", "gcePersistentDisk", "awsElasticBlockStore", "gitRepo", "nfs", "iscsi", "glusterfs", "rbd", "flexVolume", "cinder", "cephfs", "flocker", "fc", "azureFile", "vsphereVolume", "quobyte", "azureDisk", "photonPersistentDisk", "portworxVolume", "scaleIO", "storageos"];
const restrictedVolumes: CheckFn = (_m, spec) => {
  const bad: string[] = [];
  const types: string[] = [];
  for (const v of spec.volumes ?? []) {
    const fields = v as unknown as Record<string, unknown>;
    if (allowedVolumeSources.some((k) => fields[k] != null)) continue;
    bad.push(v.name);
    types.push(restrictedVolumeSources.find((k) => fields[k] != null) ?? "unknown");
  }
  const list = sortedSet(types);
  return bad.length > 0
    ? { reason: "restricted volume types", detail: `${pluralize("volume", "volumes", bad.length)} ${joinQuote(bad)} ${pluralize("uses", "use", bad.length)} ${pluralize("restricted volume type", "restricted volume types", list.length)} ${joinQuote(list)}` }
    : undefined;
};

function allowPrivilegeEscalation(skipWindows: boolean): CheckFn {
  return (_m, spec) => {
    if (skipWindows && isWindows(spec)) return undefined;
    const bad = allContainers(spec).filter((c) => c.securityContext?.allowPrivilegeEscalation !== false).map((c) => c.name);
    return bad.length > 0 ? { reason: "allowPrivilegeEscalation != false", detail: `${containersPhrase(bad)} must set securityContext.allowPrivilegeEscalation=false` } : undefined;
  };
}

const runAsNonRoot: CheckFn = (_m, spec) => {
  const setters: string[] = [];
  let podNonRoot = false;
  const podValue = spec.securityContext?.runAsNonRoot;
  if (podValue === false) setters.push("pod");
  else if (podValue === true) podNonRoot = true;
  const explicit: string[] = [];
  const implicit: string[] = [];
  for (const c of allContainers(spec)) {
    const v = c.securityContext?.runAsNonRoot;
    if (v === false) explicit.push(c.name);
    else if (v === undefined && !podNonRoot) implicit.push(c.name);
  }
  if (explicit.length > 0) setters.push(containersPhrase(explicit));
  if (setters.length > 0) return { reason: "runAsNonRoot != true", detail: `${setters.join(" and ")} must not set securityContext.runAsNonRoot=false` };
  if (implicit.length > 0) return { reason: "runAsNonRoot != true", detail: `pod or ${containersPhrase(implicit)} must set securityContext.runAsNonRoot=true` };
  return undefined;
};

const runAsUser: CheckFn = (_m, spec) => {
  const setters: string[] = [];
  if (spec.securityContext?.runAsUser === 0) setters.push("pod");
  const bad = allContainers(spec).filter((c) => c.securityContext?.runAsUser === 0).map((c) => c.name);
  if (bad.length > 0) setters.push(containersPhrase(bad));
  return setters.length > 0 ? { reason: "runAsUser=0", detail: `${setters.join(" and ")} must not set runAsUser=0` } : undefined;
};

function seccompRestricted(skipWindows: boolean): CheckFn {
  return (_m, spec) => {
    if (skipWindows && isWindows(spec)) return undefined;
    const setters: string[] = [];
    const values: string[] = [];
    let podSet = false;
    const podProfile = spec.securityContext?.seccompProfile;
    if (podProfile) {
      if (!validSeccomp(podProfile.type)) {
        setters.push("pod");
        values.push(podProfile.type ?? "");
      } else podSet = true;
    }
    const explicit: string[] = [];
    const implicit: string[] = [];
    for (const c of allContainers(spec)) {
      const p = c.securityContext?.seccompProfile;
      if (p) {
        if (!validSeccomp(p.type)) {
          explicit.push(c.name);
          values.push(p.type ?? "");
        }
      } else if (!podSet) implicit.push(c.name);
    }
    if (explicit.length > 0) setters.push(containersPhrase(explicit));
    if (setters.length > 0) return { reason: "seccompProfile", detail: `${setters.join(" and ")} must not set securityContext.seccompProfile.type to ${joinQuote(sortedSet(values))}` };
    if (implicit.length > 0) return { reason: "seccompProfile", detail: `pod or ${containersPhrase(implicit)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"` };
    return undefined;
  };
}

function capabilitiesRestricted(skipWindows: boolean): CheckFn {
  return (_m, spec) => {
    if (skipWindows && isWindows(spec)) return undefined;
    const missingDrop: string[] = [];
    const adding: string[] = [];
    const caps: string[] = [];
    for (const c of allContainers(spec)) {
      const capabilities = c.securityContext?.capabilities;
      if (!capabilities) {
        missingDrop.push(c.name);
        continue;
      }
      if (!(capabilities.drop ?? []).includes("ALL")) missingDrop.push(c.name);
      const added = (capabilities.add ?? []).filter((cap) => cap !== "NET_BIND_SERVICE");
      if (added.length > 0) {
        adding.push(c.name);
        caps.push(...added);
      }
    }
    const details: string[] = [];
    if (missingDrop.length > 0) details.push(`${containersPhrase(missingDrop)} must set securityContext.capabilities.drop=["ALL"]`);
    if (adding.length > 0) details.push(`${containersPhrase(adding)} must not include ${joinQuote(sortedSet(caps))} in securityContext.capabilities.add`);
    return details.length > 0 ? { reason: "unrestricted capabilities", detail: details.join("; ") } : undefined;
  };
}

const checks: Check[] = [
  { id: "appArmorProfile", level: "baseline", versions: [{ min: 0, fn: appArmor }] },
  { id: "capabilities_baseline", level: "baseline", versions: [{ min: 0, fn: capabilitiesBaseline }] },
  { id: "hostNamespaces", level: "baseline", versions: [{ min: 0, fn: hostNamespaces }] },
  { id: "hostPathVolumes", level: "baseline", versions: [{ min: 0, fn: hostPathVolumes }] },
  { id: "hostPorts", level: "baseline", versions: [{ min: 0, fn: hostPorts }] },
  { id: "hostProbesAndHostLifecycle", level: "baseline", versions: [{ min: 34, fn: hostProbesAndLifecycle }] },
  { id: "privileged", level: "baseline", versions: [{ min: 0, fn: privileged }] },
  { id: "procMount", level: "baseline", versions: [{ min: 0, fn: procMount }] },
  { id: "seLinuxOptions", level: "baseline", versions: [{ min: 0, fn: seLinuxOptions }] },
  { id: "seccompProfile_baseline", level: "baseline", versions: [{ min: 0, fn: seccompBaseline_1_0 }, { min: 19, fn: seccompBaseline_1_19 }] },
  { id: "sysctls", level: "baseline", versions: [{ min: 0, fn: sysctlsFor(0) }, { min: 27, fn: sysctlsFor(27) }, { min: 29, fn: sysctlsFor(29) }, { min: 32, fn: sysctlsFor(32) }] },
  { id: "windowsHostProcess", level: "baseline", versions: [{ min: 0, fn: windowsHostProcess }] },
  { id: "allowPrivilegeEscalation", level: "restricted", versions: [{ min: 8, fn: allowPrivilegeEscalation(false) }, { min: 25, fn: allowPrivilegeEscalation(true) }] },
  { id: "capabilities_restricted", level: "restricted", versions: [{ min: 22, fn: capabilitiesRestricted(false) }, { min: 25, fn: capabilitiesRestricted(true) }], overrides: ["capabilities_baseline"] },
  { id: "restrictedVolumes", level: "restricted", versions: [{ min: 0, fn: restrictedVolumes }], overrides: ["hostPathVolumes"] },
  { id: "runAsNonRoot", level: "restricted", versions: [{ min: 0, fn: runAsNonRoot }] },
  { id: "runAsUser", level: "restricted", versions: [{ min: 23, fn: runAsUser }] },
  { id: "seccompProfile_restricted", level: "restricted", versions: [{ min: 19, fn: seccompRestricted(false) }, { min: 25, fn: seccompRestricted(true) }], overrides: ["seccompProfile_baseline"] },
];

/**
 * EvaluatePod: the failed checks of a level at a version, baseline checks first, each level's
 * by check ID (upstream's order, so messages read the same). Privileged allows everything.
 */
export function evaluatePod(lv: LevelVersion, meta: ObjectMeta, spec: PodSpec): CheckResult[] {
  if (lv.level === "privileged") return [];
  const minor = lv.version.latest ? Number.MAX_SAFE_INTEGER : lv.version.minor;
  const applies = (c: Check) => c.versions.some((v) => v.min <= minor);
  const active = checks.filter((c) => (c.level === "baseline" || lv.level === "restricted") && applies(c));
  const overridden = new Set(lv.level === "restricted" ? active.flatMap((c) => c.overrides ?? []) : []);
  const out: CheckResult[] = [];
  for (const check of active) {
    if (overridden.has(check.id)) continue;
    const impl = [...check.versions].reverse().find((v) => v.min <= minor)!;
    const result = impl.fn(meta, spec);
    if (result) out.push(result);
  }
  return out;
}

/** AggregateCheckResult.ForbiddenDetail: "reason (detail), reason (detail)". */
export function forbiddenDetail(results: CheckResult[]): string {
  return results.map((r) => (r.detail ? `${r.reason} (${r.detail})` : r.reason)).join(", ");
}

/** AggregateCheckResult.ForbiddenReason: "reason, reason". */
export function forbiddenReason(results: CheckResult[]): string {
  return results.map((r) => r.reason).join(", ");
}
