// The CronJob controller against the real API server (in-memory store) with a FakeClock,
// as pkg/controller/cronjob's tests and test/e2e/apps/cronjob.go check.
import { after, afterEach, before, beforeEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { CronJob, Job, KubeObject } from "../../src/api/index.js";
import { EventRecorder, FakeClock, InformerFactory, resource, resources, type Client } from "../../src/client/index.js";
import { CronJobController, jobNameFor } from "../../src/controllers/cronjob/index.js";
import { startTestApiServer, type TestApiServer } from "../harness/index.js";

const jobsRes = resource<Job>("batch", "v1", "jobs", "Job", true);
const cronJobsRes = resource<CronJob>("batch", "v1", "cronjobs", "CronJob", true);
const ns = "default";

function cronJob(name: string, spec: Partial<NonNullable<CronJob["spec"]>> = {}): CronJob {
  return {
    apiVersion: "batch/v1",
    kind: "CronJob",
    metadata: { name, namespace: ns },
    spec: {
      schedule: "*/1 * * * *",
      timeZone: "UTC",
      jobTemplate: { metadata: { labels: { team: "batch" } }, spec: { template: { spec: { restartPolicy: "OnFailure", containers: [{ name: "main", image: "busybox" }] } } } },
      ...spec,
    },
  };
}

describe("cronjob controller", () => {
  let server: TestApiServer;
  let client: Client;
  let stop: AbortController;
  let running: Promise<unknown>[];
  let clock: FakeClock;

  before(async () => {
    server = await startTestApiServer({ store: "memory" });
    client = server.client;
  });
  after(async () => {
    await server.close();
  });
  beforeEach(() => {
    stop = new AbortController();
    running = [];
    // Real "now", so creationTimestamps from the API server agree with the fake clock.
    clock = new FakeClock({ now: Date.now() });
    const informers = new InformerFactory({ client, clock });
    const events = new EventRecorder({ client, component: "cronjob-controller", clock });
    const cc = new CronJobController({ client, informers, clock, events });
    informers.start(stop.signal);
    running.push(cc.start(stop.signal));
  });
  afterEach(async () => {
    stop.abort();
    await Promise.all(running);
    for (const cj of (await client.list(cronJobsRes, { namespace: ns })).items) await client.delete(cronJobsRes, cj.metadata.name ?? "", { namespace: ns });
    for (const j of (await client.list(jobsRes, { namespace: ns })).items) await client.delete(jobsRes, j.metadata.name ?? "", { namespace: ns }).catch(() => undefined);
    for (const e of (await client.list(resources.events, { namespace: ns })).items) await client.delete(resources.events, e.metadata.name ?? "", { namespace: ns }).catch(() => undefined);
  });

  async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > end) assert.fail(`timed out waiting until ${what}`);
      await clock.advance(1);
      await new Promise((r) => setTimeout(r, 2));
    }
  }
  /** Advance the fake clock to `sec` seconds past the next whole minute. */
  async function toNextMinute(sec = 1): Promise<number> {
    const minute = Math.floor(clock.now() / 60_000) * 60_000 + 60_000;
    await clock.advance(minute + sec * 1000 - clock.now());
    return minute;
  }
  const jobsOf = async (): Promise<Job[]> => (await client.list(jobsRes, { namespace: ns })).items;
  const getCj = (name: string): Promise<CronJob> => client.get(cronJobsRes, name, { namespace: ns });
  async function eventsOf(name: string): Promise<{ reason: string; message: string; type: string }[]> {
    const list = await client.list(resources.events, { namespace: ns });
    return list.items
      .map((e) => e as KubeObject & { involvedObject?: { name?: string; kind?: string }; reason?: string; message?: string; type?: string })
      .filter((e) => e.involvedObject?.kind === "CronJob" && e.involvedObject.name === name)
      .map((e) => ({ reason: e.reason ?? "", message: e.message ?? "", type: e.type ?? "" }));
  }
  async function finishJob(name: string, type: "Complete" | "Failed", atMs = clock.now()): Promise<void> {
    const at = new Date(atMs).toISOString().replace(/\.\d{3}Z$/, "Z");
    const cond = (t: string, reason: string) => ({ type: t, status: "True", reason, message: "", lastProbeTime: at, lastTransitionTime: at });
    const status =
      type === "Complete"
        ? { startTime: at, completionTime: at, succeeded: 1, conditions: [cond("SuccessCriteriaMet", "CompletionsReached"), cond("Complete", "CompletionsReached")] }
        : { startTime: at, failed: 1, conditions: [cond("FailureTarget", "BackoffLimitExceeded"), cond("Failed", "BackoffLimitExceeded")] };
    await client.patch(jobsRes, name, { status }, { namespace: ns, type: "merge", subresource: "status" });
  }

  it("creates <cronjob>-<minutes> at each scheduled time from the template, and tracks it in status", async () => {
    await client.create(cronJobsRes, cronJob("tick"));
    await clock.advance(10);
    assert.equal((await jobsOf()).length, 0, "nothing before the first schedule");
    const minute = await toNextMinute();
    await eventually("a job", async () => (await jobsOf()).length === 1);
    const [job] = await jobsOf();
    const cj = await getCj("tick");
    assert.equal(job!.metadata.name, jobNameFor("tick", minute));
    assert.equal(job!.metadata.name, `tick-${minute / 60_000}`);
    assert.equal(job!.metadata.labels?.team, "batch");
    assert.equal(job!.metadata.annotations?.["batch.kubernetes.io/cronjob-scheduled-timestamp"], new Date(minute).toISOString().replace(".000Z", "Z"));
    assert.deepEqual(job!.metadata.ownerReferences, [{ apiVersion: "batch/v1", kind: "CronJob", name: "tick", uid: cj.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    await eventually("status.active", async () => (await getCj("tick")).status?.active?.length === 1);
    const status = (await getCj("tick")).status;
    assert.equal(status?.active?.[0]?.name, job!.metadata.name);
    assert.equal(status?.lastScheduleTime, new Date(minute).toISOString().replace(".000Z", "Z"));

    await finishJob(job!.metadata.name!, "Complete");
    await eventually("the completed job leaves status.active", async () => ((await getCj("tick")).status?.active ?? []).length === 0 && !!(await getCj("tick")).status?.lastSuccessfulTime);
    await eventually("events", async () => {
      const events = await eventsOf("tick");
      return events.some((e) => e.reason === "SuccessfulCreate" && e.message === `Created job ${job!.metadata.name}`) && events.some((e) => e.reason === "SawCompletedJob" && e.message === `Saw completed job: ${job!.metadata.name}, condition: Complete`);
    });
  });

  it("Allow runs jobs side by side; Forbid skips with JobAlreadyActive; Replace deletes the running one", async () => {
    await client.create(cronJobsRes, cronJob("allow"));
    await client.create(cronJobsRes, cronJob("forbid", { concurrencyPolicy: "Forbid" }));
    await client.create(cronJobsRes, cronJob("replace", { concurrencyPolicy: "Replace" }));
    const first = await toNextMinute();
    await eventually("three jobs", async () => (await jobsOf()).length === 3);
    await eventually("all three active", async () => {
      for (const n of ["allow", "forbid", "replace"]) if ((await getCj(n)).status?.active?.length !== 1) return false;
      return true;
    });
    const second = await toNextMinute();
    const names = async (): Promise<string[]> => (await jobsOf()).map((j) => j.metadata.name ?? "").sort();
    await eventually("allow has two, replace swapped", async () => {
      const n = await names();
      return n.includes(jobNameFor("allow", second)) && n.includes(jobNameFor("replace", second)) && !n.includes(jobNameFor("replace", first));
    });
    const n = await names();
    assert.ok(n.includes(jobNameFor("allow", first)));
    assert.ok(n.includes(jobNameFor("forbid", first)));
    assert.ok(!n.includes(jobNameFor("forbid", second)), "Forbid starts nothing while a job runs");
    await eventually("JobAlreadyActive", async () => (await eventsOf("forbid")).some((e) => e.reason === "JobAlreadyActive" && e.message === "Not starting job because prior execution is running and concurrency policy is Forbid"));
    await eventually("SuccessfulDelete", async () => (await eventsOf("replace")).some((e) => e.reason === "SuccessfulDelete" && e.message === `Deleted job ${jobNameFor("replace", first)}`));
    assert.equal((await getCj("allow")).status?.active?.length, 2);
  });

  it("starts a missed schedule late, unless it is older than startingDeadlineSeconds", async () => {
    await client.create(cronJobsRes, cronJob("late", { suspend: true }));
    await client.create(cronJobsRes, cronJob("strict", { suspend: true, startingDeadlineSeconds: 10 }));
    const minute = await toNextMinute(30);
    for (const n of ["late", "strict"]) await client.patch(cronJobsRes, n, { spec: { suspend: false } }, { namespace: ns, type: "merge" });
    await eventually("the late job", async () => (await jobsOf()).some((j) => j.metadata.name === jobNameFor("late", minute)));
    await clock.advance(100);
    assert.ok(!(await jobsOf()).some((j) => j.metadata.name?.startsWith("strict-")), "a start older than the deadline is skipped");
    const next = await toNextMinute();
    await eventually("strict runs at its next time", async () => (await jobsOf()).some((j) => j.metadata.name === jobNameFor("strict", next)));
  });

  it("warns TooManyMissedTimes past 100 missed starts and runs only the latest", async () => {
    await client.create(cronJobsRes, cronJob("asleep", { suspend: true }));
    const lastSchedule = new Date(Math.floor(clock.now() / 60_000) * 60_000 - 3 * 3600_000).toISOString().replace(".000Z", "Z");
    await client.patch(cronJobsRes, "asleep", { status: { lastScheduleTime: lastSchedule } }, { namespace: ns, type: "merge", subresource: "status" });
    await client.patch(cronJobsRes, "asleep", { spec: { suspend: false } }, { namespace: ns, type: "merge" });
    await eventually("one job", async () => (await jobsOf()).length === 1);
    assert.equal((await jobsOf())[0]!.metadata.name, jobNameFor("asleep", Math.floor(clock.now() / 60_000) * 60_000));
    await eventually("the warning", async () => (await eventsOf("asleep")).some((e) => e.type === "Warning" && e.reason === "TooManyMissedTimes"));
  });

  it("keeps successfulJobsHistoryLimit and failedJobsHistoryLimit finished jobs", async () => {
    await client.create(cronJobsRes, cronJob("history", { successfulJobsHistoryLimit: 1, failedJobsHistoryLimit: 1 }));
    const done: string[] = [];
    for (let i = 0; i < 3; i++) {
      const minute = await toNextMinute();
      const name = jobNameFor("history", minute);
      await eventually(`job ${i}`, async () => (await jobsOf()).some((j) => j.metadata.name === name));
      await finishJob(name, i === 1 ? "Failed" : "Complete", minute + 5000);
      done.push(name);
    }
    await eventually("the oldest successful job is deleted", async () => !(await jobsOf()).some((j) => j.metadata.name === done[0]));
    const left = (await jobsOf()).map((j) => j.metadata.name);
    assert.ok(left.includes(done[1]) && left.includes(done[2]));
    await eventually("SuccessfulDelete", async () => (await eventsOf("history")).some((e) => e.reason === "SuccessfulDelete" && e.message === `Deleted job ${done[0]}`));
  });

  it("schedules in spec.timeZone and writes the scheduled time in that zone", async () => {
    await client.create(cronJobsRes, cronJob("tokyo", { timeZone: "Asia/Tokyo" }));
    const minute = await toNextMinute();
    await eventually("a job", async () => (await jobsOf()).length === 1);
    const stamp = (await jobsOf())[0]!.metadata.annotations?.["batch.kubernetes.io/cronjob-scheduled-timestamp"] ?? "";
    assert.match(stamp, /\+09:00$/);
    assert.equal(Date.parse(stamp), minute);
  });

  it("creates nothing while suspended", async () => {
    await client.create(cronJobsRes, cronJob("paused", { suspend: true }));
    await toNextMinute();
    await toNextMinute();
    await clock.advance(50);
    assert.equal((await jobsOf()).length, 0);
  });
});
