// Schemas of io.k8s.api.authentication.v1 TokenRequest and TokenReview, after upstream's OpenAPI
// (staging/src/k8s.io/api/authentication/v1/types.go); descriptions cut to their first sentence.
import { arrayOf, boolean, int64, object, ref, string, time, topLevel } from "../../schema.js";
import type { Definitions } from "../../schema.js";
import { n } from "./_names.js";

const atomic = { "x-kubernetes-list-type": "atomic" } as const;

export const tokenDefinitions: Definitions = {
  [n.BoundObjectReference]: object(
    {
      apiVersion: string("API version of the referent."),
      kind: string("Kind of the referent. Valid kinds are 'Pod' and 'Secret'."),
      name: string("Name of the referent."),
      uid: string("UID of the referent."),
    },
    { description: "BoundObjectReference is a reference to an object that a token is bound to." },
  ),
  [n.TokenRequest]: {
    ...topLevel(
      {
        spec: ref(n.TokenRequestSpec, "Spec holds information about the request being evaluated"),
        status: ref(n.TokenRequestStatus, "Status is filled in by the server and indicates whether the token can be authenticated."),
      },
      "TokenRequest requests a token for a given service account.",
      { group: "authentication.k8s.io", version: "v1", kind: "TokenRequest" },
    ),
    required: ["spec"],
  },
  [n.TokenRequestSpec]: object(
    {
      audiences: arrayOf(string(), "Audiences are the intendend audiences of the token.", atomic),
      boundObjectRef: ref(n.BoundObjectReference, "BoundObjectRef is a reference to an object that the token will be bound to."),
      expirationSeconds: int64("ExpirationSeconds is the requested duration of validity of the request."),
    },
    { description: "TokenRequestSpec contains client provided parameters of a token request.", required: ["audiences"] },
  ),
  [n.TokenRequestStatus]: object(
    {
      expirationTimestamp: time("ExpirationTimestamp is the time of expiration of the returned token."),
      token: string("Token is the opaque bearer token."),
    },
    { description: "TokenRequestStatus is the result of a token request.", required: ["token", "expirationTimestamp"] },
  ),
  [n.TokenReview]: {
    ...topLevel(
      {
        spec: ref(n.TokenReviewSpec, "Spec holds information about the request being evaluated"),
        status: ref(n.TokenReviewStatus, "Status is filled in by the server and indicates whether the request can be authenticated."),
      },
      "TokenReview attempts to authenticate a token to a known user.",
      { group: "authentication.k8s.io", version: "v1", kind: "TokenReview" },
    ),
    required: ["spec"],
  },
  [n.TokenReviewSpec]: object(
    {
      audiences: arrayOf(string(), "Audiences is a list of the identifiers that the resource server presented with the token identifies as.", atomic),
      token: string("Token is the opaque bearer token."),
    },
    { description: "TokenReviewSpec is a description of the token authentication request." },
  ),
  [n.TokenReviewStatus]: object(
    {
      audiences: arrayOf(string(), "Audiences are audience identifiers chosen by the authenticator that are compatible with both the TokenReview and token.", atomic),
      authenticated: boolean("Authenticated indicates that the token was associated with a known user."),
      error: string("Error indicates that the token couldn't be checked"),
      user: ref(n.UserInfo, "User is the UserInfo associated with the provided token."),
    },
    { description: "TokenReviewStatus is the result of the token authentication request." },
  ),
};
