// End to end: the Job and CronJob controllers inside the real `k8ts server` (scheduler
// binding pods to fake nodes that run them to success), driven by the official kubectl:
// a Job with completions=5 parallelism=2 completes with never more than 2 pods active;
// a CronJob "*/1 * * * *" creates a Job within a minute; `kubectl create job --from=cronjob/x`
// (built by kubectl itself) runs too.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import type { Job, Pod } from "../../src/api/index.js";
import { Client, Informer, httpTransport, loadKubeconfig, resource, resources, type HttpTransport } from "../../src/client/index.js";
import { kubectl, kubectlBin, startFakeNodes, startK8tsServer, type FakeNodes, type K8tsServerProcess } from "../harness/index.js";

const needsKubectl = { skip: existsSync(kubectlBin) ? false : "run `npm run tools` for kubectl" } as const;
const jobsRes = resource<Job>("batch", "v1", "jobs", "Job", true);
const podsRes = resource<Pod>("", "v1", "pods", "Pod", true);

const jobManifest = `apiVersion: batch/v1
kind: Job
metadata:
  name: five
spec:
  completions: 5
  parallelism: 2
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: work
        image: busybox
        command: ["sh", "-c", "echo done"]
`;

async function eventually<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) assert.fail(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function kubectlOk(server: K8tsServerProcess, args: string[], stdin?: string): Promise<string> {
  const r = await kubectl(server, args, { stdin });
  assert.equal(r.code, 0, `kubectl ${args.join(" ")} failed:\n${r.stderr}${r.stdout}`);
  return r.stdout;
}

describe("e2e: Job and CronJob controllers in k8ts server", needsKubectl, () => {
  let server: K8tsServerProcess;
  let transport: HttpTransport;
  let client: Client;
  let nodes: FakeNodes;
  const stop = new AbortController();
  let informing: Promise<void> | undefined;

  before(async () => {
    server = await startK8tsServer();
    transport = httpTransport(await loadKubeconfig(server.kubeconfig));
    client = new Client({ transport });
    nodes = await startFakeNodes({ client, names: ["node-1", "node-2"], podOutcome: () => "succeed", runMs: 400 });
  });
  after(async () => {
    stop.abort();
    await informing;
    await nodes?.close();
    transport?.close();
    await server?.stop();
  });

  it("a CronJob */1 creates a Job within a minute; a Job with completions=5 parallelism=2 completes meanwhile, never more than 2 active", async () => {
    const cronCreated = Date.now();
    await kubectlOk(server, ["create", "cronjob", "tick", "--image=busybox", "--schedule=*/1 * * * *", "--", "sh", "-c", "date"]);

    // Watch the Job's pods to see how many are active at once.
    const pods = new Informer({ client, resource: podsRes, labelSelector: "batch.kubernetes.io/job-name=five" });
    let maxActive = 0;
    const count = (): void => {
      const active = pods.list().filter((p) => !p.metadata.deletionTimestamp && p.status?.phase !== "Succeeded" && p.status?.phase !== "Failed").length;
      maxActive = Math.max(maxActive, active);
    };
    pods.addHandler({ add: count, update: count, delete: count });
    informing = pods.start(stop.signal);
    await pods.waitForSync(stop.signal);

    await kubectlOk(server, ["apply", "-f", "-"], jobManifest);
    await kubectlOk(server, ["wait", "--for=condition=complete", "job/five", "--timeout=60s"]);
    const job = await client.get(jobsRes, "five", { namespace: "default" });
    assert.equal(job.status?.succeeded, 5);
    assert.ok(maxActive <= 2, `at most 2 pods active at once, saw ${maxActive}`);
    assert.ok(maxActive >= 1);
    assert.equal(pods.list().length, 5);
    const table = await kubectlOk(server, ["get", "job", "five"]);
    assert.match(table, /five\s+Complete\s+5\/5/);
    const events = await client.list(resources.events, { namespace: "default" });
    const reasons = events.items
      .map((e) => e as { involvedObject?: { name?: string }; reason?: string } & typeof e)
      .filter((e) => e.involvedObject?.name === "five")
      .map((e) => e.reason);
    assert.ok(reasons.includes("SuccessfulCreate") && reasons.includes("Completed"), `events: ${reasons.join(", ")}`);

    // The CronJob's first Job, within a minute of creation (plus a little slack).
    const first = await eventually(
      "the CronJob creates a Job",
      async () => (await client.list(jobsRes, { namespace: "default" })).items.find((j) => j.metadata.name?.startsWith("tick-")),
      70_000 - (Date.now() - cronCreated),
    );
    assert.ok(Date.now() - cronCreated < 70_000);
    assert.match(first.metadata.name ?? "", /^tick-\d+$/);
    assert.ok(first.metadata.annotations?.["batch.kubernetes.io/cronjob-scheduled-timestamp"]);
    await kubectlOk(server, ["wait", "--for=condition=complete", `job/${first.metadata.name}`, "--timeout=30s"]);
    const cj = await eventually("lastSuccessfulTime", async () => {
      const c = (await kubectlOk(server, ["get", "cronjob", "tick", "-o", "json"])) as string;
      const parsed = JSON.parse(c) as { status?: { lastScheduleTime?: string; lastSuccessfulTime?: string } };
      return parsed.status?.lastSuccessfulTime ? parsed : undefined;
    });
    assert.ok(cj.status?.lastScheduleTime);
  });

  it("kubectl create job --from=cronjob/tick builds a Job that runs", async () => {
    await kubectlOk(server, ["create", "job", "by-hand", "--from=cronjob/tick"]);
    const job = await client.get(jobsRes, "by-hand", { namespace: "default" });
    assert.equal(job.metadata.annotations?.["cronjob.kubernetes.io/instantiate"], "manual");
    assert.equal(job.metadata.ownerReferences?.[0]?.kind, "CronJob");
    await kubectlOk(server, ["wait", "--for=condition=complete", "job/by-hand", "--timeout=30s"]);
  });

  it("kubectl delete job removes its pods (the tracking finalizers are released)", async () => {
    await kubectlOk(server, ["delete", "job", "five"]);
    await eventually("the pods are gone", async () => (await client.list(podsRes, { namespace: "default", labelSelector: "batch.kubernetes.io/job-name=five" })).items.length === 0);
  });
});
