// The built-in admission plugins, in upstream's order after NamespaceLifecycle.
import type { AdmissionPlugin } from "../admission-chain.js";
import { defaultTolerationSecondsAdmission } from "./default-toleration-seconds.js";
import { limitRanger } from "./limit-ranger.js";
import { podSecurityAdmission, type PodSecurityOptions } from "./pod-security.js";
import { priorityAdmission } from "./priority.js";
import { resourceQuotaAdmission } from "./resource-quota.js";
import { defaultStorageClassAdmission } from "./default-storage-class.js";
import { serviceAccountAdmission, type ServiceAccountAdmissionOptions } from "./service-account.js";

export { limitRanger } from "./limit-ranger.js";
export { serviceAccountAdmission, tokenVolumeSource, mountServiceAccountToken, defaultAPITokenMountPath, serviceAccountVolumeName, warnOnlyBoundTokenExpirationSeconds } from "./service-account.js";
export type { ServiceAccountAdmissionOptions } from "./service-account.js";
export { defaultTolerationSecondsAdmission, defaultTolerationSeconds } from "./default-toleration-seconds.js";
export { podSecurityAdmission, policyToEvaluate } from "./pod-security.js";
export type { PodSecurityOptions } from "./pod-security.js";
export { evaluatePod, forbiddenDetail, forbiddenReason } from "./pod-security-checks.js";
export { priorityAdmission, ensureSystemPriorityClasses } from "./priority.js";
export { resourceQuotaAdmission } from "./resource-quota.js";
export { defaultStorageClassAdmission } from "./default-storage-class.js";

export interface BuiltinAdmissionOptions {
  serviceAccount?: ServiceAccountAdmissionOptions;
  podSecurity?: PodSecurityOptions;
}

/**
 * kube-apiserver's default-enabled plugins that k8ts has, in upstream's order (NamespaceLifecycle
 * is always first and added by the ApiServer itself): LimitRanger, ServiceAccount,
 * DefaultTolerationSeconds, PodSecurity, Priority, DefaultStorageClass, ResourceQuota.
 */
export function builtinAdmissionPlugins(options: BuiltinAdmissionOptions = {}): AdmissionPlugin[] {
  return [limitRanger, serviceAccountAdmission(options.serviceAccount), defaultTolerationSecondsAdmission(), podSecurityAdmission(options.podSecurity), priorityAdmission, defaultStorageClassAdmission, resourceQuotaAdmission];
}
