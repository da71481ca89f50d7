// End to end: RBAC, the review APIs, impersonation and the Node authorizer against the real
// `k8ts server` with the official kubectl 1.35.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { kubectlJson, kubectlOk, kubectlRun, needsKubectl, startServer, type KubeObject } from "./_fixtures.js";

const sa = "system:serviceaccount:team:viewer";

describe("RBAC with kubectl", needsKubectl, () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  /** kubectl as someone else, with no client certificate: the same server, CA skipped, only this token. */
  const asToken = (token: string, args: string[], stdin?: string) => kubectlRun(server, ["--kubeconfig", "/dev/null", "--server", `https://127.0.0.1:${server.port}`, "--insecure-skip-tls-verify", "--token", token, ...args], { stdin });

  before(async () => {
    server = await startServer();
    await kubectlOk(server, ["create", "namespace", "team"]);
    await kubectlOk(server, ["-n", "team", "create", "serviceaccount", "viewer"]);
    await kubectlOk(server, ["-n", "team", "create", "rolebinding", "viewer", "--clusterrole=view", `--serviceaccount=team:viewer`]);
    await kubectlOk(server, ["-n", "team", "run", "web", "--image=busybox"]);
  });
  after(() => server?.close());

  it("fills the aggregated view role from its aggregate-to-view parts", async () => {
    for (let i = 0; ; i++) {
      const view = await kubectlJson<KubeObject & { rules?: { resources?: string[] }[] }>(server, ["get", "clusterrole", "view"]);
      if (view.rules?.some((r) => r.resources?.includes("pods"))) break;
      assert.ok(i < 50, "view never got the pods rule");
      await new Promise((r) => setTimeout(r, 100));
    }
  });

  it("lets a ServiceAccount bound to view list pods and refuses it a create; can-i agrees", async () => {
    const list = await kubectlRun(server, ["-n", "team", "get", "pods", "-o", "name", `--as=${sa}`]);
    assert.equal(list.code, 0, list.stderr);
    assert.equal(list.stdout.trim(), "pod/web");
    const create = await kubectlRun(server, ["-n", "team", "run", "other", "--image=busybox", `--as=${sa}`]);
    assert.notEqual(create.code, 0);
    assert.match(create.stderr, /Error from server \(Forbidden\): pods is forbidden: User "system:serviceaccount:team:viewer" cannot create resource "pods" in API group "" in the namespace "team"/);
    assert.equal((await kubectlRun(server, ["-n", "team", "get", "pod", "other"])).code, 1, "nothing was created");
    assert.equal((await kubectlRun(server, ["-n", "team", "auth", "can-i", "list", "pods", `--as=${sa}`])).stdout.trim(), "yes");
    const no = await kubectlRun(server, ["-n", "team", "auth", "can-i", "create", "pods", `--as=${sa}`]);
    assert.equal(no.stdout.trim(), "no");
    assert.equal(no.code, 1);
    assert.equal((await kubectlRun(server, ["-n", "default", "auth", "can-i", "list", "pods", `--as=${sa}`])).stdout.trim(), "no");
    assert.equal((await kubectlRun(server, ["-n", "team", "auth", "can-i", "get", "secrets", `--as=${sa}`])).stdout.trim(), "no");
  });

  it("gives the same answers to the ServiceAccount's own token from kubectl create token", async () => {
    const token = (await kubectlOk(server, ["-n", "team", "create", "token", "viewer"])).trim();
    const list = await asToken(token, ["-n", "team", "get", "pods", "-o", "name"]);
    assert.equal(list.code, 0, list.stderr);
    assert.equal(list.stdout.trim(), "pod/web");
    const create = await asToken(token, ["-n", "team", "create", "configmap", "x"]);
    assert.match(create.stderr, /configmaps is forbidden: User "system:serviceaccount:team:viewer" cannot create resource "configmaps" in API group "" in the namespace "team"/);
    assert.equal((await asToken(token, ["-n", "team", "auth", "can-i", "watch", "deployments.apps"])).stdout.trim(), "yes");
    assert.equal((await asToken(token, ["-n", "team", "auth", "can-i", "delete", "pods"])).stdout.trim(), "no");
    const whoami = await asToken(token, ["auth", "whoami", "-o", "json"]);
    assert.equal((JSON.parse(whoami.stdout) as { status: { userInfo: { username: string } } }).status.userInfo.username, sa);
  });

  it("lists a user's rules with can-i --list", async () => {
    const out = await kubectlOk(server, ["-n", "team", "auth", "can-i", "--list", `--as=${sa}`]);
    assert.match(out, /^Resources\s+Non-Resource URLs\s+Resource Names\s+Verbs\n/);
    assert.match(out, /\npods\s+\[\]\s+\[\]\s+\[get list watch\]/);
    assert.match(out, /\ndeployments\.apps\s+\[\]\s+\[\]\s+\[get list watch\]/);
    assert.match(out, /\nselfsubjectaccessreviews\.authorization\.k8s\.io\s+\[\]\s+\[\]\s+\[create\]/);
    assert.doesNotMatch(out, /\nsecrets\s/);
    const admin = await kubectlOk(server, ["auth", "can-i", "--list"]);
    assert.match(admin, /\n\*\.\*\s+\[\]\s+\[\]\s+\[\*\]/);
  });

  it("impersonates with --as and --as-group, and refuses impersonation to those without the verb", async () => {
    const who = JSON.parse(await kubectlOk(server, ["auth", "whoami", "--as=jane", "--as-group=devs", "-o", "json"])) as { status: { userInfo: { username: string; groups: string[] } } };
    assert.deepEqual(who.status.userInfo, { username: "jane", groups: ["devs", "system:authenticated"] });
    const jane = await kubectlRun(server, ["get", "pods", "--as=jane"]);
    assert.match(jane.stderr, /pods is forbidden: User "jane" cannot list resource "pods" in API group "" in the namespace "default"/);
    // The service account may not impersonate anyone.
    const token = (await kubectlOk(server, ["-n", "team", "create", "token", "viewer"])).trim();
    const chained = await asToken(token, ["-n", "team", "get", "pods", "--as=jane"]);
    assert.notEqual(chained.code, 0);
    assert.match(chained.stderr, /users "jane" is forbidden: User "system:serviceaccount:team:viewer" cannot impersonate resource "users" in API group "" at the cluster scope/);
    // Groups given explicitly replace a service account's own groups; its name still matches its binding.
    const asDevs = JSON.parse(await kubectlOk(server, ["auth", "whoami", `--as=${sa}`, "--as-group=devs", "-o", "json"])) as typeof who;
    assert.deepEqual(asDevs.status.userInfo.groups, ["devs", "system:authenticated"]);
    assert.equal((await kubectlRun(server, ["-n", "team", "get", "pods", `--as=${sa}`, "--as-group=devs"])).code, 0);
    const sAsSa = JSON.parse(await kubectlOk(server, ["auth", "whoami", `--as=${sa}`, "-o", "json"])) as typeof who;
    assert.deepEqual(sAsSa.status.userInfo.groups, ["system:serviceaccounts", "system:serviceaccounts:team", "system:authenticated"]);
  });

  it("refuses an agent's identity writing another node's pod, and nothing changes", async () => {
    const joinToken = (await readFile(join(server.dataDir, "join-token"), "utf8")).trim();
    const agent = (node: string, args: string[], stdin?: string) => asToken(`${joinToken}:${node}`, args, stdin);
    const nodeManifest = (name: string) => JSON.stringify({ apiVersion: "v1", kind: "Node", metadata: { name } });
    await kubectlOk(server, ["create", "-f", "-"], { stdin: nodeManifest("node-a") });
    await kubectlOk(server, ["create", "-f", "-"], { stdin: nodeManifest("node-b") });
    const pod = { apiVersion: "v1", kind: "Pod", metadata: { name: "bound", namespace: "team" }, spec: { nodeName: "node-a", containers: [{ name: "c", image: "busybox" }] } };
    await kubectlOk(server, ["create", "-f", "-"], { stdin: JSON.stringify(pod) });
    const before = await kubectlJson(server, ["-n", "team", "get", "pod", "bound"]);

    // As the kubelet does: a PUT of the status (a node may not GET pods/status, so no kubectl patch).
    const withPhase = (phase: string) => JSON.stringify({ ...before, status: { ...(before as { status?: object }).status, phase } });
    const status = await agent("node-b", ["replace", "--subresource=status", "-f", "-"], withPhase("Failed"));
    assert.notEqual(status.code, 0);
    assert.match(status.stderr, /pods "bound" is forbidden: node "node-b" can only update pod status for pods with spec.nodeName set to itself/);
    const del = await agent("node-b", ["-n", "team", "delete", "pod", "bound", "--wait=false"]);
    assert.match(del.stderr, /pods "bound" is forbidden: node "node-b" can only delete pods with spec.nodeName set to itself/);
    const label = await agent("node-b", ["label", "node", "node-a", "evil=yes"]);
    assert.match(label.stderr, /nodes "node-a" is forbidden: node "node-b" is not allowed to modify node "node-a"/);
    const secret = await agent("node-b", ["-n", "team", "get", "secrets"]);
    assert.match(secret.stderr, /secrets is forbidden: User "system:node:node-b" cannot list resource "secrets" in API group "" in the namespace "team"/);

    const after = await kubectlJson(server, ["-n", "team", "get", "pod", "bound"]);
    assert.equal(after.metadata.resourceVersion, before.metadata.resourceVersion);
    assert.equal((await kubectlJson<KubeObject>(server, ["get", "node", "node-a"])).metadata.labels?.evil, undefined);
    // Its own node's agent may write the status.
    const own = await agent("node-a", ["replace", "--subresource=status", "-f", "-"], withPhase("Running"));
    assert.equal(own.code, 0, own.stderr);
  });
});
