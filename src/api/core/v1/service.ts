/** The `services` resource (pkg/registry/core/service). */
import type { KubeObject } from "../../object.js";
import type { ResourceType } from "../../resource-type.js";
import { coreV1Definitions } from "./definitions.js";
import { core } from "./_names.js";
import { allocateService, serviceAllocations } from "./service-allocation.js";
import { defaultService, prepareServiceForCreate, prepareServiceForUpdate } from "./service-defaults.js";
import { serviceTable } from "./service-table.js";
import type { Service } from "./service-types.js";
import { validateService } from "./service-validation.js";

const asService = (obj: KubeObject): Service => obj as Service;

export const servicesResource: ResourceType = {
  group: "",
  version: "v1",
  kind: "Service",
  plural: "services",
  singular: "service",
  namespaced: true,
  shortNames: ["svc"],
  categories: ["all"],
  definition: core.Service,
  definitions: coreV1Definitions,
  subresources: { status: true },
  strategy: {
    defaults: (obj) => defaultService(asService(obj)),
    validate: (obj, old, ctx) => validateService(asService(obj), old && asService(old), ctx.subresource),
    table: serviceTable,
    fieldSelectors: {
      "spec.clusterIP": (o) => asService(o).spec?.clusterIP ?? "",
      "spec.type": (o) => asService(o).spec?.type ?? "",
    },
    prepareForCreate: (obj) => prepareServiceForCreate(asService(obj)),
    prepareForUpdate: (obj, old) => prepareServiceForUpdate(asService(obj), asService(old)),
    allocate: (obj, old, allocator) => allocateService(asService(obj), old && asService(old), allocator),
    allocations: (obj) => serviceAllocations(asService(obj)),
  },
};
