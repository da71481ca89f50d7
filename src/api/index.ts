// The public face of api: object types, schemas, the kind registry.
export type { KubeObject, KubeList, ObjectMeta, ListMeta, OwnerReference, ManagedFieldsEntry, GroupVersionKind, GroupVersionResource } from "./object.js";
export { apiVersionOf, parseApiVersion } from "./object.js";
export type { Schema, Definitions } from "./schema.js";
export type { ResourceType, Verb, Subresources, CustomSubresource, SubresourceAction, WriteContext, Strategy, TableColumn, TableConvertor } from "./resource-type.js";
export { allVerbs } from "./resource-type.js";
export type { RestRequest, RestResponse, RestHandler, HttpMethod, UserInfo, WatchEventBody } from "./rest.js";
export { findUnknownFields, pruneUnknownFields, checkTypes, resolveSchema, strictDecodingMessage, unknownFieldWarning } from "./schema-check.js";
export { patchMetaFor } from "./schema-patch-meta.js";
export type { PatchMetaLookup, PatchMetaStep, FieldPatchMeta } from "./schema-patch-meta.js";
export { KindRegistry, compareVersionPriority } from "./registry.js";
export type { ApiGroupVersions, KindRegistryOptions } from "./registry.js";
export { metaV1Definitions, listOf, withRequired, metaNames } from "./meta/v1/index.js";
export type { LabelSelector, LabelSelectorRequirement, Condition, DeleteOptions, Preconditions, APIResource, APIResourceList, APIGroup, APIGroupList, APIVersions, GroupVersionForDiscovery } from "./meta/v1/index.js";
