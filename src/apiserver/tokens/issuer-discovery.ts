import type { KeyObject } from "node:crypto";
import { exportJWK } from "jose";
import type { RestRequest, RestResponse } from "../../api/index.js";
import { ApiError } from "../../machinery/index.js";
import { cachedKeyId } from "./jwt.js";

export const openIdConfigurationPath = "/.well-known/openid-configuration";
export const jwksPath = "/openid/v1/jwks";

/**
 * Service-account issuer discovery (pkg/serviceaccount/openidmetadata.go): the OpenID
 * provider configuration and the JSON Web Key Set of the keys that verify service-account
 * tokens, so relying parties (Vault, cloud IAM…) can check tokens without asking the
 * API server. Who may read them is the authorizer's call (upstream:
 * system:service-account-issuer-discovery, bound to system:serviceaccounts).
 */
export function issuerDiscoveryRoute(options: { issuer: string; publicKeys: readonly KeyObject[]; algorithms: string[]; jwksUri: () => string }): (req: RestRequest) => Promise<RestResponse | undefined> {
  let jwks: Promise<Uint8Array> | undefined;
  const keySet = async (): Promise<Uint8Array> => {
    const keys = await Promise.all(
      options.publicKeys.map(async (k) => ({ use: "sig", ...(await exportJWK(k)), kid: cachedKeyId(k), alg: k.asymmetricKeyType === "rsa" ? "RS256" : "ES256" })),
    );
    // The same key may be named twice (the signer's and sa.pub): list it once.
    const unique = keys.filter((k, i) => keys.findIndex((o) => o.kid === k.kid) === i);
    return Buffer.from(JSON.stringify({ keys: unique }));
  };
  return async (req) => {
    if (req.path !== openIdConfigurationPath && req.path !== jwksPath) return undefined;
    if (req.method !== "GET") throw ApiError.methodNotAllowed(req.method, { group: "", resource: req.path });
    if (req.path === jwksPath) return { status: 200, body: undefined, raw: { contentType: "application/jwk-set+json", data: await (jwks ??= keySet()) } };
    const config = {
      issuer: options.issuer,
      jwks_uri: options.jwksUri(),
      response_types_supported: ["id_token"],
      subject_types_supported: ["public"],
      id_token_signing_alg_values_supported: options.algorithms,
    };
    return { status: 200, body: undefined, raw: { contentType: "application/json", data: Buffer.from(JSON.stringify(config)) } };
  };
}
