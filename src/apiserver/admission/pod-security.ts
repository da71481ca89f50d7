import type { KubeObject, Namespace, ObjectMeta, Pod, PodSpec } from "../../api/index.js";
import { ApiError, fieldError, type FieldError } from "../../machinery/index.js";
import type { AdmissionAttributes, AdmissionPlugin } from "../admission-chain.js";
import { getStored, forbidden, listStored } from "./_lookup.js";
import { evaluatePod, forbiddenDetail, forbiddenReason, latest, levels, levelVersionString, type Level, type LevelVersion, type Version } from "./pod-security-checks.js";

const labelPrefix = "pod-security.kubernetes.io/";
type Mode = "enforce" | "audit" | "warn";

interface Policy {
  enforce: LevelVersion;
  audit: LevelVersion;
  warn: LevelVersion;
}

export interface PodSecurityOptions {
  /** Namespaces never checked (upstream's exemptions.namespaces; none by default). */
  exemptNamespaces?: string[];
  /** Usernames never checked (exemptions.usernames). */
  exemptUsernames?: string[];
  /** The policy of namespaces without labels (default privileged:latest for every mode). */
  defaults?: Partial<Record<Mode, LevelVersion>>;
  /** At most this many existing pods are checked when a namespace's enforce level tightens (upstream 3000). */
  maxPodsToCheck?: number;
}

/** Pod subresources PodSecurity ignores (everything else carries a pod spec). */
const ignoredPodSubresources = new Set(["exec", "attach", "binding", "eviction", "log", "portforward", "proxy", "status"]);

/** Resources whose objects carry a pod template: checked for warn and audit, never enforced. */
const podControllers: Record<string, (obj: KubeObject) => { metadata?: ObjectMeta; spec?: PodSpec } | undefined> = {
  "/podtemplates": (o) => (o as { template?: { metadata?: ObjectMeta; spec?: PodSpec } }).template,
  "/replicationcontrollers": (o) => (o as { spec?: { template?: { metadata?: ObjectMeta; spec?: PodSpec } } }).spec?.template,
  "apps/replicasets": (o) => (o as { spec?: { template?: { metadata?: ObjectMeta; spec?: PodSpec } } }).spec?.template,
  "apps/deployments": (o) => (o as { spec?: { template?: { metadata?: ObjectMeta; spec?: PodSpec } } }).spec?.template,
  "apps/statefulsets": (o) => (o as { spec?: { template?: { metadata?: ObjectMeta; spec?: PodSpec } } }).spec?.template,
  "apps/daemonsets": (o) => (o as { spec?: { template?: { metadata?: ObjectMeta; spec?: PodSpec } } }).spec?.template,
  "batch/jobs": (o) => (o as { spec?: { template?: { metadata?: ObjectMeta; spec?: PodSpec } } }).spec?.template,
  "batch/cronjobs": (o) => (o as { spec?: { jobTemplate?: { spec?: { template?: { metadata?: ObjectMeta; spec?: PodSpec } } } } }).spec?.jobTemplate?.spec?.template,
};

/**
 * The PodSecurity admission plugin (staging/src/k8s.io/pod-security-admission): the
 * namespace labels `pod-security.kubernetes.io/{enforce,audit,warn}[-version]` pick a Pod
 * Security Standard level (privileged, baseline, restricted) and version per mode. Pods
 * breaking the enforce level are refused (403 `violates PodSecurity "restricted:latest": …`);
 * the warn level adds `would violate PodSecurity …` warnings, also for workload templates;
 * bad labels are refused on namespaces, and tightening a namespace's enforce level warns
 * about the pods already there.
 */
export function podSecurityAdmission(options: PodSecurityOptions = {}): AdmissionPlugin {
  const privileged: LevelVersion = { level: "privileged", version: latest };
  const defaults: Policy = { enforce: options.defaults?.enforce ?? privileged, audit: options.defaults?.audit ?? privileged, warn: options.defaults?.warn ?? privileged };
  const exemptNamespaces = new Set(options.exemptNamespaces ?? []);
  const exemptUsers = new Set(options.exemptUsernames ?? []);
  const maxPods = options.maxPodsToCheck ?? 3000;

  const exempt = (attrs: AdmissionAttributes) => (attrs.namespace !== "" && exemptNamespaces.has(attrs.namespace)) || (!!attrs.user?.username && exemptUsers.has(attrs.user.username));

  async function namespacePolicy(attrs: AdmissionAttributes): Promise<Policy> {
    const ns = await getStored<Namespace>(attrs.server, { group: "", version: "v1", plural: "namespaces", name: attrs.namespace });
    if (!ns) throw ApiError.internal(`failed to lookup namespace ${attrs.namespace}`);
    return policyToEvaluate(ns.metadata.labels, defaults).policy;
  }

  function evaluate(attrs: AdmissionAttributes, policy: Policy, meta: ObjectMeta, spec: PodSpec, enforce: boolean): void {
    const cache = new Map<string, ReturnType<typeof evaluatePod>>();
    const run = (lv: LevelVersion) => {
      const key = levelVersionString(lv);
      let r = cache.get(key);
      if (!r) cache.set(key, (r = evaluatePod(lv, meta, spec)));
      return r;
    };
    if (enforce) {
      const failed = run(policy.enforce);
      if (failed.length > 0) throw forbidden(attrs, `violates PodSecurity "${levelVersionString(policy.enforce)}": ${forbiddenDetail(failed)}`);
    }
    // Audit annotations go to the audit log, which k8ts does not keep yet.
    const warned = run(policy.warn);
    if (warned.length > 0) attrs.warnings.push(`would violate PodSecurity "${levelVersionString(policy.warn)}": ${forbiddenDetail(warned)}`);
  }

  return {
    name: "PodSecurity",
    async validate(attrs) {
      if (attrs.operation !== "CREATE" && attrs.operation !== "UPDATE") return;
      if (!attrs.object) return;
      const { group, plural } = attrs.rt;
      if (group === "" && plural === "namespaces") return validateNamespace(attrs, defaults, maxPods, exemptNamespaces);
      if (group === "" && plural === "pods") {
        if (ignoredPodSubresources.has(attrs.subresource) || exempt(attrs)) return;
        const policy = await namespacePolicy(attrs);
        if (allPrivileged(policy)) return;
        const pod = attrs.object as Pod;
        if (attrs.operation === "UPDATE" && !isSignificantPodUpdate(pod, attrs.oldObject as Pod)) return;
        evaluate(attrs, policy, pod.metadata, pod.spec ?? { containers: [] }, true);
        return;
      }
      const extract = podControllers[`${group || ""}/${plural}`];
      if (!extract || attrs.subresource !== "" || exempt(attrs)) return;
      const policy = await namespacePolicy(attrs);
      if (policy.warn.level === "privileged" && policy.audit.level === "privileged") return;
      const template = extract(attrs.object);
      if (!template) return;
      evaluate(attrs, policy, template.metadata ?? {}, template.spec ?? { containers: [] }, false);
    },
  };
}

function allPrivileged(p: Policy): boolean {
  return p.enforce.level === "privileged" && p.warn.level === "privileged" && p.audit.level === "privileged";
}

function parseLevel(value: string): { level: Level; error?: string } {
  if ((levels as string[]).includes(value)) return { level: value as Level };
  return { level: "restricted", error: `must be one of ${levels.join(", ")}` };
}

function parseVersion(value: string): { version: Version; error?: string } {
  if (value === "latest") return { version: latest };
  const m = /^v1\.([0-9]|[1-9][0-9]*)$/.exec(value);
  if (!m) return { version: latest, error: `must be "latest" or "v1.x"` };
  return { version: { latest: false, minor: Number(m[1]) } };
}

/** api.PolicyToEvaluate: the namespace's policy from its labels over the defaults, and the labels' errors. */
export function policyToEvaluate(labels: Record<string, string> | undefined, defaults: Policy): { policy: Policy; errors: FieldError[] } {
  const policy: Policy = { enforce: { ...defaults.enforce }, audit: { ...defaults.audit }, warn: { ...defaults.warn } };
  const errors: FieldError[] = [];
  for (const mode of ["enforce", "audit", "warn"] as const) {
    const levelKey = labelPrefix + mode;
    const versionKey = `${labelPrefix}${mode}-version`;
    const level = labels?.[levelKey];
    if (level !== undefined) {
      const parsed = parseLevel(level);
      // An unreadable enforce level fails closed (restricted); audit and warn fail open.
      policy[mode].level = parsed.error && mode !== "enforce" ? "privileged" : parsed.level;
      if (parsed.error) errors.push(fieldError.invalid(`metadata.labels[${levelKey}]`, level, parsed.error));
    }
    const version = labels?.[versionKey];
    if (version !== undefined) {
      const parsed = parseVersion(version);
      policy[mode].version = parsed.version;
      if (parsed.error) errors.push(fieldError.invalid(`metadata.labels[${versionKey}]`, version, parsed.error));
    }
  }
  return { policy, errors };
}

const compareLevels = (a: Level, b: Level): number => levels.indexOf(a) - levels.indexOf(b);

async function validateNamespace(attrs: AdmissionAttributes, defaults: Policy, maxPods: number, exemptNamespaces: Set<string>): Promise<void> {
  if (attrs.subresource !== "") return;
  const ns = attrs.object as Namespace;
  const { policy, errors } = policyToEvaluate(ns.metadata.labels, defaults);
  const invalid = () => ApiError.invalid({ group: "", kind: "Namespace" }, ns.metadata.name ?? "", errors);
  if (attrs.operation === "CREATE") {
    if (errors.length > 0) throw invalid();
    return;
  }
  const old = policyToEvaluate((attrs.oldObject as Namespace | undefined)?.metadata.labels, defaults);
  if (errors.length > 0 && (old.errors.length === 0 || JSON.stringify(errors) !== JSON.stringify(old.errors))) throw invalid();
  const now = policy.enforce;
  const before = old.policy.enforce;
  if (levelVersionString(now) === levelVersionString(before) || now.level === "privileged") return;
  if (levelVersionString({ level: "privileged", version: now.version }) === levelVersionString({ level: "privileged", version: before.version }) && compareLevels(now.level, before.level) < 1) return;
  const name = ns.metadata.name ?? "";
  if (exemptNamespaces.has(name)) return;
  attrs.warnings.push(...(await evaluatePodsInNamespace(attrs, name, now, maxPods)));
}

/** EvaluatePodsInNamespace: which existing pods the new enforce level would refuse, grouped by reason. */
async function evaluatePodsInNamespace(attrs: AdmissionAttributes, namespace: string, enforce: LevelVersion, maxPods: number): Promise<string[]> {
  const pods = (await listStored<Pod>(attrs.server, { group: "", version: "v1", plural: "pods", namespace })).sort((a, b) => ((a.metadata.name ?? "") < (b.metadata.name ?? "") ? -1 : 1));
  const checked = pods.slice(0, maxPods);
  const order: string[] = [];
  const counts = new Map<string, { podName: string; count: number }>();
  for (const pod of checked) {
    const failed = evaluatePod(enforce, pod.metadata, pod.spec ?? { containers: [] });
    if (failed.length === 0) continue;
    const warning = forbiddenReason(failed);
    const name = pod.metadata.name ?? "";
    const c = counts.get(warning);
    if (!c) {
      order.push(warning);
      counts.set(warning, { podName: name, count: 1 });
    } else {
      if (name < c.podName) c.podName = name;
      c.count++;
    }
  }
  const warnings: string[] = [];
  if (checked.length < pods.length) warnings.push(`new PodSecurity enforce level only checked against the first ${checked.length} of ${pods.length} existing pods`);
  if (order.length > 0) warnings.push(`existing pods in namespace "${namespace}" violate the new PodSecurity enforce level "${levelVersionString(enforce)}"`);
  const decorated = order.map((w) => {
    const c = counts.get(w)!;
    if (c.count === 1) return `${c.podName}: ${w}`;
    if (c.count === 2) return `${c.podName} (and 1 other pod): ${w}`;
    return `${c.podName} (and ${c.count - 1} other pods): ${w}`;
  });
  return [...warnings, ...decorated.sort()];
}

const seccompPodAnnotation = "seccomp.security.alpha.kubernetes.io/pod";
const seccompContainerPrefix = "container.seccomp.security.alpha.kubernetes.io/";

/** isSignificantPodUpdate: only image, seccomp annotation and container-set changes are evaluated again. */
function isSignificantPodUpdate(pod: Pod, old: Pod | undefined): boolean {
  if (!old) return true;
  const a = pod.metadata.annotations ?? {};
  const oa = old.metadata.annotations ?? {};
  if (a[seccompPodAnnotation] !== oa[seccompPodAnnotation]) return true;
  const spec = pod.spec ?? { containers: [] };
  const oldSpec = old.spec ?? { containers: [] };
  const significant = (c: { name: string; image?: string }, o: { name: string; image?: string }) => c.image !== o.image || a[seccompContainerPrefix + c.name] !== oa[seccompContainerPrefix + c.name];
  const lists: [typeof spec.containers, typeof spec.containers][] = [
    [spec.containers ?? [], oldSpec.containers ?? []],
    [spec.initContainers ?? [], oldSpec.initContainers ?? []],
  ];
  for (const [now, before] of lists) {
    if (now.length !== before.length) return true;
    if (now.some((c, i) => significant(c, before[i]))) return true;
  }
  for (const c of spec.ephemeralContainers ?? []) {
    const o = (oldSpec.ephemeralContainers ?? []).find((e) => e.name === c.name);
    if (!o || significant(c, o)) return true;
  }
  return false;
}
