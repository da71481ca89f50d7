// TypeScript shapes of io.k8s.api.authentication.v1 objects, matching the schemas beside them.
import type { KubeObject, ObjectMeta } from "../../object.js";

/** SelfSubjectReview contains the user information that the kube-apiserver has about the user making this request. */
export interface SelfSubjectReview extends KubeObject {
  metadata: ObjectMeta;
  status?: SelfSubjectReviewStatus;
}

/** SelfSubjectReviewStatus is filled by the kube-apiserver and sent back to a user. */
export interface SelfSubjectReviewStatus {
  userInfo?: UserInfo;
}

/** UserInfo holds the information about the user needed to implement the user.Info interface. */
export interface UserInfo {
  extra?: Record<string, string[]>;
  groups?: string[];
  uid?: string;
  username?: string;
}
