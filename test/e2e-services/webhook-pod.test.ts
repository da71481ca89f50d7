// A validating admission webhook served by a pod on real containerd, reached through its
// Service: `k8ts image load` puts a Node.js image in the agent's containerd, a Deployment
// runs an HTTPS webhook from a ConfigMap with a certificate from a Secret, and kubectl
// 1.35's writes are refused by it, refused while it is down under failurePolicy Fail,
// and let through under Ignore. Needs root and the node packages; skipped otherwise.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { stringify } from "yaml";
import { ensurePki, issueServingCertificate } from "../../src/cmd/pki.js";
import { checkNodePrerequisites } from "../../src/kubelet/runtime/index.js";
import { NODE_IMAGE, freePort, k8tsBin, kubectl, nodeBinaryInImage, startAgentServer, writeNodeImageArchive, type AgentServer, waitFor } from "../harness/index.js";

const missing = process.getuid?.() !== 0 ? "needs root" : checkNodePrerequisites();

// The webhook: refuses objects labelled deny=please, allows everything else.
const serverScript = `
const https = require("https");
const fs = require("fs");
const tls = { key: fs.readFileSync("/tls/tls.key"), cert: fs.readFileSync("/tls/tls.crt") };
https.createServer(tls, (req, res) => {
  let body = "";
  req.on("data", (c) => (body += c));
  req.on("end", () => {
    const review = JSON.parse(body);
    const labels = (review.request.object && review.request.object.metadata.labels) || {};
    const allowed = labels.deny !== "please";
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ apiVersion: review.apiVersion, kind: "AdmissionReview", response: { uid: review.request.uid, allowed, status: allowed ? undefined : { message: "denied by the pod webhook" } } }));
  });
}).listen(8443, () => console.log("listening"));
`;


describe("a validating webhook served by a pod through its Service", { skip: missing || false }, () => {
  let server: AgentServer;
  let dataDir = "";
  const k = (args: string[], stdin?: string) => kubectl(server, args, { stdin, timeoutMs: 120_000 });

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "k8ts-e2e-webhook-"));
    server = await startAgentServer({ dataDir, port: await freePort(), args: ["--disable-cluster-dns", "--advertise-address", "127.0.0.1"] });

    const archive = join(dataDir, "node-image.tar");
    await writeNodeImageArchive(archive);
    const load = spawnSync(process.execPath, [k8tsBin, "image", "load", "--data-dir", dataDir, archive], { encoding: "utf8" });
    assert.equal(load.status, 0, load.stderr);
    assert.match(load.stdout, new RegExp(`^loaded ${NODE_IMAGE.replace(/[.:/]/g, "\\$&")}$`, "m"));

    const caDir = join(dataDir, "webhook-ca");
    const ca = (await ensurePki(caDir, { bindAddress: "127.0.0.1" })).ca;
    const serving = await issueServingCertificate(ca, { commonName: "pod-webhook.default.svc", sans: ["pod-webhook.default.svc"] });
    const docs = [
      { apiVersion: "v1", kind: "Namespace", metadata: { name: "guarded", labels: { "webhook-test": "enabled" } } },
      { apiVersion: "v1", kind: "Secret", metadata: { name: "pod-webhook-tls", namespace: "default" }, type: "kubernetes.io/tls", stringData: { "tls.crt": serving.cert, "tls.key": serving.key } },
      { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "pod-webhook-app", namespace: "default" }, data: { "server.js": serverScript } },
      {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "pod-webhook", namespace: "default" },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: "pod-webhook" } },
          template: {
            metadata: { labels: { app: "pod-webhook" } },
            spec: {
              terminationGracePeriodSeconds: 1,
              containers: [
                {
                  name: "webhook",
                  image: NODE_IMAGE,
                  command: [nodeBinaryInImage, "/app/server.js"],
                  ports: [{ containerPort: 8443, name: "https" }],
                  readinessProbe: { tcpSocket: { port: 8443 }, periodSeconds: 1 },
                  volumeMounts: [
                    { name: "app", mountPath: "/app" },
                    { name: "tls", mountPath: "/tls" },
                  ],
                },
              ],
              volumes: [
                { name: "app", configMap: { name: "pod-webhook-app" } },
                { name: "tls", secret: { secretName: "pod-webhook-tls" } },
              ],
            },
          },
        },
      },
      { apiVersion: "v1", kind: "Service", metadata: { name: "pod-webhook", namespace: "default" }, spec: { selector: { app: "pod-webhook" }, ports: [{ name: "https", port: 443, targetPort: "https" }] } },
    ];
    const applied = await k(["apply", "-f", "-"], docs.map((d) => stringify(d)).join("---\n"));
    assert.equal(applied.code, 0, applied.stderr);
    const rolled = await k(["rollout", "status", "deployment/pod-webhook", "--timeout=120s"]);
    assert.equal(rolled.code, 0, rolled.stderr + rolled.stdout);

    const config = {
      apiVersion: "admissionregistration.k8s.io/v1",
      kind: "ValidatingWebhookConfiguration",
      metadata: { name: "pod-webhook" },
      webhooks: [
        {
          name: "deny.pod-webhook.k8ts.test",
          clientConfig: { service: { namespace: "default", name: "pod-webhook", path: "/validate" }, caBundle: Buffer.from(ca.cert).toString("base64") },
          rules: [{ operations: ["CREATE"], apiGroups: [""], apiVersions: ["v1"], resources: ["configmaps"] }],
          namespaceSelector: { matchLabels: { "webhook-test": "enabled" } },
          sideEffects: "None",
          admissionReviewVersions: ["v1"],
          timeoutSeconds: 5,
        },
      ],
    };
    const made = await k(["apply", "-f", "-"], stringify(config));
    assert.equal(made.code, 0, made.stderr);
  });

  after(async () => {
    if (!server) return;
    await k(["delete", "validatingwebhookconfiguration", "pod-webhook", "--ignore-not-found"]).catch(() => undefined);
    await k(["delete", "deployments,pods", "--all", "--grace-period=1", "--wait=true"]).catch(() => undefined);
    await server.stop();
    await rm(dataDir, { recursive: true, force: true }).catch(() => undefined);
  });

  const labelled = (name: string) => stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace: "guarded", labels: { deny: "please" } } });

  it("refuses what the webhook denies, with its message, and admits the rest", async () => {
    const refused = await waitFor("the webhook's denial", async () => {
      const r = await k(["create", "-f", "-"], labelled(`deny-${Date.now()}`));
      return r.code !== 0 && r.stderr.includes("denied the request") ? r : undefined;
    });
    assert.match(refused.stderr, /Error from server \(Forbidden\): error when creating "STDIN": configmaps "deny-\d+" is forbidden: admission webhook "deny\.pod-webhook\.k8ts\.test" denied the request: denied by the pod webhook/);
    const ok = await k(["create", "configmap", "plain", "-n", "guarded", "--from-literal=a=b"]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal((await k(["get", "configmaps", "-n", "guarded", "-l", "deny=please", "-o", "name"])).stdout.trim(), "");
  });

  it("while the webhook is down, failurePolicy Fail refuses writes and Ignore lets them through", async () => {
    assert.equal((await k(["scale", "deployment/pod-webhook", "--replicas=0"])).code, 0);
    const failed = await waitFor("a write refused for want of the webhook", async () => {
      const r = await k(["create", "configmap", `down-${Date.now()}`, "-n", "guarded"]);
      return r.code !== 0 && r.stderr.includes("failed calling webhook") ? r : undefined;
    });
    assert.match(failed.stderr, /Internal error occurred: failed calling webhook "deny\.pod-webhook\.k8ts\.test": failed to call webhook: Post "https:\/\/pod-webhook\.default\.svc:443\/validate\?timeout=5s"/);
    const patched = await k(["patch", "validatingwebhookconfiguration", "pod-webhook", "--type=json", "-p", `[{"op":"replace","path":"/webhooks/0/failurePolicy","value":"Ignore"}]`]);
    assert.equal(patched.code, 0, patched.stderr);
    await waitFor("a write let through with the webhook down", async () => {
      const r = await k(["create", "-f", "-"], labelled(`through-${Date.now()}`));
      return r.code === 0 ? true : undefined;
    }, 30_000);
  });
});
