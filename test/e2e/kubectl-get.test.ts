// End to end: kubectl's read commands (get in every output form, selectors, watch,
// describe, discovery, explain, whoami) against the real `k8ts server` process.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { parse as parseYaml } from "yaml";
import { kubectlJson, kubectlOk, kubectlRun, needsKubectl, spawnKubectl, startServer, tableRows, type KubeObject } from "./_fixtures.js";

const fixtures = `apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: v1
kind: Namespace
metadata: {name: other}
---
apiVersion: v1
kind: Pod
metadata: {name: front, namespace: shop, labels: {app: web, tier: front}}
spec: {containers: [{name: c, image: busybox}]}
---
apiVersion: v1
kind: Pod
metadata: {name: db, namespace: shop, labels: {app: db, tier: back}}
spec: {containers: [{name: c, image: "postgres:16"}, {name: sidecar, image: "busybox:1.36"}]}
---
apiVersion: v1
kind: Pod
metadata: {name: placed, namespace: other, labels: {app: web}}
spec: {nodeName: node-a, containers: [{name: c, image: busybox}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop, labels: {app: web}}
spec:
  # Paused: the deployment controller in k8ts server makes no ReplicaSet or pods for it,
  # so the tables below show only the fixtures.
  paused: true
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: "nginx:1.25"}]}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
`;

/** Names in a table's NAME column (the first column, or the second with -A). */
function names(stdout: string, column = 0): string[] {
  return tableRows(stdout)
    .slice(1)
    .map((row) => row[column]!);
}

describe("kubectl get, describe and discovery", needsKubectl, () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  before(async () => {
    server = await startServer();
    await kubectlOk(server, ["apply", "-f", "-"], { stdin: fixtures });
    // The db pod is Running: set through the status subresource, as a kubelet would.
    await kubectlOk(server, ["patch", "-n", "shop", "pod", "db", "--subresource=status", "--type=merge", "-p", '{"status":{"phase":"Running"}}']);
  });
  after(async () => {
    await server?.close();
  });

  describe("tables", () => {
    it("prints pods with upstream's columns: NAME READY STATUS RESTARTS AGE", async () => {
      const rows = tableRows(await kubectlOk(server, ["get", "pods", "-n", "shop"]));
      assert.deepEqual(rows[0], ["NAME", "READY", "STATUS", "RESTARTS", "AGE"]);
      assert.deepEqual(
        rows.slice(1).map((r) => r.slice(0, 4)),
        [
          ["db", "0/2", "Running", "0"],
          ["front", "0/1", "Pending", "0"],
        ],
      );
      for (const row of rows.slice(1)) assert.match(row[4]!, /^\d+s$/, "AGE is a duration");
    });

    it("prints deployments with NAME READY UP-TO-DATE AVAILABLE AGE", async () => {
      const rows = tableRows(await kubectlOk(server, ["get", "deployments", "-n", "shop"]));
      assert.deepEqual(rows[0], ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"]);
      assert.deepEqual(rows[1]!.slice(0, 4), ["web", "0/2", "0", "0"]);
    });

    it("prints services with TYPE, CLUSTER-IP, EXTERNAL-IP and PORT(S)", async () => {
      const rows = tableRows(await kubectlOk(server, ["get", "svc", "-n", "shop"]));
      assert.deepEqual(rows[0], ["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"]);
      assert.deepEqual([rows[1]![0], rows[1]![1], rows[1]![4]], ["web", "ClusterIP", "80/TCP"]);
    });

    it("allocates a ClusterIP that the table shows", async () => {
      const svc = await kubectlJson(server, ["get", "-n", "shop", "svc", "web"]);
      assert.match(String(svc.spec.clusterIP), /^10\.43\.\d+\.\d+$/);
      assert.deepEqual(svc.spec.clusterIPs, [svc.spec.clusterIP]);
      const rows = tableRows(await kubectlOk(server, ["get", "svc", "-n", "shop"]));
      assert.equal(rows[1]![2], svc.spec.clusterIP);
    });

    it("-o wide adds IP, NODE, NOMINATED NODE and READINESS GATES", async () => {
      const rows = tableRows(await kubectlOk(server, ["get", "pods", "-n", "other", "-o", "wide"]));
      assert.deepEqual(rows[0], ["NAME", "READY", "STATUS", "RESTARTS", "AGE", "IP", "NODE", "NOMINATED NODE", "READINESS GATES"]);
      assert.equal(rows[1]![0], "placed");
      assert.equal(rows[1]![6], "node-a");
      const deploy = tableRows(await kubectlOk(server, ["get", "deploy", "-n", "shop", "-o", "wide"]));
      assert.deepEqual(deploy[0]!.slice(5), ["CONTAINERS", "IMAGES", "SELECTOR"]);
      assert.deepEqual(deploy[1]!.slice(5), ["web", "nginx:1.25", "app=web"]);
    });

    it("-A adds a NAMESPACE column and lists every namespace", async () => {
      const rows = tableRows(await kubectlOk(server, ["get", "pods", "-A"]));
      assert.deepEqual(rows[0], ["NAMESPACE", "NAME", "READY", "STATUS", "RESTARTS", "AGE"]);
      assert.deepEqual(
        rows.slice(1).map((r) => `${r[0]}/${r[1]}`),
        ["other/placed", "shop/db", "shop/front"],
      );
    });

    it("get all shows the 'all' category: pods, services and deployments", async () => {
      const out = await kubectlOk(server, ["get", "all", "-n", "shop", "-o", "name"]);
      assert.deepEqual(out.trim().split("\n").sort(), ["deployment.apps/web", "pod/db", "pod/front", "service/web"]);
    });

    it("answers an empty list with 'No resources found'", async () => {
      const r = await kubectlRun(server, ["get", "pods", "-n", "default"]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, "");
      assert.match(r.stderr, /^No resources found in default namespace\.$/m);
    });

    it("exits non-zero with upstream's NotFound message for a missing object", async () => {
      const r = await kubectlRun(server, ["get", "pod", "nope", "-n", "shop"]);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /Error from server \(NotFound\): pods "nope" not found/);
    });
  });

  describe("structured output", () => {
    it("-o yaml prints the object with the defaults kubectl shows", async () => {
      const pod = parseYaml(await kubectlOk(server, ["get", "pod", "front", "-n", "shop", "-o", "yaml"])) as KubeObject;
      assert.equal(pod.apiVersion, "v1");
      assert.equal(pod.kind, "Pod");
      assert.equal(pod.metadata.name, "front");
      assert.match(pod.metadata.uid, /^[0-9a-f-]{36}$/);
      assert.equal(pod.spec.restartPolicy, "Always");
      assert.equal(pod.spec.dnsPolicy, "ClusterFirst");
      assert.equal(pod.spec.terminationGracePeriodSeconds, 30);
      assert.equal(pod.spec.containers[0].imagePullPolicy, "Always", "an untagged image defaults to Always");
      assert.equal(pod.status.phase, "Pending");
      const db = parseYaml(await kubectlOk(server, ["get", "pod", "db", "-n", "shop", "-o", "yaml"])) as KubeObject;
      assert.equal(db.spec.containers[0].imagePullPolicy, "IfNotPresent", "a tagged image defaults to IfNotPresent");
    });

    it("-o json of a list parses, with kind List and every item", async () => {
      const list = await kubectlJson(server, ["get", "pods", "-n", "shop"]);
      assert.equal(list.kind, "List");
      assert.deepEqual(list.items!.map((p) => `${p.kind}/${p.metadata.name}`), ["Pod/db", "Pod/front"]);
      for (const item of list.items!) assert.ok(Number(item.metadata.resourceVersion) > 0);
    });

    it("-o jsonpath reads single fields", async () => {
      assert.equal(await kubectlOk(server, ["get", "deploy", "web", "-n", "shop", "-o", "jsonpath={.spec.strategy.type}/{.spec.template.spec.containers[0].image}"]), "RollingUpdate/nginx:1.25");
    });
  });

  describe("selectors", () => {
    it("-l selects by label equality", async () => {
      assert.deepEqual(names(await kubectlOk(server, ["get", "pods", "-n", "shop", "-l", "app=web"])), ["front"]);
      assert.deepEqual(names(await kubectlOk(server, ["get", "pods", "-A", "-l", "app=web"]), 1), ["placed", "front"]);
    });

    it("-l selects with set-based and negated requirements", async () => {
      assert.deepEqual(names(await kubectlOk(server, ["get", "pods", "-n", "shop", "-l", "app in (web,db),tier!=front"])), ["db"]);
      assert.deepEqual(names(await kubectlOk(server, ["get", "pods", "-A", "-l", "!tier"]), 1), ["placed"]);
    });

    it("--field-selector selects by metadata.name, status.phase and spec.nodeName", async () => {
      assert.deepEqual(names(await kubectlOk(server, ["get", "pods", "-n", "shop", "--field-selector", "metadata.name=front"])), ["front"]);
      assert.deepEqual(names(await kubectlOk(server, ["get", "pods", "-A", "--field-selector", "status.phase=Running"]), 1), ["db"]);
      assert.deepEqual(names(await kubectlOk(server, ["get", "pods", "-A", "--field-selector", "status.phase!=Running"]), 1), ["placed", "front"]);
      assert.deepEqual(names(await kubectlOk(server, ["get", "pods", "-A", "--field-selector", "spec.nodeName=node-a"]), 1), ["placed"]);
    });

    it("rejects a field selector on an unsupported field", async () => {
      const r = await kubectlRun(server, ["get", "pods", "-A", "--field-selector", "spec.dnsPolicy=x"]);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /field label not supported: spec\.dnsPolicy/);
    });
  });

  describe("get -w", () => {
    it("prints the initial list, then an update and a delete as they happen", async () => {
      await kubectlOk(server, ["create", "-f", "-"], { stdin: JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "watched", namespace: "shop" }, data: { a: "1" } }) });
      const watch = spawnKubectl(server, ["get", "configmaps", "-n", "shop", "-w", "--output-watch-events"]);
      try {
        await watch.waitFor(/^ADDED\s+watched\s+1\s/m);
        await kubectlOk(server, ["patch", "-n", "shop", "configmap", "watched", "--type=merge", "-p", '{"data":{"b":"2"}}']);
        await watch.waitFor(/^MODIFIED\s+watched\s+2\s/m);
        await kubectlOk(server, ["delete", "-n", "shop", "configmap", "watched"]);
        await watch.waitFor(/^DELETED\s+watched\s/m);
        const rows = tableRows(watch.output());
        assert.deepEqual(rows[0], ["EVENT", "NAME", "DATA", "AGE"]);
        assert.deepEqual(
          rows.filter((r) => r[1] === "watched").map((r) => `${r[0]} ${r[2]}`),
          ["ADDED 1", "MODIFIED 2", "DELETED 2"],
        );
      } finally {
        await watch.stop();
      }
    });

    it("--watch-only -o name with a label selector sees only matching changes", async () => {
      const watch = spawnKubectl(server, ["get", "pods", "-n", "shop", "-w", "--watch-only", "-l", "app=web", "-o", "name"]);
      try {
        // Nothing is printed for the existing pods; give the watch a moment to be established.
        await new Promise((r) => setTimeout(r, 1000));
        await kubectlOk(server, ["label", "-n", "shop", "pod", "db", "seen=no"]);
        await kubectlOk(server, ["label", "-n", "shop", "pod", "front", "seen=yes"]);
        await watch.waitFor(/^pod\/front$/m);
        assert.equal(watch.output().trim(), "pod/front");
      } finally {
        await watch.stop();
      }
    });
  });

  describe("describe", () => {
    it("describes a pod: name, namespace, labels, status and containers", async () => {
      const out = await kubectlOk(server, ["describe", "pod", "front", "-n", "shop"]);
      assert.match(out, /^Name:\s+front$/m);
      assert.match(out, /^Namespace:\s+shop$/m);
      // Labels are listed sorted, one a line (the watch test above added `seen`).
      assert.match(out, /^Labels:\s+app=web\n\s+seen=yes\n\s+tier=front$/m);
      assert.match(out, /^Status:\s+Pending$/m);
      assert.match(out, /^Containers:\n\s+c:\n\s+Image:\s+busybox$/m);
    });

    it("describes a deployment with its replicas and strategy", async () => {
      const out = await kubectlOk(server, ["describe", "deployment", "web", "-n", "shop"]);
      assert.match(out, /^Name:\s+web$/m);
      assert.match(out, /^Selector:\s+app=web$/m);
      assert.match(out, /^Replicas:\s+2 desired \| 0 updated \| 0 total \| 0 available \| 0 unavailable$/m);
      assert.match(out, /^StrategyType:\s+RollingUpdate$/m);
      assert.match(out, /^RollingUpdateStrategy:\s+25% max unavailable, 25% max surge$/m);
    });
  });

  describe("discovery and schema", () => {
    it("api-resources lists each resource with short names, version, scope and kind", async () => {
      const rows = tableRows(await kubectlOk(server, ["api-resources"]));
      assert.deepEqual(rows[0], ["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"]);
      const byName = new Map(rows.slice(1).map((r) => [`${r[0]} ${r[2]}`, r]));
      for (const expected of [
        ["pods", "po", "v1", "true", "Pod"],
        ["namespaces", "ns", "v1", "false", "Namespace"],
        ["services", "svc", "v1", "true", "Service"],
        ["configmaps", "cm", "v1", "true", "ConfigMap"],
        ["nodes", "no", "v1", "false", "Node"],
        ["deployments", "deploy", "apps/v1", "true", "Deployment"],
        ["replicasets", "rs", "apps/v1", "true", "ReplicaSet"],
        ["daemonsets", "ds", "apps/v1", "true", "DaemonSet"],
        ["cronjobs", "cj", "batch/v1", "true", "CronJob"],
      ]) {
        assert.deepEqual(byName.get(`${expected[0]} ${expected[2]}`), expected);
      }
      // Subresources (pods/status, deployments/scale) are not listed as resources.
      assert.ok(![...byName.keys()].some((k) => k.includes("/status") || k.includes("/scale")));
    });

    it("api-resources -o wide shows verbs; --namespaced=false only cluster-scoped ones", async () => {
      const wide = tableRows(await kubectlOk(server, ["api-resources", "-o", "wide", "--api-group="]));
      const pods = wide.find((r) => r[0] === "pods");
      assert.deepEqual(pods?.[5]?.split(","), ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]);
      const cluster = names(await kubectlOk(server, ["api-resources", "--namespaced=false"]));
      assert.ok(cluster.includes("namespaces") && cluster.includes("nodes"), cluster.join(" "));
      assert.ok(!cluster.includes("pods"), cluster.join(" "));
    });

    it("api-versions lists every served group/version", async () => {
      const versions = (await kubectlOk(server, ["api-versions"])).trim().split("\n");
      for (const gv of ["v1", "apps/v1", "batch/v1", "coordination.k8s.io/v1", "discovery.k8s.io/v1", "events.k8s.io/v1"]) {
        assert.ok(versions.includes(gv), `${gv} in ${versions.join(" ")}`);
      }
      assert.deepEqual(versions, [...versions].sort(), "kubectl prints them sorted");
    });

    it("explain pod.spec.containers describes the field and its sub-fields from OpenAPI", async () => {
      const out = await kubectlOk(server, ["explain", "pod.spec.containers"]);
      assert.match(out, /^KIND:\s+Pod$/m);
      assert.match(out, /^VERSION:\s+v1$/m);
      assert.match(out, /^FIELD:\s+containers <\[\]Container>$/m);
      assert.match(out, /^\s+image\t<string>$/m);
      assert.match(out, /^\s+name\t<string> -required-$/m);
      assert.match(out, /^\s+ports\t<\[\]ContainerPort>$/m);
    });

    it("explain reaches into apps/v1 and rejects an unknown field", async () => {
      const out = await kubectlOk(server, ["explain", "deployment.spec.replicas"]);
      assert.match(out, /^GROUP:\s+apps$/m);
      assert.match(out, /^FIELD:\s+replicas <integer>$/m);
      const r = await kubectlRun(server, ["explain", "pod.spec.nosuchfield"]);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /field "nosuchfield" does not exist/);
    });

    it("auth whoami names kubernetes-admin in system:masters", async () => {
      const review = await kubectlJson<{ kind: string; status: { userInfo: { username: string; groups?: string[] } } }>(server, ["auth", "whoami"]);
      assert.equal(review.kind, "SelfSubjectReview");
      assert.equal(review.status.userInfo.username, "kubernetes-admin");
      assert.ok(review.status.userInfo.groups?.includes("system:masters"), JSON.stringify(review.status.userInfo));
      const rows = tableRows(await kubectlOk(server, ["auth", "whoami"]));
      assert.deepEqual(rows[0], ["ATTRIBUTE", "VALUE"]);
      assert.deepEqual(rows[1], ["Username", "kubernetes-admin"]);
      assert.match(rows[2]!.join(" "), /^Groups \[.*system:masters.*\]$/);
    });
  });
});
