// End to end: Services through kubectl against the real `k8ts server`: ClusterIP and
// NodePort allocation, conflicts, release, the kubernetes and kube-dns Services, and the
// cluster DNS answering from the server's own address.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { Resolver } from "node:dns/promises";
import { kubectlJson, kubectlOk, kubectlRun, needsKubectl, startServer, tableRows, waitUntil } from "./_fixtures.js";

describe("kubectl and Services", needsKubectl, () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  before(async () => {
    server = await startServer();
  });
  after(async () => {
    await server?.close();
  });

  it("kubectl create service clusterip gets a CLUSTER-IP from 10.43.0.0/16", async () => {
    await kubectlOk(server, ["create", "service", "clusterip", "web", "--tcp=80:8080"]);
    const rows = tableRows(await kubectlOk(server, ["get", "svc", "web"]));
    assert.deepEqual(rows[0], ["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"]);
    assert.equal(rows[1]![1], "ClusterIP");
    assert.match(rows[1]![2]!, /^10\.43\.\d+\.\d+$/);
    assert.equal(rows[1]![4], "80/TCP");
  });

  it("kubectl get svc kubernetes: 10.43.0.1, 443/TCP, with Endpoints naming the API server", async () => {
    const rows = tableRows(await kubectlOk(server, ["get", "svc", "kubernetes"]));
    assert.deepEqual([rows[1]![0], rows[1]![1], rows[1]![2], rows[1]![4]], ["kubernetes", "ClusterIP", "10.43.0.1", "443/TCP"]);
    const ep = await kubectlJson<{ subsets: { addresses: { ip: string }[]; ports: { name: string; port: number }[] }[] }>(server, ["get", "endpoints", "kubernetes"]);
    assert.deepEqual(ep.subsets, [{ addresses: [{ ip: "127.0.0.1" }], ports: [{ name: "https", port: server.port, protocol: "TCP" }] }]);
  });

  it("a NodePort Service shows 80:3xxxx/TCP; a taken node port or ClusterIP is a 422", async () => {
    await kubectlOk(server, ["create", "service", "nodeport", "np", "--tcp=80:8080"]);
    const row = tableRows(await kubectlOk(server, ["get", "svc", "np"]))[1]!;
    assert.equal(row[1], "NodePort");
    assert.match(row[4]!, /^80:3\d{4}\/TCP$/);
    const nodePort = row[4]!.slice(3, 8);
    const clash = await kubectlRun(server, ["create", "service", "nodeport", "np2", "--tcp=80:8080", `--node-port=${nodePort}`]);
    assert.notEqual(clash.code, 0);
    assert.match(clash.stderr, new RegExp(`spec\\.ports\\[0\\]\\.nodePort: Invalid value: ${nodePort}: provided port is already allocated`));
    const taken = await kubectlRun(server, ["create", "service", "clusterip", "dup", "--tcp=80:80", "--clusterip=10.43.0.1"]);
    assert.notEqual(taken.code, 0);
    assert.match(taken.stderr, /spec\.clusterIPs: Invalid value: .*failed to allocate IP 10\.43\.0\.1: provided IP is already allocated/);
  });

  it("deleting a Service frees its ClusterIP for another", async () => {
    await kubectlOk(server, ["create", "service", "clusterip", "a", "--tcp=80:80", "--clusterip=10.43.0.77"]);
    await kubectlOk(server, ["delete", "service", "a"]);
    await kubectlOk(server, ["create", "service", "clusterip", "b", "--tcp=80:80", "--clusterip=10.43.0.77"]);
  });

  it("changing the ClusterIP is refused as upstream does", async () => {
    const r = await kubectlRun(server, ["patch", "svc", "b", "--type=merge", "-p", '{"spec":{"clusterIP":"10.43.0.78"}}']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /spec\.clusterIPs\[0\]: Invalid value: .*10\.43\.0\.78.*: may not change once set/);
  });

  it("headless and ExternalName Services show None and the external name", async () => {
    await kubectlOk(server, ["create", "service", "clusterip", "hl", "--clusterip=None"]);
    await kubectlOk(server, ["create", "service", "externalname", "ext", "--external-name=example.com"]);
    const rows = tableRows(await kubectlOk(server, ["get", "svc", "hl", "ext"]));
    assert.deepEqual(rows.slice(1).map((r) => [r[0], r[1], r[2], r[3]]), [
      ["hl", "ClusterIP", "None", "<none>"],
      ["ext", "ExternalName", "<none>", "example.com"],
    ]);
  });

  it("runs the cluster DNS: kube-dns is 10.43.0.10 and answers for Services", async () => {
    const svc = await kubectlJson<{ spec: { clusterIP: string; ports: { targetPort: number }[] } }>(server, ["get", "svc", "-n", "kube-system", "kube-dns"]);
    assert.equal(svc.spec.clusterIP, "10.43.0.10");
    const dnsPort = svc.spec.ports[0]!.targetPort;
    const resolver = new Resolver({ timeout: 1000, tries: 2 });
    resolver.setServers([`127.0.0.1:${dnsPort}`]);
    const web = await kubectlJson<{ spec: { clusterIP: string } }>(server, ["get", "svc", "web"]);
    let answer: string[] = [];
    await waitUntil(async () => {
      answer = await resolver.resolve4("web.default.svc.cluster.local").catch(() => []);
      return answer.length > 0;
    }, { what: () => `web.default.svc.cluster.local → ${answer.join(",")}` });
    assert.deepEqual(answer, [web.spec.clusterIP]);
    assert.deepEqual(await resolver.resolve4("kubernetes.default.svc.cluster.local"), ["10.43.0.1"]);
  });
});
