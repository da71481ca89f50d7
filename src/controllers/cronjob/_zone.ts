// Wall-clock time in an IANA zone through Intl, with Go's time.Date rules for times that
// do not exist (a DST gap) or exist twice (a DST overlap).

export interface Wall {
  year: number;
  /** 1–12. */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** 0 = Sunday. */
  weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", { timeZone: zone, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", second: "numeric" });
    formatters.set(zone, f);
  }
  return f;
}

/** True when Intl knows the zone (time.LoadLocation would succeed). */
export function isValidTimeZone(zone: string): boolean {
  if (zone === "" || zone.toLowerCase() === "local") return false;
  try {
    formatter(zone);
    return true;
  } catch {
    return false;
  }
}

/** The zone of this process (Go's time.Local), "UTC" when unknown. */
export function localTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}

/** The wall clock in `zone` at instant `ms` (whole seconds). */
export function wallAt(ms: number, zone: string): Wall {
  if (zone === "UTC" || zone === "Etc/UTC") {
    const d = new Date(ms);
    return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds(), weekday: d.getUTCDay() };
  }
  const parts: Record<string, number> = {};
  for (const p of formatter(zone).formatToParts(new Date(ms))) if (p.type !== "literal") parts[p.type] = Number(p.value);
  const year = parts.year!;
  const month = parts.month!;
  const day = parts.day!;
  return { year, month, day, hour: parts.hour!, minute: parts.minute!, second: parts.second!, weekday: new Date(Date.UTC(year, month - 1, day)).getUTCDay() };
}

/** Zone offset (wall − UTC) in ms at instant `ms`. */
export function offsetAt(ms: number, zone: string): number {
  const w = wallAt(ms, zone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/**
 * time.Date(y, mo, d, h, mi, s, 0, zone): out-of-range fields normalize (month 13 is next
 * January); a wall time in a DST gap or overlap resolves as Go resolves it.
 */
export function instantOf(zone: string, year: number, month: number, day: number, hour: number, minute: number, second: number): number {
  const local = Date.UTC(year, month - 1, day, hour, minute, second);
  const guess = offsetAt(local, zone);
  return local - offsetAt(local - guess, zone);
}
