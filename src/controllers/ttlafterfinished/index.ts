// The public face of the ttl-after-finished controller.
export { TtlAfterFinishedController, expiresAtMs } from "./ttl-after-finished-controller.js";
export type { TtlAfterFinishedControllerOptions } from "./ttl-after-finished-controller.js";
