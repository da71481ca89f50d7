// The public face of the manifest deployer (k3s's deploy controller: DATA_DIR/server/manifests).
export { ManifestDeployer, addonNameOf, deployFieldManager } from "./manifest-deployer.js";
export type { ManifestDeployerOptions, SyncResult } from "./manifest-deployer.js";
export { addonCrd, addonsResource } from "./addon.js";
export type { Addon, AppliedObject } from "./addon.js";
