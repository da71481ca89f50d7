// Completion indexes of Indexed jobs: the "1,3-5,7" interval strings of
// status.completedIndexes / failedIndexes (pkg/controller/job/indexed_job_utils.go).

/** Parses "1,3-5" into sorted, distinct indexes below `completions`; malformed parts are skipped, as upstream. */
export function parseIndexes(text: string | undefined, completions: number): number[] {
  const out = new Set<number>();
  for (const part of (text ?? "").split(",")) {
    if (part === "") continue;
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) continue;
    const lo = Number(m[1]);
    const hi = Math.min(m[2] === undefined ? lo : Number(m[2]), completions - 1);
    for (let i = lo; i <= hi; i++) out.add(i);
  }
  return [...out].sort((a, b) => a - b);
}

/** Formats sorted indexes as intervals: [0,1,2,4] → "0-2,4". */
export function formatIndexes(indexes: Iterable<number>): string {
  const sorted = [...new Set(indexes)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(",");
}

/** The lowest `count` indexes in [0, completions) that are neither done nor running (firstPendingIndexes). */
export function firstPendingIndexes(options: { completions: number; count: number; exclude: Set<number> }): number[] {
  const out: number[] = [];
  for (let i = 0; i < options.completions && out.length < options.count; i++) {
    if (!options.exclude.has(i)) out.push(i);
  }
  return out;
}
