// `k8ts server`'s /metrics: Prometheus text with upstream's names for the API server,
// its store, the scheduler, the controllers' work queues and the process, behind the same
// authentication as every other path (client certificate or bearer token; nothing for
// anonymous callers).
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { request } from "node:https";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { kubectl, startK8tsServer, type K8tsServerProcess } from "../harness/index.js";

function get(url: string, opts: { cert?: string; key?: string; ca: string; token?: string }): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca: opts.ca, cert: opts.cert, key: opts.key, headers: opts.token ? { Authorization: `Bearer ${opts.token}` } : {} }, (res) => {
      let body = "";
      res.on("data", (c: Buffer) => (body += c.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, type: String(res.headers["content-type"]), body }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("k8ts server /metrics", () => {
  let server: K8tsServerProcess;
  let pki: { ca: string; cert: string; key: string };
  const url = () => `https://127.0.0.1:${server.port}/metrics`;

  before(async () => {
    server = await startK8tsServer({ extraArgs: ["--store", "memory"] });
    const dir = join(server.dataDir, "pki");
    pki = { ca: await readFile(join(dir, "ca.crt"), "utf8"), cert: await readFile(join(dir, "admin.crt"), "utf8"), key: await readFile(join(dir, "admin.key"), "utf8") };
    // Some traffic: a Deployment (controllers' queues) whose pod cannot be scheduled (no nodes).
    const r = await kubectl(server, ["create", "deployment", "web", "--image=busybox"]);
    assert.equal(r.code, 0, r.stderr);
    await new Promise((res) => setTimeout(res, 1500));
  });

  after(async () => {
    await server?.stop();
    await server?.cleanup();
  });

  it("refuses callers without credentials with 401", async () => {
    const r = await get(url(), { ca: pki.ca });
    assert.equal(r.status, 401);
  });

  it("serves the Prometheus text format to a client certificate, with upstream's metric names and labels", async () => {
    const r = await get(url(), { ca: pki.ca, cert: pki.cert, key: pki.key });
    assert.equal(r.status, 200);
    assert.match(r.type, /^text\/plain; version=0\.0\.4/);
    const m = r.body;
    assert.match(m, /^# TYPE apiserver_request_total counter$/m);
    assert.match(m, /^apiserver_request_total\{verb="POST",dry_run="",group="apps",version="v1",resource="deployments",subresource="",scope="namespace",component="apiserver",code="201"\} [1-9]\d*$/m);
    assert.match(m, /^apiserver_request_total\{verb="LIST",[^}]*resource="pods"[^}]*code="200"\} \d+$/m);
    assert.match(m, /^apiserver_request_duration_seconds_bucket\{le="0\.005",verb="[A-Z]+",/m);
    assert.match(m, /^apiserver_current_inflight_requests\{request_kind="readOnly"\} \d+$/m);
    assert.match(m, /^apiserver_current_inflight_requests\{request_kind="mutating"\} \d+$/m);
    assert.match(m, /^apiserver_storage_objects\{resource="namespaces"\} [1-9]\d*$/m);
    assert.match(m, /^etcd_request_duration_seconds_bucket\{le="[\d.]+",operation="create",type="deployments\.apps"\} \d+$/m);
    assert.match(m, /^workqueue_adds_total\{name="deployment"\} [1-9]\d*$/m);
    assert.match(m, /^workqueue_depth\{name="replicaset"\} \d+$/m);
    assert.match(m, /^workqueue_queue_duration_seconds_bucket\{le="[^"]+",name="deployment"\} \d+$/m);
    assert.match(m, /^scheduler_pending_pods\{queue="(active|backoff|unschedulable)"\} [1-9]\d*$/m, "the unschedulable pod waits in one of the queues");
    assert.match(m, /^scheduler_schedule_attempts_total\{profile="default-scheduler",result="unschedulable"\} [1-9]\d*$/m);
    assert.match(m, /^scheduler_scheduling_attempt_duration_seconds_count\{profile="default-scheduler",result="unschedulable"\} \d+$/m);
    assert.match(m, /^process_cpu_seconds_total [\d.e+-]+$/m);
    assert.match(m, /^process_resident_memory_bytes \d+$/m);
    assert.match(m, /^nodejs_heap_size_used_bytes \d+$/m);
  });

  it("authenticates bearer tokens too: a service account gets 403 until RBAC grants system:monitoring", async () => {
    assert.equal((await kubectl(server, ["create", "serviceaccount", "prom"])).code, 0);
    const token = (await kubectl(server, ["create", "token", "prom"])).stdout.trim();
    const denied = await get(url(), { ca: pki.ca, token });
    assert.equal(denied.status, 403, denied.body.slice(0, 300));
    assert.equal((await kubectl(server, ["create", "clusterrolebinding", "prom-monitoring", "--clusterrole=system:monitoring", "--serviceaccount=default:prom"])).code, 0);
    const allowed = await get(url(), { ca: pki.ca, token });
    assert.equal(allowed.status, 200, allowed.body.slice(0, 300));
    assert.match(allowed.body, /^apiserver_request_total\{/m);
    const raw = await kubectl(server, ["get", "--raw", "/metrics"]);
    assert.equal(raw.code, 0, raw.stderr);
    assert.match(raw.stdout, /^apiserver_request_total\{/m);
  });
});
