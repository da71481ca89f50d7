import type { Definitions } from "../../schema.js";
import { scaleDefinitions } from "../../autoscaling/v1/index.js";
import { deploymentDefinitions } from "./deployment-schema.js";
import { replicasetDefinitions } from "./replicaset-schema.js";
import { statefulsetDefinitions } from "./statefulset-schema.js";
import { daemonsetDefinitions } from "./daemonset-schema.js";
import { controllerrevisionDefinitions } from "./controllerrevision-schema.js";

/** Every apps/v1 definition, plus autoscaling/v1 Scale for the scale subresources. */
export const appsV1Definitions: Definitions = {
  ...deploymentDefinitions,
  ...replicasetDefinitions,
  ...statefulsetDefinitions,
  ...daemonsetDefinitions,
  ...controllerrevisionDefinitions,
  ...scaleDefinitions,
};
