// Authorization inside the API server: the Node and RBAC authorizers, impersonation,
// escalation checks, NodeRestriction and the bootstrap policy.
export { PolicyCache } from "./policy-cache.js";
export { AuthorizerChain, forbidden, privilegedGroup } from "./chain.js";
export { authorizeRequest, anonymous } from "./authorize.js";
export { requestAttributes } from "./attributes.js";
export { reconcileBootstrapPolicy } from "./reconcile.js";
export { impersonationFromHeaders } from "./impersonation.js";
export { nodeIdentity } from "./node-authorizer.js";
