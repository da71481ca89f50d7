// Tokens on the API server's side: service-account JWTs (TokenRequest, TokenReview, the bearer authenticator) and join tokens.
export { serviceAccountTokens, serviceAccountUsername } from "./service-account-tokens.js";
export type { ServiceAccountTokens, ServiceAccountTokenOptions } from "./service-account-tokens.js";
export { generateServiceAccountKeyPair, defaultIssuer, legacyIssuer } from "./jwt.js";
export { bootstrapTokenAuthenticator, bootstrapTokenPattern, bootstrapTokenSecretPrefix, bootstrapTokenSecretType, hashTokenSecret } from "./bootstrap-tokens.js";
