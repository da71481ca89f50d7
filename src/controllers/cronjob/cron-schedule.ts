// Cron schedules as robfig/cron v3's ParseStandard reads them (the library upstream's
// CronJob controller uses): five fields or a descriptor, and SpecSchedule.Next.
import { cronScheduleErrors } from "../../api/index.js";
import { instantOf, isValidTimeZone, wallAt, type Wall } from "./_zone.js";

/** A parsed schedule: the next activation strictly after an instant, in ms since the epoch. */
export interface CronSchedule {
  /** The first activation after `afterMs`, or undefined if none within five years. */
  next(afterMs: number): number | undefined;
}

interface Field {
  values: Set<number>;
  /** The field was "*" or "?" (or a step of 1 over it): matters for the day-of-month/day-of-week rule. */
  star: boolean;
}

const bounds: { min: number; max: number; names?: Record<string, number> }[] = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  { min: 1, max: 12, names: { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 } },
  { min: 0, max: 6, names: { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 } },
];

const descriptors: Record<string, string> = {
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
  "@monthly": "0 0 1 * *",
  "@weekly": "0 0 * * 0",
  "@daily": "0 0 * * *",
  "@midnight": "0 0 * * *",
  "@hourly": "0 * * * *",
};

function parseField(expr: string, b: (typeof bounds)[number]): Field {
  const values = new Set<number>();
  let star = false;
  const value = (s: string): number => b.names?.[s.toLowerCase()] ?? Number(s);
  for (const part of expr.split(",")) {
    const [range = "", stepText] = part.split("/");
    const lowHigh = range.split("-");
    let start: number;
    let end: number;
    let extraStar = false;
    if (lowHigh[0] === "*" || lowHigh[0] === "?") {
      start = b.min;
      end = b.max;
      extraStar = true;
    } else {
      start = value(lowHigh[0]!);
      end = lowHigh.length === 2 ? value(lowHigh[1]!) : start;
    }
    let step = 1;
    if (stepText !== undefined) {
      step = Number(stepText);
      // "N/step" means "N-max/step".
      if (lowHigh.length === 1) end = b.max;
      if (step > 1) extraStar = false;
    }
    for (let v = start; v <= end; v += step) values.add(v);
    star ||= extraStar;
  }
  return { values, star };
}

/** robfig's Every: at least a second, rounded down to whole seconds. */
function parseEvery(text: string): number {
  const units: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  let ms = 0;
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) ms += Number(m[1]) * units[m[2]!]!;
  return Math.max(1000, Math.floor(ms / 1000) * 1000);
}

/**
 * Parses a CronJob schedule. `timeZone` is an IANA name (spec.timeZone); without it the
 * schedule runs in this process's zone, as upstream's controller runs in time.Local.
 * TZ= and CRON_TZ= prefixes are refused, as the API refuses them.
 *
 *   parseCronSchedule("*\/15 9-17 * * MON-FRI", { timeZone: "Europe/Paris" }).next(Date.now())
 */
export function parseCronSchedule(schedule: string, options: { timeZone: string }): CronSchedule {
  const spec = schedule.trim();
  if (spec.startsWith("TZ=") || spec.startsWith("CRON_TZ=")) throw new Error("cannot use TZ or CRON_TZ in schedule, use timeZone field instead");
  const zone = options.timeZone;
  if (!isValidTimeZone(zone) && zone !== "UTC") throw new Error(`unknown time zone ${zone}`);
  const errors = cronScheduleErrors(spec);
  if (errors.length > 0) throw new Error(errors[0]);
  if (spec.startsWith("@every ")) {
    const delay = parseEvery(spec.slice("@every ".length));
    return { next: (after) => Math.floor(after / 1000) * 1000 + delay };
  }
  const fields = (descriptors[spec] ?? spec).split(/\s+/).filter((f) => f !== "");
  const [minute, hour, dom, month, dow] = fields.map((f, i) => parseField(f, bounds[i]!)) as [Field, Field, Field, Field, Field];
  const dayMatches = (w: Wall): boolean => {
    const domMatch = dom.values.has(w.day);
    const dowMatch = dow.values.has(w.weekday);
    return dom.star || dow.star ? domMatch && dowMatch : domMatch || dowMatch;
  };
  return { next: (after) => nextActivation(after, zone, { minute, hour, month, dayMatches }) };
}

/** SpecSchedule.Next, step for step (including its DST handling). */
function nextActivation(afterMs: number, zone: string, s: { minute: Field; hour: Field; month: Field; dayMatches: (w: Wall) => boolean }): number | undefined {
  const date = (w: Wall, patch: Partial<Wall>): number => {
    const v = { ...w, ...patch };
    return instantOf(zone, v.year, v.month, v.day, v.hour, v.minute, v.second);
  };
  // The upcoming whole second.
  let t = Math.floor(afterMs / 1000) * 1000 + 1000;
  let added = false;
  const yearLimit = wallAt(t, zone).year + 5;
  wrap: for (;;) {
    let w = wallAt(t, zone);
    if (w.year > yearLimit) return undefined;
    while (!s.month.values.has(w.month)) {
      if (!added) {
        added = true;
        t = date(w, { day: 1, hour: 0, minute: 0, second: 0 });
        w = wallAt(t, zone);
      }
      t = date(w, { month: w.month + 1 });
      w = wallAt(t, zone);
      if (w.month === 1) continue wrap;
    }
    while (!s.dayMatches(w)) {
      if (!added) {
        added = true;
        t = date(w, { hour: 0, minute: 0, second: 0 });
        w = wallAt(t, zone);
      }
      t = date(w, { day: w.day + 1 });
      w = wallAt(t, zone);
      // Midnight may not exist (DST): go back to it or forward to the next one.
      if (w.hour !== 0) {
        t += (w.hour > 12 ? 24 - w.hour : -w.hour) * 3_600_000;
        w = wallAt(t, zone);
      }
      if (w.day === 1) continue wrap;
    }
    while (!s.hour.values.has(w.hour)) {
      if (!added) {
        added = true;
        t = date(w, { minute: 0, second: 0 });
      }
      t += 3_600_000;
      w = wallAt(t, zone);
      if (w.hour === 0) continue wrap;
    }
    while (!s.minute.values.has(w.minute)) {
      if (!added) {
        added = true;
        t = Math.floor(t / 60_000) * 60_000;
      }
      t += 60_000;
      w = wallAt(t, zone);
      if (w.minute === 0) continue wrap;
    }
    while (w.second !== 0) {
      if (!added) added = true;
      t += 1000;
      w = wallAt(t, zone);
      if (w.second === 0) continue wrap;
    }
    return t;
  }
}
