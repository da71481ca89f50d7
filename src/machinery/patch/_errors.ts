/**
 * How the API server answers a patch that cannot be applied, after
 * k8s.io/apiserver/pkg/endpoints/handlers/patch.go.
 */
import { ApiError } from "../status.js";

/**
 * errors.NewGenericServerResponse(422, ...): upstream discards the patch library's own text
 * and answers `the server rejected our request due to an error in our request`.
 */
export function patchUnprocessable(): ApiError {
  return ApiError.of("Invalid", "the server rejected our request due to an error in our request", {});
}
