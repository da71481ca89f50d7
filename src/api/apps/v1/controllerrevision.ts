/**
 * apps/v1 controllerrevisions: immutable data (ValidateControllerRevisionUpdate) and the
 * CONTROLLER / REVISION columns of printControllerRevision.
 */
import { fieldError } from "../../../machinery/index.js";
import type { FieldError } from "../../../machinery/index.js";
import type { KubeObject } from "../../object.js";
import { parseApiVersion } from "../../object.js";
import type { ResourceType, TableConvertor } from "../../resource-type.js";
import { ageColumn, nameColumn, translateTimestampSince } from "../../table-helpers.js";
import { validateNameRule } from "../../_name-rule.js";
import { nonNegative } from "../../_workload.js";
import { n } from "./_names.js";
import { appsV1Definitions } from "./definitions.js";
import type { ControllerRevision } from "./controllerrevision-types.js";

const asRevision = (obj: KubeObject): ControllerRevision => obj as ControllerRevision;

export function validateControllerRevision(cr: ControllerRevision, old: ControllerRevision | undefined): FieldError[] {
  const errs = validateNameRule(cr);
  if (cr.data === undefined || cr.data === null) errs.push(fieldError.required("data"));
  errs.push(...nonNegative("revision", cr.revision));
  if (old && JSON.stringify(cr.data) !== JSON.stringify(old.data)) errs.push(fieldError.invalid("data", "<value omitted>", "field is immutable"));
  return errs;
}

export const controllerRevisionTable: TableConvertor = {
  columns: [
    nameColumn,
    { name: "Controller", type: "string", description: "Controller of the object", priority: 0 },
    { name: "Revision", type: "integer", description: "Revision indicates the revision of the state represented by Data.", priority: 0 },
    ageColumn,
  ],
  cells(obj, now) {
    const cr = asRevision(obj);
    const owner = cr.metadata.ownerReferences?.find((r) => r.controller);
    let controller = "<none>";
    if (owner) {
      const { group } = parseApiVersion(owner.apiVersion);
      controller = `${(group ? `${owner.kind}.${group}` : owner.kind).toLowerCase()}/${owner.name}`;
    }
    return [cr.metadata.name, controller, cr.revision ?? 0, translateTimestampSince(cr.metadata.creationTimestamp, now)];
  },
};

export const controllerRevisionsResource: ResourceType = {
  group: "apps",
  version: "v1",
  kind: "ControllerRevision",
  plural: "controllerrevisions",
  singular: "controllerrevision",
  namespaced: true,
  definition: n.ControllerRevision,
  definitions: appsV1Definitions,
  strategy: {
    validate: (obj, old) => validateControllerRevision(asRevision(obj), old && asRevision(old)),
    table: controllerRevisionTable,
  },
};
