// The public face of the API server's CRD support.
export { startCrdController } from "./crd-controller.js";
export type { CrdController, CrdControllerOptions } from "./crd-controller.js";
