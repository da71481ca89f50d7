// The public face of the serviceaccounts controller.
export { ServiceAccountsController, defaultServiceAccountName } from "./serviceaccounts-controller.js";
export type { ServiceAccountsControllerOptions } from "./serviceaccounts-controller.js";
