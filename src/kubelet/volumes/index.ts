// Pod volumes on the node: emptyDir, hostPath and the API-backed volumes written atomically.
export { VolumeManager, setUpHostPath } from "./volume-manager.js";
export type { MountedVolume, VolumeSources, VolumeManagerOptions } from "./volume-manager.js";
export { writeAtomically } from "./atomic-writer.js";
export { TokenManager } from "./token-manager.js";
export type { TokenRequester } from "./token-manager.js";
export type { PayloadFile } from "./atomic-writer.js";
export { VolumeSetupError, configMapPayload, secretPayload, downwardPayload, projectedPayload, defaultFileMode } from "./payload.js";
