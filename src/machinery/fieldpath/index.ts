// Field paths and sets of them, as server-side apply tracks field ownership.
export { FieldSet } from "./set.js";
export { FieldPathError, compareElements, elementString, keyElement, parseElement, pathString, serializeElement } from "./path.js";
export type { Path, PathElement } from "./path.js";
