// The public face of machinery: pure helpers, importing nothing of ours.
export { StoreError, isStoreError } from "./store-error.js";
export type { StoreErrorCode } from "./store-error.js";
export { ApiError, isApiError, fieldError, fieldErrorMessage, qualifiedResource } from "./status.js";
export type { Status, StatusReason, StatusCause, StatusDetails, GroupResource, GroupKind, FieldError, FieldErrorType } from "./status.js";
