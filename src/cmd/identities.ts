import type { UserInfo } from "../api/index.js";

/**
 * Who each component of `k8ts server` is when it calls the API in-process, as upstream's
 * components authenticate: each gets only what its bootstrap role grants.
 */
export const componentUsers = {
  controllerManager: { username: "system:kube-controller-manager", groups: ["system:authenticated"] },
  scheduler: { username: "system:kube-scheduler", groups: ["system:authenticated"] },
  proxy: { username: "system:kube-proxy", groups: ["system:authenticated"] },
} satisfies Record<string, UserInfo>;

/**
 * The User-Agent a component's requests carry: its prefix is the field manager of its
 * writes, as upstream's binaries name themselves (kube-controller-manager/v1.35.0 …).
 */
export function userAgentOf(user: UserInfo): string {
  const name = user.username;
  if (name === componentUsers.scheduler.username) return "kube-scheduler";
  if (name === componentUsers.proxy.username) return "kube-proxy";
  if (name.startsWith("system:node:")) return "kubelet";
  if (name === componentUsers.controllerManager.username || name.startsWith("system:serviceaccount:kube-system:")) return `kube-controller-manager/k8ts ${name}`;
  return "k8ts";
}

/** A node agent: `system:node:NAME` in group `system:nodes` (the Node authorizer's identity). */
export function nodeUser(nodeName: string): UserInfo {
  return { username: `system:node:${nodeName}`, groups: ["system:nodes", "system:authenticated"] };
}

/** A service account's user, as its token authenticates it. */
export function serviceAccountUser(namespace: string, name: string): UserInfo {
  return { username: `system:serviceaccount:${namespace}:${name}`, groups: ["system:serviceaccounts", `system:serviceaccounts:${namespace}`, "system:authenticated"] };
}
