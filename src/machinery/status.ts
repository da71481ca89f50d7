/**
 * Upstream-shaped API errors: `metav1.Status` bodies with the exact reasons, codes and
 * message wording of k8s.io/apimachinery/pkg/api/errors/errors.go.
 *
 *   throw ApiError.notFound({ group: "", resource: "pods" }, "web-1")
 *   // 404 {"kind":"Status","status":"Failure","message":"pods \"web-1\" not found","reason":"NotFound",...}
 */

export type StatusReason =
  | "BadRequest"
  | "Unauthorized"
  | "Forbidden"
  | "NotFound"
  | "AlreadyExists"
  | "Conflict"
  | "Gone"
  | "Expired"
  | "Invalid"
  | "ServerTimeout"
  | "Timeout"
  | "TooManyRequests"
  | "MethodNotAllowed"
  | "NotAcceptable"
  | "RequestEntityTooLarge"
  | "UnsupportedMediaType"
  | "InternalError"
  | "ServiceUnavailable";

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface Status {
  kind: "Status";
  apiVersion: "v1";
  metadata: { resourceVersion?: string; continue?: string };
  status: "Success" | "Failure";
  message?: string;
  reason?: StatusReason | "";
  details?: StatusDetails;
  code: number;
}

/** A group and resource, as upstream's errors name them: `deployments.apps`. */
export interface GroupResource {
  group: string;
  resource: string;
}

/** A group and kind, used by Invalid errors: `Deployment.apps "web" is invalid`. */
export interface GroupKind {
  group: string;
  kind: string;
}

/** One validation failure, as field.Error in apimachinery/pkg/util/validation/field. */
export interface FieldError {
  type: FieldErrorType;
  field: string;
  badValue?: unknown;
  detail?: string;
}

export type FieldErrorType =
  | "FieldValueNotFound"
  | "FieldValueRequired"
  | "FieldValueDuplicate"
  | "FieldValueInvalid"
  | "FieldValueNotSupported"
  | "FieldValueForbidden"
  | "FieldValueTooLong"
  | "FieldValueTooMany"
  | "InternalError"
  | "FieldValueTypeInvalid";

const reasonCodes: Record<StatusReason, number> = {
  BadRequest: 400,
  Unauthorized: 401,
  Forbidden: 403,
  NotFound: 404,
  AlreadyExists: 409,
  Conflict: 409,
  Gone: 410,
  Expired: 410,
  Invalid: 422,
  ServerTimeout: 500,
  Timeout: 504,
  TooManyRequests: 429,
  MethodNotAllowed: 405,
  NotAcceptable: 406,
  RequestEntityTooLarge: 413,
  UnsupportedMediaType: 415,
  InternalError: 500,
  ServiceUnavailable: 503,
};

export function qualifiedResource(gr: GroupResource): string {
  return gr.group ? `${gr.resource}.${gr.group}` : gr.resource;
}

function qualifiedKind(gk: GroupKind): string {
  return gk.group ? `${gk.kind}.${gk.group}` : gk.kind;
}

export class ApiError extends Error {
  readonly status: Status;

  constructor(status: Status) {
    super(status.message ?? status.reason ?? "error");
    this.name = "ApiError";
    this.status = status;
  }

  get code(): number {
    return this.status.code;
  }

  get reason(): StatusReason | "" {
    return this.status.reason ?? "";
  }

  static of(reason: StatusReason, message: string, details?: StatusDetails, code = reasonCodes[reason]): ApiError {
    const status: Status = {
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message,
      reason,
      code,
    };
    if (details) status.details = withoutUndefined(details);
    return new ApiError(status);
  }

  static notFound(gr: GroupResource, name: string): ApiError {
    return ApiError.of("NotFound", `${qualifiedResource(gr)} "${name}" not found`, {
      name,
      group: gr.group || undefined,
      kind: gr.resource,
    });
  }

  static alreadyExists(gr: GroupResource, name: string): ApiError {
    return ApiError.of("AlreadyExists", `${qualifiedResource(gr)} "${name}" already exists`, {
      name,
      group: gr.group || undefined,
      kind: gr.resource,
    });
  }

  /** The stale-update conflict, worded as upstream's storage layer does. */
  static conflict(gr: GroupResource, name: string, why: string): ApiError {
    return ApiError.of("Conflict", `Operation cannot be fulfilled on ${qualifiedResource(gr)} "${name}": ${why}`, {
      name,
      group: gr.group || undefined,
      kind: gr.resource,
    });
  }

  static staleUpdate(gr: GroupResource, name: string): ApiError {
    return ApiError.conflict(gr, name, "the object has been modified; please apply your changes to the latest version and try again");
  }

  static invalid(gk: GroupKind, name: string, errors: FieldError[]): ApiError {
    const messages = errors.map(fieldErrorMessage);
    const aggregate = messages.length === 1 ? messages[0] : `[${messages.join(", ")}]`;
    return ApiError.of("Invalid", `${qualifiedKind(gk)} "${name}" is invalid: ${aggregate}`, {
      name,
      group: gk.group || undefined,
      kind: gk.kind,
      causes: errors.map((e) => ({ reason: e.type, message: fieldErrorMessage(e).slice(e.field.length + 2), field: e.field })),
    });
  }

  static badRequest(message: string, causes?: StatusCause[]): ApiError {
    return ApiError.of("BadRequest", message, causes ? { causes } : undefined);
  }

  static gone(message: string): ApiError {
    return ApiError.of("Expired", message, undefined, 410);
  }

  static methodNotAllowed(verb: string, gr: GroupResource): ApiError {
    return ApiError.of("MethodNotAllowed", `${verb} is not supported on resources of kind "${qualifiedResource(gr)}"`);
  }

  static unauthorized(message = "Unauthorized"): ApiError {
    return ApiError.of("Unauthorized", message);
  }

  static forbidden(gr: GroupResource, name: string, why: string): ApiError {
    const target = name ? `${qualifiedResource(gr)} "${name}"` : qualifiedResource(gr);
    return ApiError.of("Forbidden", `${target} is forbidden: ${why}`, {
      name: name || undefined,
      group: gr.group || undefined,
      kind: gr.resource,
    });
  }

  static tooLarge(message = "the request is too large"): ApiError {
    return ApiError.of("RequestEntityTooLarge", message);
  }

  static unsupportedMediaType(contentType: string): ApiError {
    return ApiError.of("UnsupportedMediaType", `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/apply-patch+yaml, application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json (got ${contentType})`);
  }

  static notAcceptable(): ApiError {
    return ApiError.of("NotAcceptable", "only the following media types are accepted: application/json, application/yaml");
  }

  static internal(message: string): ApiError {
    return ApiError.of("InternalError", `Internal error occurred: ${message}`, { causes: [{ message }] });
  }

  static tooManyRequests(message: string, retryAfterSeconds = 1): ApiError {
    return ApiError.of("TooManyRequests", message, { retryAfterSeconds });
  }

  static timeout(message: string): ApiError {
    return ApiError.of("Timeout", message, undefined, 504);
  }

  static serviceUnavailable(message: string): ApiError {
    return ApiError.of("ServiceUnavailable", message);
  }
}

// Details travel in-process as objects and over HTTP as JSON; keys with undefined values
// would make the two differ.
function withoutUndefined(details: StatusDetails): StatusDetails {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(details)) if (v !== undefined) out[k] = v;
  return out as StatusDetails;
}

export function isApiError(err: unknown, reason?: StatusReason): err is ApiError {
  return err instanceof ApiError && (reason === undefined || err.status.reason === reason);
}

/** field.Error.Error() from apimachinery: `spec.replicas: Invalid value: -1: must be greater than or equal to 0`. */
export function fieldErrorMessage(e: FieldError): string {
  const what = fieldErrorTypeText[e.type];
  switch (e.type) {
    case "FieldValueRequired":
    case "FieldValueForbidden":
    case "FieldValueTooLong":
    case "InternalError":
      return e.detail ? `${e.field}: ${what}: ${e.detail}` : `${e.field}: ${what}`;
    default: {
      let s = `${e.field}: ${what}`;
      if (e.badValue !== undefined || e.type === "FieldValueInvalid") s += `: ${formatBadValue(e.badValue)}`;
      if (e.detail) s += `: ${e.detail}`;
      return s;
    }
  }
}

const fieldErrorTypeText: Record<FieldErrorType, string> = {
  FieldValueNotFound: "Not found",
  FieldValueRequired: "Required value",
  FieldValueDuplicate: "Duplicate value",
  FieldValueInvalid: "Invalid value",
  FieldValueNotSupported: "Unsupported value",
  FieldValueForbidden: "Forbidden",
  FieldValueTooLong: "Too long",
  FieldValueTooMany: "Too many",
  InternalError: "Internal error",
  FieldValueTypeInvalid: "Invalid value",
};

function formatBadValue(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v);
  if (v === null || v === undefined) return "null";
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

/** Small builders so validation code reads like upstream's field.Invalid(path, value, detail). */
export const fieldError = {
  required: (field: string, detail?: string): FieldError => ({ type: "FieldValueRequired", field, detail }),
  invalid: (field: string, badValue: unknown, detail?: string): FieldError => ({ type: "FieldValueInvalid", field, badValue, detail }),
  notSupported: (field: string, badValue: unknown, supported: string[]): FieldError => ({
    type: "FieldValueNotSupported",
    field,
    badValue,
    detail: `supported values: ${supported.map((s) => JSON.stringify(s)).join(", ")}`,
  }),
  duplicate: (field: string, badValue: unknown): FieldError => ({ type: "FieldValueDuplicate", field, badValue }),
  forbidden: (field: string, detail: string): FieldError => ({ type: "FieldValueForbidden", field, detail }),
  tooLong: (field: string, max: number): FieldError => ({ type: "FieldValueTooLong", field, detail: `must have at most ${max} bytes` }),
  notFound: (field: string, badValue: unknown): FieldError => ({ type: "FieldValueNotFound", field, badValue }),
};
