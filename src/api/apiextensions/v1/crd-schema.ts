// Schemas of io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1 types, after upstream's
// OpenAPI (staging/src/k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1/types.go):
// field names, types, required fields and list types as upstream; descriptions cut to their first sentence.
import { arrayOf, boolean, bytes, int32, int64, mapOf, mergeList, number, object, ref, string, time, topLevel } from "../../schema.js";
import type { Definitions, Schema } from "../../schema.js";
import { listOf } from "../../meta/v1/index.js";
import { n } from "./_names.js";

const gv = { group: "apiextensions.k8s.io", version: "v1" };
const strings = (description: string): Schema => arrayOf(string(), description, { "x-kubernetes-list-type": "atomic" });
const props = (description: string): Schema => mapOf(ref(n.JSONSchemaProps), description);

export const crdDefinitions: Definitions = {
  [n.CustomResourceDefinition]: {
    ...topLevel(
      {
        spec: ref(n.CustomResourceDefinitionSpec, "spec describes how the user wants the resources to appear"),
        status: ref(n.CustomResourceDefinitionStatus, "status indicates the actual state of the CustomResourceDefinition"),
      },
      "CustomResourceDefinition represents a resource that should be exposed on the API server.  Its name MUST be in the format <.spec.name>.<.spec.group>.",
      { ...gv, kind: "CustomResourceDefinition" },
    ),
    required: ["spec"],
  },
  [n.CustomResourceDefinitionList]: listOf(n.CustomResourceDefinition, "CustomResourceDefinitionList is a list of CustomResourceDefinition objects.", { ...gv, kind: "CustomResourceDefinitionList" }),
  [n.CustomResourceDefinitionSpec]: object(
    {
      conversion: ref(n.CustomResourceConversion, "conversion defines conversion settings for the CRD."),
      group: string("group is the API group of the defined custom resource."),
      names: ref(n.CustomResourceDefinitionNames, "names specify the resource and kind names for the custom resource."),
      preserveUnknownFields: boolean("preserveUnknownFields indicates that object fields which are not specified in the OpenAPI schema should be preserved when persisting to storage."),
      scope: string("scope indicates whether the defined custom resource is cluster- or namespace-scoped. Allowed values are `Cluster` and `Namespaced`."),
      versions: arrayOf(ref(n.CustomResourceDefinitionVersion), "versions is the list of all API versions of the defined custom resource.", { "x-kubernetes-list-type": "atomic" }),
    },
    { description: "CustomResourceDefinitionSpec describes how a user wants their resource to appear", required: ["group", "names", "scope", "versions"] },
  ),
  [n.CustomResourceDefinitionNames]: object(
    {
      categories: strings("categories is a list of grouped resources this custom resource belongs to (e.g. 'all')."),
      kind: string("kind is the serialized kind of the resource. It is normally CamelCase and singular."),
      listKind: string("listKind is the serialized kind of the list for this resource. Defaults to \"`kind`List\"."),
      plural: string("plural is the plural name of the resource to serve."),
      shortNames: strings("shortNames are short names for the resource, exposed in API discovery documents, and used by clients to support invocations like `kubectl get <shortname>`."),
      singular: string("singular is the singular name of the resource. It must be all lowercase. Defaults to lowercased `kind`."),
    },
    { description: "CustomResourceDefinitionNames indicates the names to serve this CustomResourceDefinition", required: ["plural", "kind"] },
  ),
  [n.CustomResourceDefinitionVersion]: object(
    {
      additionalPrinterColumns: arrayOf(ref(n.CustomResourceColumnDefinition), "additionalPrinterColumns specifies additional columns returned in Table output.", { "x-kubernetes-list-type": "atomic" }),
      deprecated: boolean("deprecated indicates this version of the custom resource API is deprecated."),
      deprecationWarning: string("deprecationWarning overrides the default warning returned to API clients."),
      name: string("name is the version name, e.g. “v1”, “v2beta1”, etc."),
      schema: ref(n.CustomResourceValidation, "schema describes the schema used for validation, pruning, and defaulting of this version of the custom resource."),
      selectableFields: arrayOf(ref(n.SelectableField), "selectableFields specifies paths to fields that may be used as field selectors.", { "x-kubernetes-list-type": "atomic" }),
      served: boolean("served is a flag enabling/disabling this version from being served via REST APIs"),
      storage: boolean("storage indicates this version should be used when persisting custom resources to storage."),
      subresources: ref(n.CustomResourceSubresources, "subresources specify what subresources this version of the defined custom resource have."),
    },
    { description: "CustomResourceDefinitionVersion describes a version for CRD.", required: ["name", "served", "storage"] },
  ),
  [n.CustomResourceColumnDefinition]: object(
    {
      description: string("description is a human readable description of this column."),
      format: string("format is an optional OpenAPI type definition for this column."),
      jsonPath: string("jsonPath is a simple JSON path (i.e. with array notation) which is evaluated against each custom resource to produce the value for this column."),
      name: string("name is a human readable name for the column."),
      priority: int32("priority is an integer defining the relative importance of this column compared to others."),
      type: string("type is an OpenAPI type definition for this column."),
    },
    { description: "CustomResourceColumnDefinition specifies a column for server side printing.", required: ["name", "type", "jsonPath"] },
  ),
  [n.SelectableField]: object({ jsonPath: string("jsonPath is a simple JSON path which is evaluated against each custom resource to produce a field selector value.") }, { description: "SelectableField specifies the JSON path of a field that may be used with field selectors.", required: ["jsonPath"] }),
  [n.CustomResourceValidation]: object({ openAPIV3Schema: ref(n.JSONSchemaProps, "openAPIV3Schema is the OpenAPI v3 schema to use for validation and pruning.") }, { description: "CustomResourceValidation is a list of validation methods for CustomResources." }),
  [n.CustomResourceSubresources]: object(
    {
      scale: ref(n.CustomResourceSubresourceScale, "scale indicates the custom resource should serve a `/scale` subresource that returns an `autoscaling/v1` Scale object."),
      status: ref(n.CustomResourceSubresourceStatus, "status indicates the custom resource should serve a `/status` subresource."),
    },
    { description: "CustomResourceSubresources defines the status and scale subresources for CustomResources." },
  ),
  [n.CustomResourceSubresourceStatus]: { type: "object", description: "CustomResourceSubresourceStatus defines how to serve the status subresource for CustomResources." },
  [n.CustomResourceSubresourceScale]: object(
    {
      labelSelectorPath: string("labelSelectorPath defines the JSON path inside of a custom resource that corresponds to Scale `status.selector`."),
      specReplicasPath: string("specReplicasPath defines the JSON path inside of a custom resource that corresponds to Scale `spec.replicas`."),
      statusReplicasPath: string("statusReplicasPath defines the JSON path inside of a custom resource that corresponds to Scale `status.replicas`."),
    },
    { description: "CustomResourceSubresourceScale defines how to serve the scale subresource for CustomResources.", required: ["specReplicasPath", "statusReplicasPath"] },
  ),
  [n.CustomResourceConversion]: object(
    {
      strategy: string("strategy specifies how custom resources are converted between versions. Allowed values are: - `\"None\"`: The converter only change the apiVersion and would not touch any other field in the custom resource. - `\"Webhook\"`: API Server will call to an external webhook to do the conversion."),
      webhook: ref(n.WebhookConversion, "webhook describes how to call the conversion webhook. Required when `strategy` is set to `\"Webhook\"`."),
    },
    { description: "CustomResourceConversion describes how to convert different versions of a CR.", required: ["strategy"] },
  ),
  [n.WebhookConversion]: object(
    {
      clientConfig: ref(n.WebhookClientConfig, "clientConfig is the instructions for how to call the webhook if strategy is `Webhook`."),
      conversionReviewVersions: strings("conversionReviewVersions is an ordered list of preferred `ConversionReview` versions the Webhook expects."),
    },
    { description: "WebhookConversion describes how to call a conversion webhook", required: ["conversionReviewVersions"] },
  ),
  [n.WebhookClientConfig]: object(
    {
      caBundle: bytes("caBundle is a PEM encoded CA bundle which will be used to validate the webhook's server certificate."),
      service: ref(n.ServiceReference, "service is a reference to the service for this webhook. Either service or url must be specified."),
      url: string("url gives the location of the webhook, in standard URL form (`scheme://host:port/path`)."),
    },
    { description: "WebhookClientConfig contains the information to make a TLS connection with the webhook." },
  ),
  [n.ServiceReference]: object(
    {
      name: string("name is the name of the service. Required"),
      namespace: string("namespace is the namespace of the service. Required"),
      path: string("path is an optional URL path at which the webhook will be contacted."),
      port: int32("port is an optional service port at which the webhook will be contacted."),
    },
    { description: "ServiceReference holds a reference to Service.legacy.k8s.io", required: ["namespace", "name"] },
  ),
  [n.CustomResourceDefinitionStatus]: object(
    {
      acceptedNames: ref(n.CustomResourceDefinitionNames, "acceptedNames are the names that are actually being used to serve discovery."),
      conditions: mergeList(ref(n.CustomResourceDefinitionCondition), "type", "conditions indicate state for particular aspects of a CustomResourceDefinition"),
      storedVersions: strings("storedVersions lists all versions of CustomResources that were ever persisted."),
    },
    { description: "CustomResourceDefinitionStatus indicates the state of the CustomResourceDefinition" },
  ),
  [n.CustomResourceDefinitionCondition]: object(
    {
      lastTransitionTime: time("lastTransitionTime last time the condition transitioned from one status to another."),
      message: string("message is a human-readable message indicating details about last transition."),
      reason: string("reason is a unique, one-word, CamelCase reason for the condition's last transition."),
      status: string("status is the status of the condition. Can be True, False, Unknown."),
      type: string("type is the type of the condition. Types include Established, NamesAccepted and Terminating."),
    },
    { description: "CustomResourceDefinitionCondition contains details for the current condition of this pod.", required: ["type", "status"] },
  ),
  [n.JSONSchemaProps]: object(
    {
      $ref: string(),
      $schema: string(),
      additionalItems: ref(n.JSONSchemaPropsOrBool),
      additionalProperties: ref(n.JSONSchemaPropsOrBool),
      allOf: arrayOf(ref(n.JSONSchemaProps), undefined, { "x-kubernetes-list-type": "atomic" }),
      anyOf: arrayOf(ref(n.JSONSchemaProps), undefined, { "x-kubernetes-list-type": "atomic" }),
      default: ref(n.JSON, "default is a default value for undefined object fields."),
      definitions: props(""),
      dependencies: mapOf(ref(n.JSONSchemaPropsOrStringArray)),
      description: string(),
      enum: arrayOf(ref(n.JSON), undefined, { "x-kubernetes-list-type": "atomic" }),
      example: ref(n.JSON),
      exclusiveMaximum: boolean(),
      exclusiveMinimum: boolean(),
      externalDocs: ref(n.ExternalDocumentation),
      format: string("format is an OpenAPI v3 format string."),
      id: string(),
      items: ref(n.JSONSchemaPropsOrArray),
      maxItems: int64(),
      maxLength: int64(),
      maxProperties: int64(),
      maximum: number(),
      minItems: int64(),
      minLength: int64(),
      minProperties: int64(),
      minimum: number(),
      multipleOf: number(),
      not: ref(n.JSONSchemaProps),
      nullable: boolean(),
      oneOf: arrayOf(ref(n.JSONSchemaProps), undefined, { "x-kubernetes-list-type": "atomic" }),
      pattern: string(),
      patternProperties: props(""),
      properties: props(""),
      required: strings(""),
      title: string(),
      type: string(),
      uniqueItems: boolean(),
      "x-kubernetes-embedded-resource": boolean("x-kubernetes-embedded-resource defines that the value is an embedded Kubernetes runtime.Object, with TypeMeta and ObjectMeta."),
      "x-kubernetes-int-or-string": boolean("x-kubernetes-int-or-string specifies that this value is either an integer or a string."),
      "x-kubernetes-list-map-keys": strings("x-kubernetes-list-map-keys annotates an array with the x-kubernetes-list-type `map` by specifying the keys used as the index of the map."),
      "x-kubernetes-list-type": string("x-kubernetes-list-type annotates an array to further describe its topology."),
      "x-kubernetes-map-type": string("x-kubernetes-map-type annotates an object to further describe its topology."),
      "x-kubernetes-preserve-unknown-fields": boolean("x-kubernetes-preserve-unknown-fields stops the API server decoding step from pruning fields which are not specified in the validation schema."),
      "x-kubernetes-validations": {
        ...mergeList(ref(n.ValidationRule), "rule", "x-kubernetes-validations describes a list of validation rules written in the CEL expression language."),
        "x-kubernetes-list-map-keys": ["rule"],
      },
    },
    { description: "JSONSchemaProps is a JSON-Schema following Specification Draft 4 (http://json-schema.org/)." },
  ),
  [n.ValidationRule]: object(
    {
      fieldPath: string("fieldPath represents the field path returned when the validation fails."),
      message: string("Message represents the message displayed when validation fails."),
      messageExpression: string("MessageExpression declares a CEL expression that evaluates to the validation failure message that is returned when this rule fails."),
      optionalOldSelf: boolean("optionalOldSelf is used to opt a transition rule into evaluation even when the object is first created, or if the old object is missing the value."),
      reason: string("reason provides a machine-readable validation failure reason that is returned to the caller when a request fails this validation rule."),
      rule: string("Rule represents the expression which will be evaluated by CEL."),
    },
    { description: "ValidationRule describes a validation rule written in the CEL expression language.", required: ["rule"] },
  ),
  [n.ExternalDocumentation]: object({ description: string(), url: string() }, { description: "ExternalDocumentation allows referencing an external resource for extended documentation." }),
  [n.JSON]: { description: "JSON represents any valid JSON value. These types are supported: bool, int64, float64, string, []interface{}, map[string]interface{} and nil." },
  [n.JSONSchemaPropsOrArray]: { description: "JSONSchemaPropsOrArray represents a value that can either be a JSONSchemaProps or an array of JSONSchemaProps. Mainly here for serialization purposes." },
  [n.JSONSchemaPropsOrBool]: { description: "JSONSchemaPropsOrBool represents JSONSchemaProps or a boolean value. Defaults to true for the boolean property." },
  [n.JSONSchemaPropsOrStringArray]: { description: "JSONSchemaPropsOrStringArray represents a JSONSchemaProps or a string array." },
};
