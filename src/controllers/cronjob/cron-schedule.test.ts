import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseCronSchedule } from "./cron-schedule.js";
import { mostRecentScheduleTime } from "./schedule-times.js";
import type { CronJob } from "../../api/index.js";

const utc = (s: string): number => Date.parse(s);
const iso = (ms: number | undefined): string | undefined => (ms === undefined ? undefined : new Date(ms).toISOString());

function nexts(schedule: string, from: string, count: number, timeZone = "UTC"): string[] {
  const s = parseCronSchedule(schedule, { timeZone });
  const out: string[] = [];
  let t = utc(from);
  for (let i = 0; i < count; i++) {
    const n = s.next(t);
    if (n === undefined) break;
    out.push(new Date(n).toISOString());
    t = n;
  }
  return out;
}

describe("cron schedule", () => {
  const table: [string, string, string, string[]][] = [
    ["every minute", "* * * * *", "2026-01-01T10:00:30Z", ["2026-01-01T10:01:00.000Z", "2026-01-01T10:02:00.000Z"]],
    ["*/1 is every minute", "*/1 * * * *", "2026-01-01T10:00:00Z", ["2026-01-01T10:01:00.000Z"]],
    ["steps over a range", "10-30/10 * * * *", "2026-01-01T10:25:00Z", ["2026-01-01T10:30:00.000Z", "2026-01-01T11:10:00.000Z", "2026-01-01T11:20:00.000Z"]],
    ["N/step means N-max/step", "50/5 * * * *", "2026-01-01T10:00:00Z", ["2026-01-01T10:50:00.000Z", "2026-01-01T10:55:00.000Z", "2026-01-01T11:50:00.000Z"]],
    ["lists", "0 8,12,18 * * *", "2026-01-01T12:00:00Z", ["2026-01-01T18:00:00.000Z", "2026-01-02T08:00:00.000Z"]],
    ["month and weekday names", "0 9 * JAN MON-FRI", "2026-01-30T10:00:00Z", ["2027-01-01T09:00:00.000Z", "2027-01-04T09:00:00.000Z"]],
    ["day 31 skips short months", "0 0 31 * *", "2026-01-31T00:00:00Z", ["2026-03-31T00:00:00.000Z", "2026-05-31T00:00:00.000Z"]],
    ["Feb 29 waits for a leap year", "0 0 29 2 *", "2026-01-01T00:00:00Z", ["2028-02-29T00:00:00.000Z"]],
    ["day-of-month OR day-of-week when both are restricted", "0 0 13 * FRI", "2026-02-01T00:00:00Z", ["2026-02-06T00:00:00.000Z", "2026-02-13T00:00:00.000Z", "2026-02-20T00:00:00.000Z"]],
    ["day-of-month AND * day-of-week", "0 0 13 * *", "2026-02-01T00:00:00Z", ["2026-02-13T00:00:00.000Z", "2026-03-13T00:00:00.000Z"]],
    ["a stepped day-of-week is not a star (OR rule)", "0 0 1 * */2", "2026-02-01T00:00:00Z", ["2026-02-03T00:00:00.000Z", "2026-02-05T00:00:00.000Z"]],
    ["@hourly", "@hourly", "2026-01-01T10:59:59Z", ["2026-01-01T11:00:00.000Z", "2026-01-01T12:00:00.000Z"]],
    ["@daily / @midnight", "@midnight", "2026-01-01T10:00:00Z", ["2026-01-02T00:00:00.000Z"]],
    ["@weekly is Sunday midnight", "@weekly", "2026-01-01T00:00:00Z", ["2026-01-04T00:00:00.000Z", "2026-01-11T00:00:00.000Z"]],
    ["@monthly", "@monthly", "2026-01-15T00:00:00Z", ["2026-02-01T00:00:00.000Z"]],
    ["@yearly / @annually", "@annually", "2026-01-01T00:00:00Z", ["2027-01-01T00:00:00.000Z"]],
    ["@every", "@every 90s", "2026-01-01T00:00:00.500Z", ["2026-01-01T00:01:30.000Z", "2026-01-01T00:03:00.000Z"]],
    ["never: Feb 31", "0 0 31 2 *", "2026-01-01T00:00:00Z", []],
  ];
  for (const [name, schedule, from, want] of table) {
    it(name, () => assert.deepEqual(nexts(schedule, from, want.length || 1), want));
  }

  it("skips a wall time that DST removes (spring forward) and, as robfig/cron, runs twice in the hour DST repeats", () => {
    // America/New_York: 2026-03-08 02:00 EST → 03:00 EDT; 2026-11-01 02:00 EDT → 01:00 EST.
    assert.deepEqual(nexts("30 2 * * *", "2026-03-06T12:00:00Z", 2, "America/New_York"), ["2026-03-07T07:30:00.000Z", "2026-03-09T06:30:00.000Z"]);
    assert.deepEqual(nexts("30 1 * * *", "2026-10-31T12:00:00Z", 3, "America/New_York"), ["2026-11-01T05:30:00.000Z", "2026-11-01T06:30:00.000Z", "2026-11-02T06:30:00.000Z"]);
    assert.deepEqual(nexts("0 9 * * *", "2026-03-07T15:00:00Z", 2, "America/New_York"), ["2026-03-08T13:00:00.000Z", "2026-03-09T13:00:00.000Z"]);
  });

  it("runs in spec.timeZone", () => {
    assert.deepEqual(nexts("0 9 * * *", "2026-01-01T00:00:00Z", 1, "Asia/Tokyo"), ["2026-01-01T00:00:00.000Z".replace("01T", "02T")]);
    assert.deepEqual(nexts("0 9 * * *", "2026-06-01T00:00:00Z", 1, "Europe/Paris"), ["2026-06-01T07:00:00.000Z"]);
  });

  it("refuses TZ= and CRON_TZ= prefixes, bad fields and unknown zones", () => {
    assert.throws(() => parseCronSchedule("TZ=UTC * * * * *", { timeZone: "UTC" }), /use timeZone field instead/);
    assert.throws(() => parseCronSchedule("CRON_TZ=UTC * * * * *", { timeZone: "UTC" }), /use timeZone field instead/);
    assert.throws(() => parseCronSchedule("* * * *", { timeZone: "UTC" }), /expected exactly 5 fields, found 4/);
    assert.throws(() => parseCronSchedule("60 * * * *", { timeZone: "UTC" }), /above maximum/);
    assert.throws(() => parseCronSchedule("* * * * 7", { timeZone: "UTC" }), /above maximum \(6\)/);
    assert.throws(() => parseCronSchedule("@fortnightly", { timeZone: "UTC" }), /unrecognized descriptor/);
    assert.throws(() => parseCronSchedule("* * * * *", { timeZone: "Mars/Olympus" }), /unknown time zone/);
  });
});

describe("most recent schedule time", () => {
  const cj = (created: string, extra: Partial<NonNullable<CronJob["spec"]>> = {}, last?: string): CronJob => ({
    metadata: { name: "c", creationTimestamp: created },
    spec: { schedule: "* * * * *", jobTemplate: {}, ...extra },
    status: last ? { lastScheduleTime: last } : {},
  });
  const every = parseCronSchedule("*/1 * * * *", { timeZone: "UTC" });

  it("finds nothing before the first schedule, the one just passed, and the latest of several missed", () => {
    assert.equal(mostRecentScheduleTime(cj("2026-01-01T10:00:10Z"), utc("2026-01-01T10:00:50Z"), every, true).mostRecentMs, undefined);
    const one = mostRecentScheduleTime(cj("2026-01-01T10:00:10Z"), utc("2026-01-01T10:01:05Z"), every, true);
    assert.equal(iso(one.mostRecentMs), "2026-01-01T10:01:00.000Z");
    assert.equal(one.missed, "none");
    const few = mostRecentScheduleTime(cj("2026-01-01T10:00:10Z"), utc("2026-01-01T10:05:05Z"), every, true);
    assert.equal(iso(few.mostRecentMs), "2026-01-01T10:05:00.000Z");
    assert.equal(few.missed, "few");
  });

  it("calls more than 100 missed start times many, and startingDeadlineSeconds bounds the look-back", () => {
    const many = mostRecentScheduleTime(cj("2026-01-01T00:00:00Z"), utc("2026-01-01T03:00:30Z"), every, true);
    assert.equal(many.missed, "many");
    assert.equal(iso(many.mostRecentMs), "2026-01-01T03:00:00.000Z");
    const bounded = mostRecentScheduleTime(cj("2026-01-01T00:00:00Z", { startingDeadlineSeconds: 200 }), utc("2026-01-01T03:00:30Z"), every, true);
    assert.equal(bounded.missed, "few");
    assert.equal(iso(bounded.mostRecentMs), "2026-01-01T03:00:00.000Z");
  });

  it("counts from lastScheduleTime", () => {
    const r = mostRecentScheduleTime(cj("2025-01-01T00:00:00Z", {}, "2026-01-01T10:00:00Z"), utc("2026-01-01T10:00:59Z"), every, true);
    assert.equal(r.mostRecentMs, undefined);
  });
});
