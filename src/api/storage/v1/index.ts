// The public face of storage.k8s.io/v1.
import type { ResourceType } from "../../resource-type.js";
import { storageClassesResource } from "./storageclass.js";

export { storageClassesResource, storageClassDefinitions, defaultStorageClassAnnotation, validateStorageClass } from "./storageclass.js";
export type { StorageClass } from "./storageclass.js";

export const storageV1Resources: ResourceType[] = [storageClassesResource];
