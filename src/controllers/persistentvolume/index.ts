// The public face of the persistent volume controller and its local-path provisioner.
export { PersistentVolumeController, localPathProvisioner } from "./pv-controller.js";
export type { PersistentVolumeControllerOptions } from "./pv-controller.js";
export { bestVolume, volumeFits } from "./matching.js";
