// The public face of the CEL wrapper: compile once, evaluate many times.
export { compileCel, evaluateCel, celValue, celOptional, jsonFromCel } from "./cel.js";
export type { CelDeclarations, CelProgram, CelCompileResult, CelEvalResult, CelTypeName } from "./cel.js";
export { CelQuantity, CelOptional, re2Error, re2Test } from "./_kubernetes-library.js";
export type { CelStructure } from "./_field-check.js";
