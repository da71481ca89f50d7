// Upstream OpenAPI names of apiextensions.k8s.io/v1 definitions.
const p = "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.";

export const n = {
  CustomResourceDefinition: p + "CustomResourceDefinition",
  CustomResourceDefinitionList: p + "CustomResourceDefinitionList",
  CustomResourceDefinitionSpec: p + "CustomResourceDefinitionSpec",
  CustomResourceDefinitionStatus: p + "CustomResourceDefinitionStatus",
  CustomResourceDefinitionNames: p + "CustomResourceDefinitionNames",
  CustomResourceDefinitionVersion: p + "CustomResourceDefinitionVersion",
  CustomResourceDefinitionCondition: p + "CustomResourceDefinitionCondition",
  CustomResourceConversion: p + "CustomResourceConversion",
  WebhookConversion: p + "WebhookConversion",
  WebhookClientConfig: p + "WebhookClientConfig",
  ServiceReference: p + "ServiceReference",
  CustomResourceValidation: p + "CustomResourceValidation",
  CustomResourceSubresources: p + "CustomResourceSubresources",
  CustomResourceSubresourceStatus: p + "CustomResourceSubresourceStatus",
  CustomResourceSubresourceScale: p + "CustomResourceSubresourceScale",
  CustomResourceColumnDefinition: p + "CustomResourceColumnDefinition",
  SelectableField: p + "SelectableField",
  JSONSchemaProps: p + "JSONSchemaProps",
  JSONSchemaPropsOrArray: p + "JSONSchemaPropsOrArray",
  JSONSchemaPropsOrBool: p + "JSONSchemaPropsOrBool",
  JSONSchemaPropsOrStringArray: p + "JSONSchemaPropsOrStringArray",
  JSON: p + "JSON",
  ExternalDocumentation: p + "ExternalDocumentation",
  ValidationRule: p + "ValidationRule",
} as const;
