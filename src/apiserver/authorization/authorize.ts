import type { RestRequest, UserInfo } from "../../api/index.js";
import { requestAttributes } from "./attributes.js";
import { forbidden, type AuthorizerChain } from "./chain.js";
import { impersonate } from "./impersonation.js";

/** A request without a user (upstream's anonymous authenticator's user). */
export const anonymous: UserInfo = { username: "system:anonymous", groups: ["system:unauthenticated"] };

/**
 * The authorization step of every request (upstream's WithImpersonation then
 * WithAuthorization filters): resolves Impersonate-* as the real user may, then asks the
 * chain about the request as that user. Returns the request carrying the user it acts
 * as; throws the upstream-shaped 403 when refused.
 */
export async function authorizeRequest(chain: AuthorizerChain, req: RestRequest): Promise<RestRequest> {
  let user = req.user ?? anonymous;
  if (req.impersonate) user = await impersonate(chain, user, req.impersonate);
  const attrs = requestAttributes(req, user);
  const decision = await chain.authorize(attrs);
  if (decision.decision !== "allow") throw forbidden(attrs, decision.reason);
  return user === req.user && !req.impersonate ? req : { ...req, user, impersonate: undefined };
}
