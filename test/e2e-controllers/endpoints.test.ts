// End to end: the endpoints, EndpointSlice and serviceaccounts controllers inside the
// real `k8ts server`: a Service and two Ready pods (bound by the scheduler, run by fake
// nodes) → `kubectl get endpoints` and `kubectl get endpointslices` list both pod IPs; a
// new namespace has its default ServiceAccount.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { Client, httpTransport, loadKubeconfig, type HttpTransport } from "../../src/client/index.js";
import { kubectl, kubectlBin, startFakeNodes, startK8tsServer, type FakeNodes, type K8tsServerProcess } from "../harness/index.js";

const needsKubectl = { skip: existsSync(kubectlBin) ? false : "run `npm run tools` for kubectl" } as const;

const manifest = `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
  - name: http
    port: 80
    targetPort: 8080
---
apiVersion: v1
kind: Pod
metadata:
  name: web-1
  labels:
    app: web
spec:
  containers:
  - name: web
    image: nginx:1.25
---
apiVersion: v1
kind: Pod
metadata:
  name: web-2
  labels:
    app: web
spec:
  containers:
  - name: web
    image: nginx:1.25
`;

async function eventually<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) assert.fail(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function kubectlOk(server: K8tsServerProcess, args: string[], stdin?: string): Promise<string> {
  const r = await kubectl(server, args, { stdin });
  assert.equal(r.code, 0, `kubectl ${args.join(" ")} failed:\n${r.stderr}${r.stdout}`);
  return r.stdout;
}

describe("endpoints controllers in k8ts server", needsKubectl, () => {
  let server: K8tsServerProcess;
  let transport: HttpTransport;
  let nodes: FakeNodes;

  before(async () => {
    server = await startK8tsServer();
    transport = httpTransport(await loadKubeconfig(server.kubeconfig));
    nodes = await startFakeNodes({ client: new Client({ transport }), names: ["node-a", "node-b"] });
  });
  after(async () => {
    await nodes?.close();
    transport?.close();
    await server?.stop();
    await server?.cleanup();
  });

  it("lists both Ready pods' IPs in kubectl get endpoints and endpointslices", async () => {
    await kubectlOk(server, ["apply", "-f", "-"], manifest);
    const ips = await eventually("both pods Running with IPs", async () => {
      const list = JSON.parse(await kubectlOk(server, ["get", "pods", "-l", "app=web", "-o", "json"])) as { items: Array<{ status: { phase?: string; podIP?: string } }> };
      const got = list.items.map((p) => p.status.podIP).filter((ip): ip is string => !!ip);
      return list.items.length === 2 && got.length === 2 && list.items.every((p) => p.status.phase === "Running") ? got.sort() : undefined;
    });
    const table = await eventually("kubectl get endpoints lists both", async () => {
      const out = await kubectlOk(server, ["get", "endpoints", "web"]);
      return ips.every((ip) => out.includes(`${ip}:8080`)) ? out : undefined;
    });
    assert.match(table, /^NAME\s+ENDPOINTS\s+AGE/m);
    const ep = JSON.parse(await kubectlOk(server, ["get", "endpoints", "web", "-o", "json"])) as { metadata: { labels?: Record<string, string> }; subsets: Array<{ addresses: Array<{ ip: string; nodeName?: string; targetRef?: { kind: string; name: string } }>; ports: Array<{ name: string; port: number }> }> };
    assert.deepEqual(ep.subsets[0].addresses.map((a) => a.ip).sort(), ips);
    assert.ok(ep.subsets[0].addresses.every((a) => a.nodeName?.startsWith("node-") && a.targetRef?.kind === "Pod"));
    assert.deepEqual(ep.subsets[0].ports, [{ name: "http", port: 8080, protocol: "TCP" }]);
    assert.equal(ep.metadata.labels?.["endpoints.kubernetes.io/managed-by"], "endpoint-controller");

    const slices = await eventually("kubectl get endpointslices lists both", async () => {
      const out = await kubectlOk(server, ["get", "endpointslices", "-l", "kubernetes.io/service-name=web"]);
      return ips.every((ip) => out.includes(ip)) ? out : undefined;
    });
    assert.match(slices, /^web-[a-z0-9]{5}\s+IPv4\s+8080\s+/m);
  });

  it("drops a deleted pod's IP", async () => {
    await kubectlOk(server, ["delete", "pod", "web-2", "--wait=false"]);
    await eventually("one address left", async () => {
      const ep = JSON.parse(await kubectlOk(server, ["get", "endpoints", "web", "-o", "json"])) as { subsets?: Array<{ addresses?: unknown[] }> };
      return (ep.subsets ?? []).reduce((n, s) => n + (s.addresses?.length ?? 0), 0) === 1;
    });
  });

  it("gives a new namespace its default ServiceAccount", async () => {
    await kubectlOk(server, ["create", "namespace", "team-a"]);
    await eventually("default ServiceAccount", async () => (await kubectl(server, ["get", "serviceaccount", "default", "-n", "team-a"])).code === 0);
  });
});
