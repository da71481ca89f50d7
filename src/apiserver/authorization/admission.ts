import type { AdmissionPlugin } from "../admission-chain.js";
import type { AuthorizerChain } from "./chain.js";
import { rbacEscalationPlugin } from "./escalation.js";
import { nodeRestrictionPlugin } from "./node-restriction.js";

/** The admission steps that come with authorization: NodeRestriction and RBAC's escalation checks. */
export function authorizationAdmission(chain: AuthorizerChain | undefined): AdmissionPlugin[] {
  return chain ? [nodeRestrictionPlugin, rbacEscalationPlugin(chain)] : [];
}
