// The public face of the CEL wrapper: compile once, evaluate many times.
export { compileCel, evaluateCel, celValue, jsonFromCel } from "./cel.js";
export type { CelDeclarations, CelProgram, CelCompileResult, CelEvalResult, CelTypeName } from "./cel.js";
export { CelQuantity } from "./_kubernetes-library.js";
