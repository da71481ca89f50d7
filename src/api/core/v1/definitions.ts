// Every core/v1 definition, by upstream OpenAPI name.
import type { Definitions } from "../../schema.js";
import { configDefinitions } from "./config-schema.js";
import { containerDefinitions } from "./container-schema.js";
import { containerStatusDefinitions } from "./container-status-schema.js";
import { endpointsDefinitions } from "./endpoints-schema.js";
import { eventDefinitions } from "./event-schema.js";
import { namespaceDefinitions } from "./namespace-schema.js";
import { nodeDefinitions } from "./node-schema.js";
import { podDefinitions } from "./pod-schema.js";
import { probeDefinitions } from "./probe-schema.js";
import { quotaDefinitions } from "./quota-schema.js";
import { referenceDefinitions } from "./reference-schema.js";
import { replicationControllerDefinitions } from "./replication-controller-schema.js";
import { schedulingDefinitions } from "./scheduling-schema.js";
import { securityDefinitions } from "./security-schema.js";
import { serviceDefinitions } from "./service-schema.js";
import { volumeDefinitions } from "./volume-schema.js";
import { volumeSourceDefinitions } from "./volume-source-schema.js";

export const coreV1Definitions: Definitions = {
  ...configDefinitions,
  ...containerDefinitions,
  ...containerStatusDefinitions,
  ...endpointsDefinitions,
  ...eventDefinitions,
  ...namespaceDefinitions,
  ...nodeDefinitions,
  ...podDefinitions,
  ...probeDefinitions,
  ...quotaDefinitions,
  ...referenceDefinitions,
  ...replicationControllerDefinitions,
  ...schedulingDefinitions,
  ...securityDefinitions,
  ...serviceDefinitions,
  ...volumeDefinitions,
  ...volumeSourceDefinitions,
};
