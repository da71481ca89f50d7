import type { RestHandler, UserInfo } from "../api/index.js";

/** The namespaces every cluster has from its first start, as upstream's system namespaces controller makes them. */
export const systemNamespaces = ["default", "kube-system", "kube-public", "kube-node-lease"];

export const systemUser: UserInfo = { username: "system:apiserver", groups: ["system:masters", "system:authenticated"] };

/** Creates what a new cluster starts with; existing objects are left as they are. */
export async function bootstrapCluster(handle: RestHandler): Promise<void> {
  for (const name of systemNamespaces) {
    const res = await handle({
      method: "POST",
      path: "/api/v1/namespaces",
      query: {},
      body: { apiVersion: "v1", kind: "Namespace", metadata: { name } },
      user: systemUser,
    });
    if (res.status !== 201 && res.status !== 409) {
      throw new Error(`bootstrap: creating namespace ${name}: ${JSON.stringify(res.body)}`);
    }
  }
}
