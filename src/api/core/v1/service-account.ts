/** The `serviceaccounts` resource (pkg/registry/core/serviceaccount). */
import type { KubeObject } from "../../object.js";
import type { ResourceType } from "../../resource-type.js";
import { ageColumn, nameColumn, translateTimestampSince } from "../../table-helpers.js";
import { coreV1Definitions } from "./definitions.js";
import { core } from "./_names.js";
import type { ServiceAccount } from "./config-types.js";
import { validateName } from "./_validation-helpers.js";
import { serviceAccountTokenSubresource } from "../../authentication/v1/tokenrequest.js";

const asServiceAccount = (obj: KubeObject): ServiceAccount => obj as ServiceAccount;

export const serviceAccountsResource: ResourceType = {
  group: "",
  version: "v1",
  kind: "ServiceAccount",
  plural: "serviceaccounts",
  singular: "serviceaccount",
  namespaced: true,
  shortNames: ["sa"],
  definition: core.ServiceAccount,
  definitions: coreV1Definitions,
  subresources: { custom: { token: serviceAccountTokenSubresource } },
  strategy: {
    validate: (obj) => validateName(obj),
    table: {
      columns: [nameColumn, { name: "Secrets", type: "integer", description: "Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use.", priority: 0 }, ageColumn],
      cells(obj, now) {
        const sa = asServiceAccount(obj);
        return [sa.metadata.name, sa.secrets?.length ?? 0, translateTimestampSince(sa.metadata.creationTimestamp, now)];
      },
    },
  },
};
