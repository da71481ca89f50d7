// The public face of machinery: pure helpers, importing nothing of ours.
export { StoreError, isStoreError } from "./store-error.js";
export type { StoreErrorCode } from "./store-error.js";
export { ApiError, isApiError, fieldError, fieldErrorMessage, qualifiedResource } from "./status.js";
export type { Status, StatusReason, StatusCause, StatusDetails, GroupResource, GroupKind, FieldError, FieldErrorType } from "./status.js";
export { LabelSelector, labelRequirement, requirementErrors, labelSelectorFromSet, labelSelectorFromObject } from "./labels.js";
export type { Labels, LabelOperator, LabelRequirement, MetaLabelSelector, MetaLabelSelectorRequirement } from "./labels.js";
export { parseLabelSelector } from "./label-parser.js";
export { isDNS1123Label, isDNS1123Subdomain, isDNS1035Label, isQualifiedName, isValidLabelValue, regexError, DNS1123LabelMaxLength, DNS1123SubdomainMaxLength, DNS1035LabelMaxLength, LabelValueMaxLength } from "./validation.js";
export { nameIsDNSSubdomain, nameIsDNSLabel, nameIsDNS1035Label, validateLabels, validateAnnotations, annotationsSize, validateFinalizers, validateObjectMeta, TotalAnnotationSizeLimitB } from "./object-meta-validation.js";
export type { NameValidator, ObjectMetaFields, ObjectMetaOptions } from "./object-meta-validation.js";
export { FieldSelector, parseFieldSelector, fieldSelectorFromSet, fieldLabelNotSupported, escapeFieldValue, unescapeFieldValue } from "./fields.js";
export type { FieldOperator, FieldRequirement, FieldGetter, FieldTransform } from "./fields.js";
export { Quantity, QuantityError, parseQuantity, compareQuantities, quantityErrors } from "./quantity.js";
export type { QuantityFormat } from "./quantity.js";
