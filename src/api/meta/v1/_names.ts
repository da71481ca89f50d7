import { meta } from "../../schema.js";

const p = "io.k8s.apimachinery.pkg.apis.meta.v1.";

/** Upstream OpenAPI names of every apimachinery definition: schema.ts's `meta`, plus the types they use. */
export const m = {
  ...meta,
  LabelSelectorRequirement: p + "LabelSelectorRequirement",
  ManagedFieldsEntry: p + "ManagedFieldsEntry",
  FieldsV1: p + "FieldsV1",
  StatusDetails: p + "StatusDetails",
  StatusCause: p + "StatusCause",
  Preconditions: p + "Preconditions",
  APIResource: p + "APIResource",
  APIResourceList: p + "APIResourceList",
  APIGroup: p + "APIGroup",
  APIGroupList: p + "APIGroupList",
  APIVersions: p + "APIVersions",
  GroupVersionForDiscovery: p + "GroupVersionForDiscovery",
  ServerAddressByClientCIDR: p + "ServerAddressByClientCIDR",
} as const;
