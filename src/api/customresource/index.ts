// The public face of custom resources: registry entries built from a CustomResourceDefinition.
export { customResourceTypes, storageVersionOf, validateCustomResource } from "./custom-resource.js";
export type { CustomResourceOptions } from "./custom-resource.js";
export { validateStructuralSchema } from "./structural.js";
export { validateValue as validateSchemaValue } from "./_validate-value.js";
export { applyDefaults as applySchemaDefaults } from "./_defaults.js";
export { validateRules as validateCelRules, compileRule as compileCelRule } from "./_cel-rules.js";
export { parseJsonPath, evaluateJsonPath } from "./_json-path.js";
export { definitionName as customResourceDefinitionName } from "./_to-schema.js";
