// TypeScript shapes of io.k8s.api.authentication.v1 TokenRequest and TokenReview, matching token-schema.ts.
import type { KubeObject, ObjectMeta } from "../../object.js";
import type { UserInfo } from "./selfsubjectreview-types.js";

/** TokenRequest requests a token for a given service account (POST serviceaccounts/{name}/token). */
export interface TokenRequest extends KubeObject {
  metadata: ObjectMeta;
  spec: TokenRequestSpec;
  status?: TokenRequestStatus;
}

export interface TokenRequestSpec {
  audiences?: string[];
  boundObjectRef?: BoundObjectReference;
  expirationSeconds?: number;
}

export interface TokenRequestStatus {
  expirationTimestamp: string;
  token: string;
}

/** BoundObjectReference is a reference to an object that a token is bound to. */
export interface BoundObjectReference {
  apiVersion?: string;
  kind?: string;
  name?: string;
  uid?: string;
}

/** TokenReview attempts to authenticate a token to a known user. */
export interface TokenReview extends KubeObject {
  metadata: ObjectMeta;
  spec: TokenReviewSpec;
  status?: TokenReviewStatus;
}

export interface TokenReviewSpec {
  audiences?: string[];
  token?: string;
}

export interface TokenReviewStatus {
  audiences?: string[];
  authenticated?: boolean;
  error?: string;
  user?: UserInfo;
}
