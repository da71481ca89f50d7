// The public face of the resource quota controller.
export { ResourceQuotaController } from "./resourcequota-controller.js";
export type { ResourceQuotaControllerOptions } from "./resourcequota-controller.js";
