// The public face of the API server.
export { ApiServer, errorResponse } from "./api-server.js";
export type { ApiServerOptions } from "./api-server.js";
export { startApiServer, createApiServer } from "./start.js";
export type { StartApiServerOptions, RunningApiServer } from "./start.js";
export type { TokenAuthenticator } from "./authn.js";
export type { WatchSettings } from "./context.js";
export { bootstrapCluster, systemNamespaces, systemUser, advertiseAddressFor } from "./bootstrap.js";
export { defaultServiceClusterIPRange, defaultServiceNodePortRange } from "./allocation/service-pools.js";
export type { ServiceNetworkOptions } from "./allocation/service-pools.js";
export { maxRequestBodyBytes } from "./http-server.js";
export { serializedWatchLine } from "./watch-cache/shared-events.js";
export { bootstrapTokenSecretPrefix, bootstrapTokenSecretType, bootstrapTokenPattern, hashTokenSecret, defaultIssuer as defaultServiceAccountIssuer } from "./tokens/index.js";
export type { ServiceAccountTokens } from "./tokens/index.js";
export { apiserverRegistry, instrumentStore, trackStorageObjects } from "./metrics.js";
export { builtinAdmissionPlugins, limitRanger, serviceAccountAdmission, defaultTolerationSecondsAdmission, podSecurityAdmission, priorityAdmission, resourceQuotaAdmission, tokenVolumeSource } from "./admission/index.js";
export type { BuiltinAdmissionOptions } from "./admission/index.js";
export type { AdmissionPlugin, AdmissionAttributes } from "./admission-chain.js";
