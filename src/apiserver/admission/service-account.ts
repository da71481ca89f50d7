import type { Container, Pod, ServiceAccount, Volume, VolumeMount } from "../../api/index.js";
import { ApiError } from "../../machinery/index.js";
import type { AdmissionAttributes, AdmissionPlugin } from "../admission-chain.js";
import { generateNameSuffix } from "../object-meta.js";
import { forbidden, getStored, isResource } from "./_lookup.js";

export const defaultServiceAccountName = "default";
/** The prefix of the projected token volume's name: `kube-api-access-<5 random characters>`. */
export const serviceAccountVolumeName = "kube-api-access";
export const defaultAPITokenMountPath = "/var/run/secrets/kubernetes.io/serviceaccount";
/** serviceaccount.WarnOnlyBoundTokenExpirationSeconds: 1 hour + 7 s, the marker of an auto-mounted token. */
export const warnOnlyBoundTokenExpirationSeconds = 3607;
const mirrorPodAnnotation = "kubernetes.io/config.mirror";
const enforceMountableSecretsAnnotation = "kubernetes.io/enforce-mountable-secrets";

export interface ServiceAccountAdmissionOptions {
  /** Pause between live lookups of a `default` ServiceAccount the controller may still be creating (upstream: 100–200 ms, 10 tries). */
  retryIntervalMs?: number;
  attempts?: number;
}

/**
 * The ServiceAccount admission plugin (plugin/pkg/admission/serviceaccount): a new pod gets
 * `serviceAccountName: default` when it names none, must name a ServiceAccount that exists,
 * inherits its imagePullSecrets, and — unless the pod or its ServiceAccount sets
 * `automountServiceAccountToken: false` — gets the `kube-api-access-xxxxx` projected volume
 * (token, kube-root-ca.crt, namespace) mounted read-only at
 * /var/run/secrets/kubernetes.io/serviceaccount in every container and init container.
 */
export function serviceAccountAdmission(options: ServiceAccountAdmissionOptions = {}): AdmissionPlugin {
  const lookup = (attrs: AdmissionAttributes, name: string) => getServiceAccount(attrs, name, options);
  return {
    name: "ServiceAccount",
    async admit(attrs) {
      if (!isPodCreate(attrs)) return;
      const pod = attrs.object as Pod;
      if (pod.metadata.annotations?.[mirrorPodAnnotation] !== undefined) return;
      const spec = (pod.spec ??= { containers: [] });
      if (!spec.serviceAccountName) {
        spec.serviceAccountName = defaultServiceAccountName;
        spec.serviceAccount = defaultServiceAccountName;
      }
      const sa = await lookup(attrs, spec.serviceAccountName);
      if (shouldAutomount(sa, pod)) mountServiceAccountToken(pod);
      if (!spec.imagePullSecrets || spec.imagePullSecrets.length === 0) {
        const pull = (sa.imagePullSecrets ?? []).map((s) => ({ name: s.name }));
        if (pull.length > 0) spec.imagePullSecrets = pull;
      }
    },
    async validate(attrs) {
      if (!isPodCreate(attrs)) return;
      const pod = attrs.object as Pod;
      if (pod.metadata.annotations?.[mirrorPodAnnotation] !== undefined) {
        validateMirrorPod(attrs, pod);
        return;
      }
      if (!pod.spec?.serviceAccountName) throw forbidden(attrs, `no service account specified for pod ${attrs.namespace}/${pod.metadata.name}`);
      const sa = await lookup(attrs, pod.spec.serviceAccountName);
      if (/^(1|t|true)$/i.test(sa.metadata.annotations?.[enforceMountableSecretsAnnotation] ?? "")) {
        const why = limitSecretReferences(sa, pod);
        if (why) throw forbidden(attrs, why);
      }
    },
  };
}

function isPodCreate(attrs: AdmissionAttributes): boolean {
  return attrs.operation === "CREATE" && isResource(attrs, "", "pods") && attrs.object !== undefined;
}

async function getServiceAccount(attrs: AdmissionAttributes, name: string, options: ServiceAccountAdmissionOptions): Promise<ServiceAccount> {
  // The default ServiceAccount may be a moment behind its namespace: look again a few times.
  const attempts = name === defaultServiceAccountName ? (options.attempts ?? 10) : 1;
  const interval = options.retryIntervalMs ?? 100 + Math.floor(Math.random() * 100);
  for (let i = 0; i < attempts; i++) {
    if (i > 0) await new Promise((r) => setTimeout(r, interval));
    const sa = await getStored<ServiceAccount>(attrs.server, { group: "", version: "v1", plural: "serviceaccounts", namespace: attrs.namespace, name });
    if (sa) return sa;
  }
  const notFound = ApiError.notFound({ group: "", resource: "serviceaccount" }, name);
  throw forbidden(attrs, `error looking up service account ${attrs.namespace}/${name}: ${notFound.message}`);
}

function shouldAutomount(sa: ServiceAccount, pod: Pod): boolean {
  if (pod.spec?.automountServiceAccountToken !== undefined) return pod.spec.automountServiceAccountToken;
  if (sa.automountServiceAccountToken !== undefined) return sa.automountServiceAccountToken;
  return true;
}

/** TokenVolumeSource: the projected volume every auto-mounted pod gets, exactly as upstream. */
export function tokenVolumeSource(): NonNullable<Volume["projected"]> {
  return {
    defaultMode: 0o644,
    sources: [
      { serviceAccountToken: { path: "token", expirationSeconds: warnOnlyBoundTokenExpirationSeconds } },
      { configMap: { name: "kube-root-ca.crt", items: [{ key: "ca.crt", path: "ca.crt" }] } },
      { downwardAPI: { items: [{ path: "namespace", fieldRef: { apiVersion: "v1", fieldPath: "metadata.namespace" } }] } },
    ],
  };
}

/** mountServiceAccountToken: reuse an existing kube-api-access-* volume or add one, mount it where nothing else is mounted at the token path. */
export function mountServiceAccountToken(pod: Pod, generateName: (prefix: string) => string = (p) => p + generateNameSuffix()): void {
  const spec = pod.spec!;
  const existing = (spec.volumes ?? []).find((v) => v.name.startsWith(serviceAccountVolumeName + "-"));
  const volumeName = existing?.name ?? generateName(serviceAccountVolumeName + "-");
  const mount: VolumeMount = { name: volumeName, readOnly: true, mountPath: defaultAPITokenMountPath };
  let needsVolume = false;
  for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
    if ((c.volumeMounts ?? []).some((m) => m.mountPath === defaultAPITokenMountPath)) continue;
    (c.volumeMounts ??= []).push({ ...mount });
    needsVolume = true;
  }
  if (!existing && needsVolume) (spec.volumes ??= []).push({ name: volumeName, projected: tokenVolumeSource() });
}

function validateMirrorPod(attrs: AdmissionAttributes, pod: Pod): void {
  if (pod.spec?.serviceAccountName) throw forbidden(attrs, "a mirror pod may not reference service accounts");
  const volumes = pod.spec?.volumes ?? [];
  const containers = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
  const usesSecrets =
    (pod.spec?.imagePullSecrets ?? []).length > 0 ||
    volumes.some((v) => v.secret || v.projected?.sources?.some((s) => s.secret)) ||
    containers.some((c) => (c.env ?? []).some((e) => e.valueFrom?.secretKeyRef) || (c.envFrom ?? []).some((e) => e.secretRef));
  if (usesSecrets) throw forbidden(attrs, "a mirror pod may not reference secrets");
  if (volumes.some((v) => v.projected?.sources?.some((s) => s.serviceAccountToken))) throw forbidden(attrs, "a mirror pod may not use ServiceAccountToken volume projections");
}

function limitSecretReferences(sa: ServiceAccount, pod: Pod): string | undefined {
  const mountable = new Set((sa.secrets ?? []).map((s) => s.name));
  for (const v of pod.spec?.volumes ?? []) {
    const name = v.secret?.secretName;
    if (v.secret && !mountable.has(name ?? "")) return `volume with secret.secretName="${name ?? ""}" is not allowed because service account ${sa.metadata.name} does not reference that secret`;
  }
  const kinds: [string, Container[]][] = [
    ["init container", pod.spec?.initContainers ?? []],
    ["container", pod.spec?.containers ?? []],
  ];
  for (const [kind, containers] of kinds) {
    for (const c of containers) {
      for (const e of c.env ?? []) {
        const ref = e.valueFrom?.secretKeyRef?.name;
        if (e.valueFrom?.secretKeyRef && !mountable.has(ref ?? "")) return `${kind} ${c.name} with envVar ${e.name} referencing secret.secretName="${ref ?? ""}" is not allowed because service account ${sa.metadata.name} does not reference that secret`;
      }
      for (const e of c.envFrom ?? []) {
        const ref = e.secretRef?.name;
        if (e.secretRef && !mountable.has(ref ?? "")) return `${kind} ${c.name} with envFrom referencing secret.secretName="${ref ?? ""}" is not allowed because service account ${sa.metadata.name} does not reference that secret`;
      }
    }
  }
  const pull = new Set((sa.imagePullSecrets ?? []).map((s) => s.name));
  for (const [i, ref] of (pod.spec?.imagePullSecrets ?? []).entries()) {
    if (!pull.has(ref.name)) return `imagePullSecrets[${i}].name="${ref.name ?? ""}" is not allowed because service account ${sa.metadata.name} does not reference that imagePullSecret`;
  }
  return undefined;
}
