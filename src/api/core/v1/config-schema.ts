// Schemas of core/v1 config types, after staging/src/k8s.io/api/core/v1/types.go (field names, types,
// required fields and patch strategies as upstream; descriptions shortened to their first sentence).
import { string, boolean, bytes, ref, mapOf, arrayOf, mergeList, topLevel } from "../../schema.js";
import type { Definitions } from "../../schema.js";
import { core, listOf } from "./_names.js";

export const configDefinitions: Definitions = {
  [core.ConfigMap]: topLevel(
    {
      binaryData: mapOf(bytes(), "BinaryData contains the binary data. Each key must consist of alphanumeric characters, '-', '_' or '.'."),
      data: mapOf(string(), "Data contains the configuration data. Each key must consist of alphanumeric characters, '-', '_' or '.'."),
      immutable: boolean("Immutable, if set to true, ensures that data stored in the ConfigMap cannot be updated (only object metadata can be modified)."),
    },
    "ConfigMap holds configuration data for pods to consume.",
    {"group":"","version":"v1","kind":"ConfigMap"},
  ),
  [core.ConfigMapList]: listOf(core.ConfigMap, "ConfigMapList is a resource containing a list of ConfigMap objects.", {"group":"","version":"v1","kind":"ConfigMapList"}),
  [core.Secret]: topLevel(
    {
      data: mapOf(bytes(), "Data contains the secret data. Each key must consist of alphanumeric characters, '-', '_' or '.'."),
      immutable: boolean("Immutable, if set to true, ensures that data stored in the Secret cannot be updated (only object metadata can be modified)."),
      stringData: mapOf(string(), "stringData allows specifying non-binary secret data in string form."),
      type: string("Used to facilitate programmatic handling of secret data."),
    },
    "Secret holds secret data of a certain type.",
    {"group":"","version":"v1","kind":"Secret"},
  ),
  [core.SecretList]: listOf(core.Secret, "SecretList is a list of Secret.", {"group":"","version":"v1","kind":"SecretList"}),
  [core.ServiceAccount]: topLevel(
    {
      automountServiceAccountToken: boolean("AutomountServiceAccountToken indicates whether pods running as this service account should have an API token automatically mounted."),
      imagePullSecrets: arrayOf(ref(core.LocalObjectReference), "ImagePullSecrets is a list of references to secrets in the same namespace to use for pulling any images in pods that reference this ServiceAccount."),
      secrets: mergeList(ref(core.ObjectReference), "name", "Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use."),
    },
    "ServiceAccount binds together: * a name, understood by users, and perhaps by peripheral systems, for an identity * a principal that can be authenticated and authorized * a set of secrets",
    {"group":"","version":"v1","kind":"ServiceAccount"},
  ),
  [core.ServiceAccountList]: listOf(core.ServiceAccount, "ServiceAccountList is a list of ServiceAccount objects", {"group":"","version":"v1","kind":"ServiceAccountList"}),
};
