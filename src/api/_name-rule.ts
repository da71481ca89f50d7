import { fieldError, nameIsDNSSubdomain } from "../machinery/index.js";
import type { FieldError, NameValidator } from "../machinery/index.js";
import type { KubeObject } from "./object.js";

/** ValidateObjectMeta's name rule for a kind: DNS subdomain for most kinds (ValidateDeploymentName, ValidateJobName…). */
export function validateNameRule(obj: KubeObject, nameFn: NameValidator = nameIsDNSSubdomain): FieldError[] {
  const errs: FieldError[] = [];
  const { name, generateName } = obj.metadata;
  if (generateName) for (const msg of nameFn(generateName, true)) errs.push(fieldError.invalid("metadata.generateName", generateName, msg));
  if (name) for (const msg of nameFn(name, false)) errs.push(fieldError.invalid("metadata.name", name, msg));
  return errs;
}
