// The built-in resources, and a registry that serves them all.
import { admissionregistrationV1Resources } from "./admissionregistration/v1/index.js";
import { apiregistrationV1Resources } from "./apiregistration/v1/index.js";
import { apiextensionsV1Resources } from "./apiextensions/v1/index.js";
import { appsV1Resources } from "./apps/v1/index.js";
import { authenticationV1Resources } from "./authentication/v1/index.js";
import { authorizationV1Resources } from "./authorization/v1/index.js";
import { autoscalingV1Resources } from "./autoscaling/v1/index.js";
import { autoscalingV2Resources } from "./autoscaling/v2/index.js";
import { batchV1Resources } from "./batch/v1/index.js";
import { coordinationV1Resources } from "./coordination/v1/index.js";
import { coreV1Resources } from "./core/v1/index.js";
import { discoveryV1Resources } from "./discovery/v1/index.js";
import { eventsV1Resources } from "./events/v1/index.js";
import { metaV1Definitions } from "./meta/v1/index.js";
import { networkingV1Resources } from "./networking/v1/index.js";
import { policyV1Resources } from "./policy/v1/index.js";
import { rbacV1Resources } from "./rbac/v1/index.js";
import { schedulingV1Resources } from "./scheduling/v1/index.js";
import { storageV1Resources } from "./storage/v1/index.js";
import { KindRegistry } from "./registry.js";
import type { ResourceType } from "./resource-type.js";

/** Every built-in resource; named groups in the order upstream's /apis lists them. */
export function builtinResources(): ResourceType[] {
  return [
    ...coreV1Resources,
    ...apiregistrationV1Resources,
    ...appsV1Resources,
    ...eventsV1Resources,
    ...authenticationV1Resources,
    ...authorizationV1Resources,
    ...autoscalingV1Resources,
    ...autoscalingV2Resources,
    ...batchV1Resources,
    ...networkingV1Resources,
    ...policyV1Resources,
    ...rbacV1Resources,
    ...storageV1Resources,
    ...admissionregistrationV1Resources,
    ...apiextensionsV1Resources,
    ...schedulingV1Resources,
    ...coordinationV1Resources,
    ...discoveryV1Resources,
  ];
}

/** A fresh registry with every built-in resource and the apimachinery definitions. */
export function builtinRegistry(): KindRegistry {
  return new KindRegistry({ resources: builtinResources(), definitions: metaV1Definitions });
}
