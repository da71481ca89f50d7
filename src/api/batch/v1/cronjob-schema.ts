// Schemas of io.k8s.api.batch.v1 types, after upstream's OpenAPI (staging/src/k8s.io/api types.go): field
// names, types, required fields and patch strategies as upstream; descriptions cut to their first sentence.
import { string, int32, int64, boolean, ref, object, arrayOf, time, topLevel, meta } from "../../schema.js";
import type { Definitions } from "../../schema.js";
import { listOf, withRequired } from "../../meta/v1/index.js";
import { core } from "../../_core-names.js";
import { n } from "./_names.js";

export const cronjobDefinitions: Definitions = {
  [n.CronJob]: topLevel(
    {
      spec: ref(n.CronJobSpec, "Specification of the desired behavior of a cron job, including the schedule."),
      status: ref(n.CronJobStatus, "Current status of a cron job."),
    },
    "CronJob represents the configuration of a single cron job.",
    {"group":"batch","version":"v1","kind":"CronJob"},
  ),
  [n.CronJobList]: listOf(n.CronJob, "CronJobList is a collection of cron jobs.", {"group":"batch","version":"v1","kind":"CronJobList"}),
  [n.CronJobSpec]: object(
    {
      concurrencyPolicy: string("Specifies how to treat concurrent executions of a Job."),
      failedJobsHistoryLimit: int32("The number of failed finished jobs to retain. Defaults to 1."),
      jobTemplate: ref(n.JobTemplateSpec, "Specifies the job that will be created when executing a CronJob."),
      schedule: string("The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron."),
      startingDeadlineSeconds: int64("Optional deadline in seconds for starting the job if it misses scheduled time for any reason."),
      successfulJobsHistoryLimit: int32("The number of successful finished jobs to retain. Defaults to 3."),
      suspend: boolean("This flag tells the controller to suspend subsequent executions, it does not apply to already started executions. Defaults to false."),
      timeZone: string("The time zone name for the given schedule, see https://en.wikipedia.org/wiki/List_of_tz_database_time_zones."),
    },
    { description: "CronJobSpec describes how the job execution will look like and when it will actually run.", required: ["jobTemplate","schedule"] },
  ),
  [n.CronJobStatus]: object(
    {
      active: arrayOf(ref(core.ObjectReference), "A list of pointers to currently running jobs.", {"x-kubernetes-list-type":"atomic"}),
      lastScheduleTime: time("Information when was the last time the job was successfully scheduled."),
      lastSuccessfulTime: time("Information when was the last time the job successfully completed."),
    },
    { description: "CronJobStatus represents the current state of a cron job." },
  ),
  [n.JobTemplateSpec]: object(
    {
      metadata: ref(meta.ObjectMeta, "Standard object's metadata of the jobs created from this template."),
      spec: ref(n.JobSpec, "Specification of the desired behavior of the job."),
    },
    { description: "JobTemplateSpec describes the data a Job should have when created from a template" },
  ),
};
