/** The `secrets` resource (pkg/registry/core/secret). Data values are base64 in JSON. */
import { fieldError } from "../../../machinery/index.js";
import type { FieldError } from "../../../machinery/index.js";
import type { KubeObject } from "../../object.js";
import type { ResourceType } from "../../resource-type.js";
import { ageColumn, nameColumn, translateTimestampSince } from "../../table-helpers.js";
import { coreV1Definitions } from "./definitions.js";
import { maxDataSize } from "./configmap.js";
import { core } from "./_names.js";
import type { Secret } from "./config-types.js";
import { configKeyErrors, immutableDataErrors, validateName } from "./_validation-helpers.js";

const asSecret = (obj: KubeObject): Secret => obj as Secret;

/** Keys each typed secret must carry (ValidateSecret). */
const requiredKeys: Record<string, string[]> = {
  "kubernetes.io/dockercfg": [".dockercfg"],
  "kubernetes.io/dockerconfigjson": [".dockerconfigjson"],
  "kubernetes.io/tls": ["tls.crt", "tls.key"],
  "kubernetes.io/ssh-auth": ["ssh-privatekey"],
};

export function defaultSecret(secret: Secret): void {
  secret.type ||= "Opaque";
  // The v1 → internal conversion: stringData entries overwrite data, and stringData is not stored.
  if (secret.stringData) {
    secret.data ??= {};
    for (const [k, v] of Object.entries(secret.stringData)) secret.data[k] = Buffer.from(v, "utf8").toString("base64");
    delete secret.stringData;
  }
}

export function validateSecret(secret: Secret, old: Secret | undefined): FieldError[] {
  const errs = validateName(secret);
  let size = 0;
  for (const [k, v] of Object.entries(secret.data ?? {})) {
    for (const msg of configKeyErrors(k)) errs.push(fieldError.invalid(`data[${k}]`, k, msg));
    size += Buffer.from(v, "base64").length;
  }
  if (size > maxDataSize) errs.push({ type: "FieldValueTooLong", field: "data", detail: `must have at most ${maxDataSize} bytes` });
  for (const key of requiredKeys[secret.type ?? ""] ?? []) {
    if (!secret.data?.[key]) errs.push(fieldError.required(`data[${key}]`));
  }
  if (secret.type === "kubernetes.io/service-account-token" && !secret.metadata.annotations?.["kubernetes.io/service-account.name"]) {
    errs.push(fieldError.required("metadata.annotations[kubernetes.io/service-account.name]"));
  }
  if (old && secret.type !== old.type) errs.push(fieldError.invalid("type", secret.type, "field is immutable"));
  errs.push(...immutableDataErrors(secret, old));
  return errs;
}

export const secretsResource: ResourceType = {
  group: "",
  version: "v1",
  kind: "Secret",
  plural: "secrets",
  singular: "secret",
  namespaced: true,
  definition: core.Secret,
  definitions: coreV1Definitions,
  strategy: {
    defaults: (obj) => defaultSecret(asSecret(obj)),
    validate: (obj, old) => validateSecret(asSecret(obj), old && asSecret(old)),
    fieldSelectors: { type: (o) => asSecret(o).type ?? "" },
    table: {
      columns: [
        nameColumn,
        { name: "Type", type: "string", description: "Used to facilitate programmatic handling of secret data.", priority: 0 },
        { name: "Data", type: "integer", description: "Data contains the secret data.", priority: 0 },
        ageColumn,
      ],
      cells(obj, now) {
        const s = asSecret(obj);
        return [s.metadata.name, s.type ?? "", Object.keys(s.data ?? {}).length, translateTimestampSince(s.metadata.creationTimestamp, now)];
      },
    },
  },
};
