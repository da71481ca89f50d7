// Schemas of io.k8s.apimachinery.pkg.apis.meta.v1 types, after upstream's OpenAPI (staging/src/k8s.io/api types.go): field
// names, types, required fields and patch strategies as upstream; descriptions cut to their first sentence.
import { string, int32, int64, boolean, ref, object, mapOf, arrayOf, mergeList, mergeSet, time, meta } from "../../schema.js";
import type { Definitions } from "../../schema.js";
import { m } from "./_names.js";

export const apimachineryDefinitions: Definitions = {
  [m.ObjectMeta]: object(
    {
      annotations: mapOf(string(), "Annotations is an unstructured key value map stored with a resource that may be set by external tools to store and retrieve arbitrary metadata."),
      creationTimestamp: time("CreationTimestamp is a timestamp representing the server time when this object was created."),
      deletionGracePeriodSeconds: int64("Number of seconds allowed for this object to gracefully terminate before it will be removed from the system."),
      deletionTimestamp: time("DeletionTimestamp is RFC 3339 date and time at which this resource will be deleted."),
      finalizers: mergeSet(string(), "Must be empty before the object is deleted from the registry."),
      generateName: string("GenerateName is an optional prefix, used by the server, to generate a unique name ONLY IF the Name field has not been provided."),
      generation: int64("A sequence number representing a specific generation of the desired state."),
      labels: mapOf(string(), "Map of string keys and values that can be used to organize and categorize (scope and select) objects."),
      managedFields: arrayOf(ref(m.ManagedFieldsEntry), "ManagedFields maps workflow-id and version to the set of fields that are managed by that workflow.", {"x-kubernetes-list-type":"atomic"}),
      name: string("Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically."),
      namespace: string("Namespace defines the space within which each name must be unique."),
      ownerReferences: mergeList(ref(m.OwnerReference), "uid", "List of objects depended by this object."),
      resourceVersion: string("An opaque value that represents the internal version of this object that can be used by clients to determine when objects have changed."),
      selfLink: string("Deprecated: selfLink is a legacy read-only field that is no longer populated by the system."),
      uid: string("UID is the unique in time and space value for this object."),
    },
    { description: "ObjectMeta is metadata that all persisted resources must have, which includes all objects users must create." },
  ),
  [m.ListMeta]: object(
    {
      continue: string("continue may be set if the user set a limit on the number of items returned, and indicates that the server has more data available."),
      remainingItemCount: int64("remainingItemCount is the number of subsequent items in the list which are not included in this list response."),
      resourceVersion: string("String that identifies the server's internal version of this object that can be used by clients to determine when objects have changed."),
      selfLink: string("Deprecated: selfLink is a legacy read-only field that is no longer populated by the system."),
    },
    { description: "ListMeta describes metadata that synthetic resources must have, including lists and various status objects." },
  ),
  [m.LabelSelector]: {
    ...object(
      {
        matchExpressions: arrayOf(ref(m.LabelSelectorRequirement), "matchExpressions is a list of label selector requirements.", {"x-kubernetes-list-type":"atomic"}),
        matchLabels: mapOf(string(), "matchLabels is a map of {key,value} pairs."),
      },
      { description: "A label selector is a label query over a set of resources." },
    ),
    // +structType=atomic upstream: server-side apply owns a selector as a whole.
    "x-kubernetes-map-type": "atomic",
  },
  [m.LabelSelectorRequirement]: object(
    {
      key: string("key is the label key that the selector applies to."),
      operator: string("operator represents a key's relationship to a set of values."),
      values: arrayOf(string(), "values is an array of string values. If the operator is In or NotIn, the values array must be non-empty.", {"x-kubernetes-list-type":"atomic"}),
    },
    { description: "A label selector requirement is a selector that contains values, a key, and an operator that relates the key and values.", required: ["key","operator"] },
  ),
  [m.Condition]: object(
    {
      lastTransitionTime: time("lastTransitionTime is the last time the condition transitioned from one status to another."),
      message: string("message is a human readable message indicating details about the transition."),
      observedGeneration: int64("observedGeneration represents the .metadata.generation that the condition was set based upon."),
      reason: string("reason contains a programmatic identifier indicating the reason for the condition's last transition."),
      status: string("status of the condition, one of True, False, Unknown."),
      type: string("type of condition in CamelCase or in foo.example.com/CamelCase."),
    },
    { description: "Condition contains details for one aspect of the current state of this API Resource.", required: ["lastTransitionTime","message","reason","status","type"] },
  ),
  [m.OwnerReference]: object(
    {
      apiVersion: string("API version of the referent."),
      blockOwnerDeletion: boolean("If true, AND if the owner has the \"foregroundDeletion\" finalizer, then the owner cannot be deleted from the key-value store until this reference is removed. Defaults to false."),
      controller: boolean("If true, this reference points to the managing controller."),
      kind: string("Kind of the referent."),
      name: string("Name of the referent."),
      uid: string("UID of the referent."),
    },
    { description: "OwnerReference contains enough information to let you identify an owning object.", required: ["apiVersion","kind","name","uid"] },
  ),
  [m.ManagedFieldsEntry]: object(
    {
      apiVersion: string("APIVersion defines the version of this resource that this field set applies to."),
      fieldsType: string("FieldsType is the discriminator for the different fields format and version."),
      fieldsV1: ref(m.FieldsV1, "FieldsV1 holds the first JSON version format as described in the \"FieldsV1\" type."),
      manager: string("Manager is an identifier of the workflow managing these fields."),
      operation: string("Operation is the type of operation which lead to this ManagedFieldsEntry being created."),
      subresource: string("Subresource is the name of the subresource used to update that object, or empty string if the object was updated through the main resource."),
      time: time("Time is the timestamp of when the ManagedFields entry was added."),
    },
    { description: "ManagedFieldsEntry is a workflow-id, a FieldSet and the group version of the resource that the fieldset applies to." },
  ),
  [m.Status]: object(
    {
      apiVersion: string("APIVersion defines the versioned schema of this representation of an object."),
      code: int32("Suggested HTTP return code for this status, 0 if not set."),
      details: ref(m.StatusDetails, "Extended data associated with the reason."),
      kind: string("Kind is a string value representing the REST resource this object represents."),
      message: string("A human-readable description of the status of this operation."),
      metadata: ref(m.ListMeta, "Standard list metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds"),
      reason: string("A machine-readable description of why this operation is in the \"Failure\" status."),
      status: string("Status of the operation. One of: \"Success\" or \"Failure\"."),
    },
    { description: "Status is a return value for calls that don't return other objects." },
  ),
  [m.StatusDetails]: object(
    {
      causes: arrayOf(ref(m.StatusCause), "The Causes array includes more details associated with the StatusReason failure.", {"x-kubernetes-list-type":"atomic"}),
      group: string("The group attribute of the resource associated with the status StatusReason."),
      kind: string("The kind attribute of the resource associated with the status StatusReason."),
      name: string("The name attribute of the resource associated with the status StatusReason (when there is a single name which can be described)."),
      retryAfterSeconds: int32("If specified, the time in seconds before the operation should be retried."),
      uid: string("UID of the resource. (when there is a single resource which can be described)."),
    },
    { description: "StatusDetails is a set of additional properties that MAY be set by the server to provide additional information about a response." },
  ),
  [m.StatusCause]: object(
    {
      field: string("The field of the resource that has caused this error, as named by its JSON serialization."),
      message: string("A human-readable description of the cause of the error."),
      reason: string("A machine-readable description of the cause of the error."),
    },
    { description: "StatusCause provides more information about an api.Status failure, including cases when multiple errors are encountered." },
  ),
  [m.DeleteOptions]: object(
    {
      apiVersion: string("APIVersion defines the versioned schema of this representation of an object."),
      dryRun: arrayOf(string(), "When present, indicates that modifications should not be persisted.", {"x-kubernetes-list-type":"atomic"}),
      gracePeriodSeconds: int64("The duration in seconds before the object should be deleted. Defaults to a per object value if not specified."),
      ignoreStoreReadErrorWithClusterBreakingPotential: boolean("if set to true, it will trigger an unsafe deletion of the resource in case the normal deletion flow fails with a corrupt object error."),
      kind: string("Kind is a string value representing the REST resource this object represents."),
      orphanDependents: boolean("Deprecated: please use the PropagationPolicy, this field will be deprecated in 1.7."),
      preconditions: ref(m.Preconditions, "Must be fulfilled before a deletion is carried out. If not possible, a 409 Conflict status will be returned."),
      propagationPolicy: string("Whether and how garbage collection will be performed."),
    },
    { description: "DeleteOptions may be provided when deleting an API object." },
  ),
  [m.Preconditions]: object(
    {
      resourceVersion: string("Specifies the target ResourceVersion"),
      uid: string("Specifies the target UID."),
    },
    { description: "Preconditions must be fulfilled before an operation (update, delete, etc.) is carried out." },
  ),
  [m.WatchEvent]: object(
    {
      object: ref(meta.RawExtension, "Object is: * If Type is Added or Modified: the new state of the object. * If Type is Deleted: the state of the object immediately before deletion. * If Type is Error: *Status is recommended; other types may make sense depending on context."),
      type: string(),
    },
    { description: "Event represents a single event to a watched resource.", required: ["object","type"] },
  ),
  [m.APIResource]: object(
    {
      categories: arrayOf(string(), "categories is a list of the grouped resources this resource belongs to (e.g.", {"x-kubernetes-list-type":"atomic"}),
      group: string("group is the preferred group of the resource."),
      kind: string("kind is the kind for the resource (e.g."),
      name: string("name is the plural name of the resource."),
      namespaced: boolean("namespaced indicates if a resource is namespaced or not."),
      shortNames: arrayOf(string(), "shortNames is a list of suggested short names of the resource.", {"x-kubernetes-list-type":"atomic"}),
      singularName: string("singularName is the singular name of the resource."),
      storageVersionHash: string("The hash value of the storage version, the version this resource is converted to when written to the data store."),
      verbs: arrayOf(string(), "verbs is a list of supported kube verbs (this includes get, list, watch, create, update, patch, delete, deletecollection, and proxy)", {"x-kubernetes-list-type":"atomic"}),
      version: string("version is the preferred version of the resource."),
    },
    { description: "APIResource specifies the name of a resource and whether it is namespaced.", required: ["kind","name","namespaced","singularName","verbs"] },
  ),
  [m.APIResourceList]: object(
    {
      apiVersion: string("APIVersion defines the versioned schema of this representation of an object."),
      groupVersion: string("groupVersion is the group and version this APIResourceList is for."),
      kind: string("Kind is a string value representing the REST resource this object represents."),
      resources: arrayOf(ref(m.APIResource), "resources contains the name of the resources and if they are namespaced.", {"x-kubernetes-list-type":"atomic"}),
    },
    { description: "APIResourceList is a list of APIResource, it is used to expose the name of the resources supported in a specific group and version, and if the resource is namespaced.", required: ["groupVersion","resources"] },
  ),
  [m.APIGroup]: object(
    {
      apiVersion: string("APIVersion defines the versioned schema of this representation of an object."),
      kind: string("Kind is a string value representing the REST resource this object represents."),
      name: string("name is the name of the group."),
      preferredVersion: ref(m.GroupVersionForDiscovery, "preferredVersion is the version preferred by the API server, which probably is the storage version."),
      serverAddressByClientCIDRs: arrayOf(ref(m.ServerAddressByClientCIDR), "a map of client CIDR to server address that is serving this group.", {"x-kubernetes-list-type":"atomic"}),
      versions: arrayOf(ref(m.GroupVersionForDiscovery), "versions are the versions supported in this group.", {"x-kubernetes-list-type":"atomic"}),
    },
    { description: "APIGroup contains the name, the supported versions, and the preferred version of a group.", required: ["name","versions"] },
  ),
  [m.APIGroupList]: object(
    {
      apiVersion: string("APIVersion defines the versioned schema of this representation of an object."),
      groups: arrayOf(ref(m.APIGroup), "groups is a list of APIGroup.", {"x-kubernetes-list-type":"atomic"}),
      kind: string("Kind is a string value representing the REST resource this object represents."),
    },
    { description: "APIGroupList is a list of APIGroup, to allow clients to discover the API at /apis.", required: ["groups"] },
  ),
  [m.APIVersions]: object(
    {
      apiVersion: string("APIVersion defines the versioned schema of this representation of an object."),
      kind: string("Kind is a string value representing the REST resource this object represents."),
      serverAddressByClientCIDRs: arrayOf(ref(m.ServerAddressByClientCIDR), "a map of client CIDR to server address that is serving this group.", {"x-kubernetes-list-type":"atomic"}),
      versions: arrayOf(string(), "versions are the api versions that are available.", {"x-kubernetes-list-type":"atomic"}),
    },
    { description: "APIVersions lists the versions that are available, to allow clients to discover the API at /api, which is the root path of the legacy v1 API.", required: ["serverAddressByClientCIDRs","versions"] },
  ),
  [m.GroupVersionForDiscovery]: object(
    {
      groupVersion: string("groupVersion specifies the API group and version in the form \"group/version\""),
      version: string("version specifies the version in the form of \"version\"."),
    },
    { description: "GroupVersion contains the \"group/version\" and \"version\" string of a version.", required: ["groupVersion","version"] },
  ),
  [m.ServerAddressByClientCIDR]: object(
    {
      clientCIDR: string("The CIDR with which clients can match their IP to figure out the server address that they should use."),
      serverAddress: string("Address of this server, suitable for a client that matches the above CIDR."),
    },
    { description: "ServerAddressByClientCIDR helps the client to determine the server address that they should use, depending on the clientCIDR that they match.", required: ["clientCIDR","serverAddress"] },
  ),
};
