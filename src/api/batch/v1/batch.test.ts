import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { fieldErrorMessage } from "../../../machinery/index.js";
import type { WriteContext } from "../../resource-type.js";
import { cronJobsResource, cronScheduleErrors, jobsResource } from "./index.js";
import type { CronJob, Job } from "./index.js";

const create: WriteContext = { operation: "create", subresource: "" };
const now = new Date("2024-01-01T01:00:00Z");

function job(): Job {
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name: "pi", namespace: "default", uid: "1234", creationTimestamp: "2024-01-01T00:00:00Z" },
    spec: { template: { spec: { containers: [{ name: "pi", image: "perl" }], restartPolicy: "Never" } } },
  };
}

/** What the API server does on create: prepareForCreate, defaults, validate. */
function admit(j: Job): string[] {
  const s = jobsResource.strategy!;
  s.prepareForCreate?.(j);
  s.defaults?.(j);
  return (s.validate?.(j, undefined, create) ?? []).map(fieldErrorMessage);
}

describe("jobs", () => {
  it("generates the selector and pod labels from the uid and name, and defaults as upstream", () => {
    const j = job();
    assert.deepEqual(admit(j), []);
    assert.deepEqual(j.spec?.selector, { matchLabels: { "batch.kubernetes.io/controller-uid": "1234" } });
    assert.deepEqual(j.spec?.template.metadata?.labels, { "job-name": "pi", "batch.kubernetes.io/job-name": "pi", "controller-uid": "1234", "batch.kubernetes.io/controller-uid": "1234" });
    assert.deepEqual(j.metadata.labels, j.spec?.template.metadata?.labels);
    const { parallelism, completions, backoffLimit, completionMode, suspend, podReplacementPolicy, manualSelector } = j.spec!;
    assert.deepEqual({ parallelism, completions, backoffLimit, completionMode, suspend, podReplacementPolicy, manualSelector }, {
      parallelism: 1, completions: 1, backoffLimit: 6, completionMode: "NonIndexed", suspend: false, podReplacementPolicy: "TerminatingOrFailed", manualSelector: undefined,
    });
  });

  it("leaves completions unset when only parallelism is given", () => {
    const j = job();
    j.spec!.parallelism = 3;
    admit(j);
    assert.equal(j.spec?.completions, undefined);
    assert.equal(jobsResource.strategy!.table!.cells(j, now)[2], "0/1 of 3");
  });

  it("refuses a template whose restartPolicy defaults to Always", () => {
    const j = job();
    delete j.spec!.template.spec!.restartPolicy;
    assert.deepEqual(admit(j), ['spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"']);
  });

  it("prints NAME STATUS COMPLETIONS DURATION AGE", () => {
    const j = job();
    admit(j);
    j.status = { succeeded: 1, startTime: "2024-01-01T00:00:00Z", completionTime: "2024-01-01T00:00:05Z", conditions: [{ type: "Complete", status: "True" }] };
    assert.deepEqual(jobsResource.strategy!.table!.columns.filter((c) => c.priority === 0).map((c) => c.name), ["Name", "Status", "Completions", "Duration", "Age"]);
    assert.deepEqual(jobsResource.strategy!.table!.cells(j, now).slice(0, 5), ["pi", "Complete", "1/1", "5s", "60m"]);
  });
});

describe("cronjobs", () => {
  function cronJob(schedule = "*/5 * * * *"): CronJob {
    return {
      metadata: { name: "hello", namespace: "default", creationTimestamp: "2024-01-01T00:00:00Z" },
      spec: { schedule, jobTemplate: { spec: { template: { spec: { containers: [{ name: "c", image: "busybox" }], restartPolicy: "OnFailure" } } } } },
    };
  }

  it("defaults concurrency, suspend and history limits and prints the table", () => {
    const cj = cronJob();
    cronJobsResource.strategy!.defaults!(cj);
    assert.deepEqual(cronJobsResource.strategy!.validate!(cj, undefined, create), []);
    const { concurrencyPolicy, suspend, successfulJobsHistoryLimit, failedJobsHistoryLimit } = cj.spec!;
    assert.deepEqual({ concurrencyPolicy, suspend, successfulJobsHistoryLimit, failedJobsHistoryLimit }, { concurrencyPolicy: "Allow", suspend: false, successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 1 });
    assert.deepEqual(cronJobsResource.strategy!.table!.cells(cj, now).slice(0, 7), ["hello", "*/5 * * * *", "<none>", false, 0, "<none>", "60m"]);
  });

  it("refuses a bad schedule, an unknown time zone and a long name", () => {
    const cj = cronJob("bad");
    cj.spec!.timeZone = "Mars/Olympus";
    cj.metadata.name = "x".repeat(53);
    cronJobsResource.strategy!.defaults!(cj);
    assert.deepEqual(cronJobsResource.strategy!.validate!(cj, undefined, create).map(fieldErrorMessage), [
      `metadata.name: Invalid value: "${"x".repeat(53)}": must be no more than 52 characters`,
      'spec.schedule: Invalid value: "bad": expected exactly 5 fields, found 1: [bad]',
      'spec.timeZone: Invalid value: "Mars/Olympus": unknown time zone Mars/Olympus',
    ]);
  });

  it("parses schedules as cron.ParseStandard does", () => {
    for (const ok of ["0 0 * * *", "@hourly", "*/15 9-17 * JAN-MAR mon-fri", "TZ=UTC 0 * * * *", "@every 1h30m"]) assert.deepEqual(cronScheduleErrors(ok), [], ok);
    assert.deepEqual(cronScheduleErrors("60 * * * *"), ["end of range (60) above maximum (59): 60"]);
    assert.deepEqual(cronScheduleErrors("@often"), ["unrecognized descriptor: @often"]);
  });
});
