/**
 * Pod defaulting, after pkg/apis/core/v1/defaults.go (SetDefaults_Pod, SetDefaults_PodSpec,
 * SetDefaults_Container, probes, volume sources…). `defaultPodSpec` is what templates get
 * (ReplicationController, PodTemplate, and the apps/batch workloads); `defaultPod` adds the
 * pod-only defaults on top.
 */
import type { Container, EphemeralContainer, EnvVar, ObjectFieldSelector } from "./container-types.js";
import type { Pod, PodSpec } from "./pod-types.js";
import type { Probe } from "./probe-types.js";
import type { Volume, VolumeProjection } from "./volume-types.js";

/** 0644, the default file mode of secret, configMap, downwardAPI and projected volumes. */
const defaultVolumeMode = 0o644;

export function defaultPod(pod: Pod): void {
  const spec = (pod.spec ??= { containers: [] });
  defaultPodSpec(spec);
  for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) defaultRequestsFromLimits(c);
  spec.enableServiceLinks ??= true;
}

export function defaultPodSpec(spec: PodSpec): void {
  spec.dnsPolicy ??= "ClusterFirst";
  spec.restartPolicy ??= "Always";
  spec.securityContext ??= {};
  spec.terminationGracePeriodSeconds ??= 30;
  spec.schedulerName ??= "default-scheduler";
  // DeprecatedServiceAccount is an alias of serviceAccountName (the conversion keeps them equal).
  if (!spec.serviceAccountName && spec.serviceAccount) spec.serviceAccountName = spec.serviceAccount;
  if (spec.serviceAccountName && !spec.serviceAccount) spec.serviceAccount = spec.serviceAccountName;
  for (const c of spec.containers ?? []) defaultContainer(c, spec.hostNetwork === true);
  for (const c of spec.initContainers ?? []) defaultContainer(c, spec.hostNetwork === true);
  for (const c of spec.ephemeralContainers ?? []) defaultContainer(c, false);
  for (const v of spec.volumes ?? []) defaultVolume(v);
}

/** SetDefaults_Container plus the defaults of what a container holds (ports, probes, env). */
export function defaultContainer(c: Container | EphemeralContainer, hostNetwork: boolean): void {
  if (!c.imagePullPolicy) c.imagePullPolicy = imageTag(c.image ?? "") === "latest" || imageTag(c.image ?? "") === "" ? "Always" : "IfNotPresent";
  c.terminationMessagePath ??= "/dev/termination-log";
  c.terminationMessagePolicy ??= "File";
  for (const p of c.ports ?? []) {
    p.protocol ??= "TCP";
    // With the host's network, a port is the host's port (defaultHostNetworkPorts).
    if (hostNetwork && !p.hostPort) p.hostPort = p.containerPort;
  }
  for (const probe of [c.livenessProbe, c.readinessProbe, c.startupProbe]) if (probe) defaultProbe(probe);
  for (const h of [c.lifecycle?.postStart, c.lifecycle?.preStop]) {
    if (h?.httpGet) {
      h.httpGet.path ??= "/";
      h.httpGet.scheme ??= "HTTP";
    }
  }
  for (const e of c.env ?? []) defaultEnvVar(e);
}

function defaultEnvVar(e: EnvVar): void {
  if (e.valueFrom?.fieldRef) defaultFieldRef(e.valueFrom.fieldRef);
}

function defaultFieldRef(f: ObjectFieldSelector): void {
  f.apiVersion ??= "v1";
}

/** The tag of an image reference ("" when it has none; a digest counts as no tag). */
export function imageTag(image: string): string {
  if (image.includes("@")) return "digest";
  const lastSlash = image.lastIndexOf("/");
  const colon = image.indexOf(":", lastSlash + 1);
  return colon < 0 ? "" : image.slice(colon + 1);
}

export function defaultProbe(p: Probe): void {
  p.timeoutSeconds ??= 1;
  p.periodSeconds ??= 10;
  p.successThreshold ??= 1;
  p.failureThreshold ??= 3;
  if (p.httpGet) {
    p.httpGet.path ??= "/";
    p.httpGet.scheme ??= "HTTP";
  }
}

/** Requests default to limits for each resource with a limit and no request (SetDefaults_Pod). */
function defaultRequestsFromLimits(c: Container): void {
  const limits = c.resources?.limits;
  if (!limits || !c.resources) return;
  for (const [name, q] of Object.entries(limits)) {
    c.resources.requests ??= {};
    if (c.resources.requests[name] === undefined) c.resources.requests[name] = q;
  }
}

const volumeSourceKeys = [
  "hostPath", "emptyDir", "gcePersistentDisk", "awsElasticBlockStore", "gitRepo", "secret", "nfs", "iscsi", "glusterfs",
  "persistentVolumeClaim", "rbd", "flexVolume", "cinder", "cephfs", "flocker", "downwardAPI", "fc", "azureFile", "configMap",
  "vsphereVolume", "quobyte", "azureDisk", "photonPersistentDisk", "projected", "portworxVolume", "scaleIO", "storageos",
  "csi", "ephemeral", "image",
] as const;

export function defaultVolume(v: Volume): void {
  // A volume without a source is an emptyDir (SetDefaults_Volume).
  if (!volumeSourceKeys.some((k) => v[k] !== undefined)) v.emptyDir = {};
  if (v.secret) v.secret.defaultMode ??= defaultVolumeMode;
  if (v.configMap) v.configMap.defaultMode ??= defaultVolumeMode;
  if (v.downwardAPI) {
    v.downwardAPI.defaultMode ??= defaultVolumeMode;
    for (const item of v.downwardAPI.items ?? []) if (item.fieldRef) defaultFieldRef(item.fieldRef);
  }
  if (v.projected) {
    v.projected.defaultMode ??= defaultVolumeMode;
    for (const s of v.projected.sources ?? []) defaultProjection(s);
  }
  if (v.hostPath) v.hostPath.type ??= "";
  if (v.iscsi) v.iscsi.iscsiInterface ??= "default";
  if (v.rbd) {
    v.rbd.pool ??= "rbd";
    v.rbd.user ??= "admin";
    v.rbd.keyring ??= "/etc/ceph/keyring";
  }
  if (v.azureDisk) {
    v.azureDisk.cachingMode ??= "ReadWrite";
    v.azureDisk.fsType ??= "ext4";
    v.azureDisk.readOnly ??= false;
    v.azureDisk.kind ??= "Shared";
  }
  if (v.scaleIO) {
    v.scaleIO.storageMode ??= "ThinProvisioned";
    v.scaleIO.fsType ??= "xfs";
  }
  const claim = v.ephemeral?.volumeClaimTemplate?.spec;
  if (claim) claim.volumeMode ??= "Filesystem";
}

function defaultProjection(p: VolumeProjection): void {
  for (const item of p.downwardAPI?.items ?? []) if (item.fieldRef) defaultFieldRef(item.fieldRef);
  if (p.serviceAccountToken) p.serviceAccountToken.expirationSeconds ??= 3600;
}
