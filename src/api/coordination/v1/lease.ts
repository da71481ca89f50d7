/** coordination.k8s.io/v1 leases: ValidateLeaseSpec and printLease (NAME HOLDER AGE). */
import { fieldError } from "../../../machinery/index.js";
import type { FieldError } from "../../../machinery/index.js";
import type { KubeObject } from "../../object.js";
import type { ResourceType, TableConvertor } from "../../resource-type.js";
import { ageColumn, nameColumn, translateTimestampSince } from "../../table-helpers.js";
import { validateNameRule } from "../../_name-rule.js";
import { nonNegative } from "../../_workload.js";
import { n } from "./_names.js";
import { leaseDefinitions } from "./lease-schema.js";
import type { Lease } from "./lease-types.js";

const asLease = (obj: KubeObject): Lease => obj as Lease;
const strategies = ["OldestEmulationVersion"];

export function validateLease(lease: Lease): FieldError[] {
  const errs = validateNameRule(lease);
  const spec = lease.spec ?? {};
  if (spec.leaseDurationSeconds !== undefined && spec.leaseDurationSeconds <= 0) errs.push(fieldError.invalid("spec.leaseDurationSeconds", spec.leaseDurationSeconds, "must be greater than 0"));
  errs.push(...nonNegative("spec.leaseTransitions", spec.leaseTransitions));
  if (spec.strategy !== undefined && !strategies.includes(spec.strategy)) errs.push(fieldError.notSupported("spec.strategy", spec.strategy, strategies));
  if (spec.preferredHolder && !spec.strategy) errs.push(fieldError.forbidden("spec.preferredHolder", "may only be specified if `strategy` is defined"));
  return errs;
}

export const leaseTable: TableConvertor = {
  columns: [nameColumn, { name: "Holder", type: "string", description: "holderIdentity contains the identity of the holder of a current lease. If Coordinated Leader Election is used, the holder identity must be equal to the elected LeaseCandidate.metadata.name field.", priority: 0 }, ageColumn],
  cells(obj, now) {
    const lease = asLease(obj);
    return [lease.metadata.name, lease.spec?.holderIdentity ?? "", translateTimestampSince(lease.metadata.creationTimestamp, now)];
  },
};

export const leasesResource: ResourceType = {
  group: "coordination.k8s.io",
  version: "v1",
  kind: "Lease",
  plural: "leases",
  singular: "lease",
  namespaced: true,
  definition: n.Lease,
  definitions: leaseDefinitions,
  strategy: { validate: (obj) => validateLease(asLease(obj)), table: leaseTable },
};
