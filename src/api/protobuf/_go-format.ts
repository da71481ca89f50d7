// Go's text forms of the apimachinery time types, as their JSON marshalers write them.

/** Go's zero `time.Time` (0001-01-01T00:00:00Z) in Unix seconds: "no time" on the wire. */
export const goZeroTimeSeconds = -62135596800n;

/**
 * metav1.Time → RFC 3339 at second precision ("2006-01-02T15:04:05Z"); metav1.MicroTime →
 * six fractional digits ("2006-01-02T15:04:05.000000Z"). Both in UTC.
 */
export function formatGoTime(seconds: bigint, nanos: number, micro: boolean): string {
  const iso = new Date(Number(seconds) * 1000).toISOString(); // 2006-01-02T15:04:05.000Z
  const base = iso.slice(0, iso.indexOf("."));
  if (!micro) return `${base}Z`;
  const micros = Math.floor(Math.max(0, nanos) / 1000);
  return `${base}.${String(micros).padStart(6, "0")}Z`;
}

/** Go's `time.Duration.String()`: "1h2m3.5s", "1m0s", "150ms", "1.5µs", "7ns", "0s". */
export function formatGoDuration(nanoseconds: bigint): string {
  if (nanoseconds === 0n) return "0s";
  const sign = nanoseconds < 0n ? "-" : "";
  let u = nanoseconds < 0n ? -nanoseconds : nanoseconds;
  if (u < 1000n) return `${sign}${u}ns`;
  if (u < 1_000_000n) return `${sign}${fraction(u, 1000n, 3)}µs`;
  if (u < 1_000_000_000n) return `${sign}${fraction(u, 1_000_000n, 6)}ms`;
  const hours = u / 3_600_000_000_000n;
  u %= 3_600_000_000_000n;
  const minutes = u / 60_000_000_000n;
  u %= 60_000_000_000n;
  let out = `${fraction(u, 1_000_000_000n, 9)}s`;
  if (hours > 0n || minutes > 0n) out = `${minutes}m${out}`;
  if (hours > 0n) out = `${hours}h${out}`;
  return sign + out;
}

/** `value / unit` with the remainder as trimmed decimal digits. */
function fraction(value: bigint, unit: bigint, digits: number): string {
  const whole = value / unit;
  const rest = value % unit;
  if (rest === 0n) return `${whole}`;
  return `${whole}.${rest.toString().padStart(digits, "0").replace(/0+$/, "")}`;
}
