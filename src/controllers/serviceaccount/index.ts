// The public face of the serviceaccounts and tokens controllers.
export { ServiceAccountsController, defaultServiceAccountName } from "./serviceaccounts-controller.js";
export type { ServiceAccountsControllerOptions } from "./serviceaccounts-controller.js";
export { TokensController, serviceAccountTokenSecretType, serviceAccountNameAnnotation, serviceAccountUidAnnotation } from "./tokens-controller.js";
export type { TokensControllerOptions, LegacyTokenClaims } from "./tokens-controller.js";
