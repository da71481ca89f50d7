// The job controller (and ttl-after-finished) against the real API server (in-memory
// store), as pkg/controller/job's tests and test/e2e/apps/job.go check.
import { after, afterEach, before, beforeEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Job, JobCondition, KubeObject, Pod } from "../../src/api/index.js";
import { isApiError } from "../../src/machinery/index.js";
import { EventRecorder, FakeClock, Informer, InformerFactory, realClock, resource, resources, type Client, type Clock } from "../../src/client/index.js";
import { JobController, jobTrackingFinalizer } from "../../src/controllers/job/index.js";
import { TtlAfterFinishedController } from "../../src/controllers/ttlafterfinished/index.js";
import { startFakeNodes, startTestApiServer, type TestApiServer } from "../harness/index.js";

const jobsRes = resource<Job>("batch", "v1", "jobs", "Job", true);
const podsRes = resource<Pod>("", "v1", "pods", "Pod", true);
const ns = "default";

async function eventually(what: string, check: () => Promise<boolean> | boolean, options: { clock?: FakeClock; timeoutMs?: number } = {}): Promise<void> {
  const end = Date.now() + (options.timeoutMs ?? 8000);
  while (!(await check())) {
    if (Date.now() > end) assert.fail(`timed out waiting until ${what}`);
    // Let retries with back-off (on the fake clock) run, drifting fake time only slowly.
    if (options.clock) await options.clock.advance(1);
    await new Promise((r) => setTimeout(r, options.clock ? 2 : 20));
  }
}

function jobSpec(name: string, spec: Partial<NonNullable<Job["spec"]>> = {}): Job {
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name, namespace: ns },
    spec: { template: { spec: { restartPolicy: "Never", containers: [{ name: "main", image: "busybox" }] } }, ...spec },
  };
}

const cond = (job: Job | undefined, type: string): JobCondition | undefined => job?.status?.conditions?.find((c) => c.type === type);

describe("job controller", () => {
  let server: TestApiServer;
  let client: Client;
  let stop: AbortController;
  let running: Promise<unknown>[];
  let reaper: Informer<Pod>;

  before(async () => {
    server = await startTestApiServer({ store: "memory" });
    client = server.client;
  });
  after(async () => {
    await server.close();
  });
  beforeEach(async () => {
    stop = new AbortController();
    running = [];
    // The kubelet's part of a pod deletion: finish it at once (finalizers still hold the object).
    reaper = new Informer({ client, resource: podsRes });
    const reap = (p: Pod): void => {
      if (p.metadata.deletionTimestamp && !p.spec?.nodeName) void client.delete(podsRes, p.metadata.name ?? "", { namespace: ns, gracePeriodSeconds: 0 }).catch(() => undefined);
    };
    reaper.addHandler({ add: reap, update: (_, p) => reap(p) });
    running.push(reaper.start(stop.signal));
  });
  afterEach(async () => {
    stop.abort();
    await Promise.all(running);
    for (const j of (await client.list(jobsRes, { namespace: ns })).items) await client.delete(jobsRes, j.metadata.name ?? "", { namespace: ns }).catch(() => undefined);
    for (const p of (await client.list(podsRes, { namespace: ns })).items) {
      await client.patch(podsRes, p.metadata.name ?? "", { metadata: { finalizers: null } }, { namespace: ns, type: "merge" }).catch(() => undefined);
      await client.delete(podsRes, p.metadata.name ?? "", { namespace: ns, gracePeriodSeconds: 0 }).catch(() => undefined);
    }
  });

  function startJobController(clock: Clock = realClock): { events: EventRecorder } {
    const informers = new InformerFactory({ client, clock });
    const events = new EventRecorder({ client, component: "job-controller", clock });
    const jc = new JobController({ client, informers, clock, events });
    informers.start(stop.signal);
    running.push(jc.start(stop.signal));
    return { events };
  }

  const getJob = (name: string): Promise<Job> => client.get(jobsRes, name, { namespace: ns });
  const podsOf = async (name: string): Promise<Pod[]> => (await client.list(podsRes, { namespace: ns, labelSelector: `batch.kubernetes.io/job-name=${name}` })).items;
  const activeOf = async (name: string): Promise<Pod[]> => (await podsOf(name)).filter((p) => !p.metadata.deletionTimestamp && p.status?.phase !== "Succeeded" && p.status?.phase !== "Failed");
  async function eventsOf(name: string): Promise<{ reason: string; message: string; type: string }[]> {
    const list = await client.list(resources.events, { namespace: ns });
    return list.items
      .map((e) => e as KubeObject & { involvedObject?: { name?: string; kind?: string }; reason?: string; message?: string; type?: string })
      .filter((e) => e.involvedObject?.kind === "Job" && e.involvedObject.name === name)
      .map((e) => ({ reason: e.reason ?? "", message: e.message ?? "", type: e.type ?? "" }));
  }

  /** The kubelet's report of a finished pod, at `atMs`. */
  async function finish(pod: Pod, phase: "Succeeded" | "Failed", options: { exitCode?: number; atMs: number; conditions?: { type: string; status: string }[] }): Promise<void> {
    const at = new Date(options.atMs).toISOString().replace(/\.\d{3}Z$/, "Z");
    const exitCode = options.exitCode ?? (phase === "Succeeded" ? 0 : 1);
    await client.patch(
      podsRes,
      pod.metadata.name ?? "",
      {
        status: {
          phase,
          conditions: [{ type: "Ready", status: "False", lastTransitionTime: at }, ...(options.conditions ?? [])],
          containerStatuses: [{ name: "main", image: "busybox", imageID: "", ready: false, restartCount: 0, state: { terminated: { exitCode, finishedAt: at, startedAt: at } } }],
        },
      },
      { namespace: ns, type: "merge", subresource: "status" },
    );
  }

  it("runs completions=5 with parallelism=2 on fake nodes, never more than 2 at once, and completes", async () => {
    const nodes = await startFakeNodes({ client, names: ["node-1"], podOutcome: () => "succeed", runMs: 50 });
    // Bind pending pods as the scheduler would.
    const binder = new Informer({ client, resource: podsRes });
    let maxActive = 0;
    const seen = new Map<string, Pod>();
    const onPod = (p: Pod): void => {
      seen.set(p.metadata.name ?? "", p);
      const active = [...seen.values()].filter((q) => !q.metadata.deletionTimestamp && q.status?.phase !== "Succeeded" && q.status?.phase !== "Failed").length;
      maxActive = Math.max(maxActive, active);
      if (!p.spec?.nodeName && !p.metadata.deletionTimestamp) {
        const binding = { apiVersion: "v1", kind: "Binding", metadata: { name: p.metadata.name }, target: { kind: "Node", name: "node-1" } };
        void client.createSubresource(podsRes, p.metadata.name ?? "", binding, { namespace: ns, subresource: "binding" }).catch(() => undefined);
      }
    };
    binder.addHandler({ add: onPod, update: (_, p) => onPod(p), delete: (p) => seen.delete(p.metadata.name ?? "") });
    running.push(binder.start(stop.signal));
    try {
      startJobController();
      await client.create(jobsRes, jobSpec("five", { completions: 5, parallelism: 2 }));
      await eventually("the job completes", async () => cond(await getJob("five"), "Complete")?.status === "True", { timeoutMs: 15000 });
      const job = await getJob("five");
      assert.equal(job.status?.succeeded, 5);
      assert.equal(job.status?.failed ?? 0, 0);
      assert.equal(job.status?.active, 0);
      assert.deepEqual(job.status?.uncountedTerminatedPods, {});
      assert.ok(job.status?.startTime && job.status.completionTime);
      assert.equal(cond(job, "SuccessCriteriaMet")?.reason, "CompletionsReached");
      assert.equal(cond(job, "Complete")?.message, "Reached expected number of succeeded pods");
      assert.ok(maxActive <= 2, `at most 2 pods active at once, saw ${maxActive}`);
      const pods = await podsOf("five");
      assert.equal(pods.length, 5);
      for (const p of pods) {
        assert.ok(!(p.metadata.finalizers ?? []).includes(jobTrackingFinalizer), "finalizer removed once counted");
        assert.equal(p.metadata.labels?.["batch.kubernetes.io/controller-uid"], job.metadata.uid);
        assert.equal(p.metadata.labels?.["controller-uid"], job.metadata.uid);
        assert.equal(p.metadata.labels?.["job-name"], "five");
        assert.equal(p.metadata.ownerReferences?.[0]?.controller, true);
      }
      await eventually("events are recorded", async () => (await eventsOf("five")).some((e) => e.reason === "Completed"));
      const events = await eventsOf("five");
      assert.equal(events.filter((e) => e.reason === "SuccessfulCreate").length, 5);
      assert.ok(events.some((e) => e.reason === "Completed" && e.message === "Job completed"));
    } finally {
      await nodes.close();
    }
  });

  it("runs an Indexed job: one pod per index with annotation, label, hostname and JOB_COMPLETION_INDEX; completedIndexes", async () => {
    const clock = new FakeClock({ now: Date.now() });
    startJobController(clock);
    await client.create(jobsRes, jobSpec("idx", { completions: 3, parallelism: 2, completionMode: "Indexed" }));
    await eventually("two pods", async () => (await activeOf("idx")).length === 2, { clock });
    let pods = await activeOf("idx");
    const indexes = pods.map((p) => p.metadata.annotations?.["batch.kubernetes.io/job-completion-index"]).sort();
    assert.deepEqual(indexes, ["0", "1"]);
    for (const p of pods) {
      const ix = p.metadata.annotations?.["batch.kubernetes.io/job-completion-index"];
      assert.equal(p.metadata.labels?.["batch.kubernetes.io/job-completion-index"], ix);
      assert.equal(p.spec?.hostname, `idx-${ix}`);
      assert.ok(p.metadata.name?.startsWith(`idx-${ix}-`));
      assert.deepEqual(p.spec?.containers[0]?.env?.find((e) => e.name === "JOB_COMPLETION_INDEX")?.valueFrom?.fieldRef?.fieldPath, "metadata.annotations['batch.kubernetes.io/job-completion-index']");
    }
    const one = pods.find((p) => p.metadata.annotations?.["batch.kubernetes.io/job-completion-index"] === "1")!;
    await finish(one, "Succeeded", { atMs: clock.now() });
    await eventually("index 2 starts", async () => (await activeOf("idx")).some((p) => p.metadata.annotations?.["batch.kubernetes.io/job-completion-index"] === "2"), { clock });
    assert.equal((await getJob("idx")).status?.completedIndexes, "1");
    pods = await activeOf("idx");
    for (const p of pods) await finish(p, "Succeeded", { atMs: clock.now() });
    await eventually("the job completes", async () => cond(await getJob("idx"), "Complete")?.status === "True", { clock });
    const job = await getJob("idx");
    assert.equal(job.status?.completedIndexes, "0-2");
    assert.equal(job.status?.succeeded, 3);
  });

  it("recreates failed pods after 10 s, then 20 s, and fails with BackoffLimitExceeded past backoffLimit", async () => {
    const clock = new FakeClock({ now: Date.now() });
    startJobController(clock);
    await client.create(jobsRes, jobSpec("flaky", { backoffLimit: 2 }));
    await eventually("a pod", async () => (await activeOf("flaky")).length === 1, { clock });

    // First failure: the replacement waits 10 s.
    await finish((await activeOf("flaky"))[0]!, "Failed", { atMs: clock.now() });
    await eventually("the failure is counted", async () => (await getJob("flaky")).status?.failed === 1, { clock });
    await clock.advance(8_000);
    assert.equal((await activeOf("flaky")).length, 0, "no replacement before 10 s");
    await clock.advance(2_100);
    await eventually("a replacement after 10 s", async () => (await activeOf("flaky")).length === 1, { clock });

    // Second failure: 20 s.
    await finish((await activeOf("flaky"))[0]!, "Failed", { atMs: clock.now() });
    await eventually("the second failure is counted", async () => (await getJob("flaky")).status?.failed === 2, { clock });
    await clock.advance(18_000);
    assert.equal((await activeOf("flaky")).length, 0, "no replacement before 20 s");
    await clock.advance(2_100);
    await eventually("a replacement after 20 s", async () => (await activeOf("flaky")).length === 1, { clock });

    // Third failure: failed (3) > backoffLimit (2).
    await finish((await activeOf("flaky"))[0]!, "Failed", { atMs: clock.now() });
    await eventually("the job fails", async () => cond(await getJob("flaky"), "Failed")?.status === "True", { clock });
    const job = await getJob("flaky");
    assert.equal(job.status?.failed, 3);
    assert.equal(cond(job, "FailureTarget")?.reason, "BackoffLimitExceeded");
    assert.equal(cond(job, "Failed")?.reason, "BackoffLimitExceeded");
    assert.equal(cond(job, "Failed")?.message, "Job has reached the specified backoff limit");
    assert.equal(job.status?.completionTime, undefined);
    await eventually("the event", async () => (await eventsOf("flaky")).some((e) => e.type === "Warning" && e.reason === "BackoffLimitExceeded"), { clock });
    assert.equal((await podsOf("flaky")).length, 3);
  });

  it("fails a job past activeDeadlineSeconds with DeadlineExceeded and deletes its pods", async () => {
    const clock = new FakeClock({ now: Date.now() });
    startJobController(clock);
    await client.create(jobsRes, jobSpec("slow", { parallelism: 2, completions: 4, activeDeadlineSeconds: 30 }));
    await eventually("two pods", async () => (await activeOf("slow")).length === 2, { clock });
    await clock.advance(29_000);
    assert.equal(cond(await getJob("slow"), "Failed"), undefined);
    await clock.advance(1_100);
    await eventually("the job fails", async () => cond(await getJob("slow"), "Failed")?.status === "True", { clock });
    const job = await getJob("slow");
    assert.equal(cond(job, "Failed")?.reason, "DeadlineExceeded");
    assert.equal(cond(job, "Failed")?.message, "Job was active longer than specified deadline");
    assert.equal(job.status?.active, 0);
    assert.equal(job.status?.failed, 2, "pods deleted by the failure count as failed");
    await eventually("the pods are gone", async () => (await podsOf("slow")).length === 0, { clock });
    await eventually("events", async () => {
      const events = await eventsOf("slow");
      return events.some((e) => e.reason === "DeadlineExceeded") && events.filter((e) => e.reason === "SuccessfulDelete").length === 2;
    }, { clock });
  });

  it("applies podFailurePolicy: Ignore replaces the pod without counting it, FailJob fails the job at once", async () => {
    const clock = new FakeClock({ now: Date.now() });
    startJobController(clock);
    await client.create(
      jobsRes,
      jobSpec("policy", {
        backoffLimit: 6,
        podFailurePolicy: {
          rules: [
            { action: "FailJob", onExitCodes: { containerName: "main", operator: "In", values: [42] } },
            { action: "Ignore", onPodConditions: [{ type: "DisruptionTarget", status: "True" }] },
          ],
        },
      }),
    );
    await eventually("a pod", async () => (await activeOf("policy")).length === 1, { clock });
    const first = (await activeOf("policy"))[0]!;
    await finish(first, "Failed", { atMs: clock.now(), conditions: [{ type: "DisruptionTarget", status: "True" }] });
    // Ignored failures are not counted, but the replacement still waits out the pod failure back-off, as upstream.
    await eventually("the failure is seen", async () => (await podsOf("policy")).every((p) => !(p.metadata.finalizers ?? []).includes(jobTrackingFinalizer)), { clock });
    await clock.advance(10_100);
    await eventually("a replacement", async () => (await activeOf("policy")).length === 1, { clock });
    assert.equal((await getJob("policy")).status?.failed ?? 0, 0, "ignored failures are not counted");

    const second = (await activeOf("policy"))[0]!;
    assert.notEqual(second.metadata.name, first.metadata.name);
    await finish(second, "Failed", { atMs: clock.now(), exitCode: 42 });
    await eventually("the job fails", async () => cond(await getJob("policy"), "Failed")?.status === "True", { clock });
    const job = await getJob("policy");
    assert.equal(cond(job, "Failed")?.reason, "PodFailurePolicy");
    assert.equal(cond(job, "FailureTarget")?.message, `Container main for pod default/${second.metadata.name} failed with exit code 42 matching FailJob rule at index 0`);
    assert.equal(job.status?.failed, 1);
  });

  it("suspends and resumes: no pods while suspended, active pods deleted without counting, Suspended condition", async () => {
    const clock = new FakeClock({ now: Date.now() });
    startJobController(clock);
    await client.create(jobsRes, jobSpec("pausable", { parallelism: 2, completions: 4, suspend: true }));
    await eventually("the Suspended condition", async () => cond(await getJob("pausable"), "Suspended")?.status === "True", { clock });
    let job = await getJob("pausable");
    assert.equal(cond(job, "Suspended")?.reason, "JobSuspended");
    assert.equal(job.status?.startTime, undefined);
    assert.equal((await podsOf("pausable")).length, 0);

    await client.patch(jobsRes, "pausable", { spec: { suspend: false } }, { namespace: ns, type: "merge" });
    await eventually("two pods", async () => (await activeOf("pausable")).length === 2, { clock });
    job = await getJob("pausable");
    assert.equal(cond(job, "Suspended")?.status, "False");
    assert.equal(cond(job, "Suspended")?.reason, "JobResumed");
    assert.ok(job.status?.startTime);

    await client.patch(jobsRes, "pausable", { spec: { suspend: true } }, { namespace: ns, type: "merge" });
    await eventually("the pods are gone", async () => (await podsOf("pausable")).length === 0, { clock });
    await eventually("suspended again", async () => cond(await getJob("pausable"), "Suspended")?.status === "True", { clock });
    job = await getJob("pausable");
    assert.equal(job.status?.failed ?? 0, 0);
    assert.equal(job.status?.active, 0);
  });

  it("removes the tracking finalizer of pods whose job was deleted", async () => {
    const clock = new FakeClock({ now: Date.now() });
    startJobController(clock);
    await client.create(jobsRes, jobSpec("gone", { parallelism: 1 }));
    await eventually("a pod", async () => (await activeOf("gone")).length === 1, { clock });
    await client.delete(jobsRes, "gone", { namespace: ns, propagationPolicy: "Orphan" });
    await eventually("the finalizer is removed", async () => (await podsOf("gone")).every((p) => !(p.metadata.finalizers ?? []).includes(jobTrackingFinalizer)), { clock });
  });

  it("deletes a finished job ttlSecondsAfterFinished later (ttl-after-finished controller)", async () => {
    const clock = new FakeClock({ now: Date.now() });
    startJobController(clock);
    const informers = new InformerFactory({ client, clock });
    const ttl = new TtlAfterFinishedController({ client, informers, clock });
    informers.start(stop.signal);
    running.push(ttl.start(stop.signal));
    await client.create(jobsRes, jobSpec("shortlived", { ttlSecondsAfterFinished: 60 }));
    await eventually("a pod", async () => (await activeOf("shortlived")).length === 1, { clock });
    await finish((await activeOf("shortlived"))[0]!, "Succeeded", { atMs: clock.now() });
    await eventually("the job completes", async () => cond(await getJob("shortlived"), "Complete")?.status === "True", { clock });
    await clock.advance(50_000);
    assert.ok(await getJob("shortlived"));
    await clock.advance(11_000);
    await eventually("the job is deleted", async () => {
      try {
        const j = await getJob("shortlived");
        return !!j.metadata.deletionTimestamp;
      } catch (err) {
        return isApiError(err, "NotFound");
      }
    }, { clock });
  });
});
