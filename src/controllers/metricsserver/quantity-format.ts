// Quantities as metrics-server writes them (resource.Quantity's canonical String()):
// CPU from nano-cores in DecimalSI ("250m", "1", "123456n"), memory bytes in BinarySI
// ("100Mi", "1536Ki", "1000").

/** Nano-cores → the canonical decimal form with the largest exact suffix. */
export function formatCpuNanoCores(nanoCores: number): string {
  let v = BigInt(Math.max(0, Math.round(nanoCores)));
  if (v === 0n) return "0";
  const suffixes = ["n", "u", "m", ""];
  let i = 0;
  while (i < suffixes.length - 1 && v % 1000n === 0n) {
    v /= 1000n;
    i++;
  }
  return `${v}${suffixes[i]}`;
}

/** Bytes → the canonical binary form with the largest exact suffix. */
export function formatBytes(bytes: number): string {
  let v = BigInt(Math.max(0, Math.round(bytes)));
  if (v === 0n) return "0";
  const suffixes = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"];
  let i = 0;
  while (i < suffixes.length - 1 && v % 1024n === 0n) {
    v /= 1024n;
    i++;
  }
  return `${v}${suffixes[i]}`;
}

/** A window in ms as Go's time.Duration prints it ("15.012s", "1m0.5s", "0s"). */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms));
  if (total === 0) return "0s";
  if (total < 1000) return `${total}ms`;
  const h = Math.floor(total / 3_600_000);
  const m = Math.floor((total % 3_600_000) / 60_000);
  const s = (total % 60_000) / 1000;
  const sec = `${Number(s.toFixed(3))}s`;
  if (h > 0) return `${h}h${m}m${sec}`;
  if (m > 0) return `${m}m${sec}`;
  return sec;
}
