/** The `configmaps` resource (pkg/registry/core/configmap). */
import { fieldError } from "../../../machinery/index.js";
import type { FieldError } from "../../../machinery/index.js";
import type { KubeObject } from "../../object.js";
import type { ResourceType } from "../../resource-type.js";
import { ageColumn, nameColumn, translateTimestampSince } from "../../table-helpers.js";
import { coreV1Definitions } from "./definitions.js";
import { core } from "./_names.js";
import type { ConfigMap } from "./config-types.js";
import { configKeyErrors, immutableDataErrors, validateName } from "./_validation-helpers.js";

const asConfigMap = (obj: KubeObject): ConfigMap => obj as ConfigMap;

/** 1 MiB: the most data a ConfigMap or Secret may hold (MaxSecretSize). */
export const maxDataSize = 1024 * 1024;

export function validateConfigMap(cm: ConfigMap, old: ConfigMap | undefined): FieldError[] {
  const errs = validateName(cm);
  let size = 0;
  for (const [k, v] of Object.entries(cm.data ?? {})) {
    for (const msg of configKeyErrors(k)) errs.push(fieldError.invalid(`data[${k}]`, k, msg));
    size += k.length + Buffer.byteLength(v);
  }
  for (const [k, v] of Object.entries(cm.binaryData ?? {})) {
    for (const msg of configKeyErrors(k)) errs.push(fieldError.invalid(`binaryData[${k}]`, k, msg));
    if (cm.data && k in cm.data) errs.push(fieldError.invalid(`binaryData[${k}]`, k, "duplicate of key present in data"));
    size += k.length + Buffer.from(v, "base64").length;
  }
  if (size > maxDataSize) errs.push({ type: "FieldValueTooLong", field: "", detail: `must have at most ${maxDataSize} bytes` });
  errs.push(...immutableDataErrors(cm, old));
  return errs;
}

export const configMapsResource: ResourceType = {
  group: "",
  version: "v1",
  kind: "ConfigMap",
  plural: "configmaps",
  singular: "configmap",
  namespaced: true,
  shortNames: ["cm"],
  definition: core.ConfigMap,
  definitions: coreV1Definitions,
  strategy: {
    validate: (obj, old) => validateConfigMap(asConfigMap(obj), old && asConfigMap(old)),
    table: {
      columns: [nameColumn, { name: "Data", type: "integer", description: "Data contains the configuration data.", priority: 0 }, ageColumn],
      cells(obj, now) {
        const cm = asConfigMap(obj);
        return [cm.metadata.name, Object.keys(cm.data ?? {}).length + Object.keys(cm.binaryData ?? {}).length, translateTimestampSince(cm.metadata.creationTimestamp, now)];
      },
    },
  },
};
