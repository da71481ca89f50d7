// Reading CRI container log files for `kubectl logs` (upstream
// pkg/kubelet/kuberuntime/logs/logs.go). Each line of a file is
//   <RFC3339Nano time> <stdout|stderr> <tags> <text>
// where tags is "F" (the text ends a line) or "P" (a partial line, continued by the
// next entry). Output is the text, a newline after each "F" entry, with the time
// in front of every output line when `timestamps` is set.
import { open, type FileHandle } from "node:fs/promises";

export interface CriLogEntry {
  /** The time as written in the file (RFC 3339 with nanoseconds). */
  time: string;
  /** Milliseconds since the epoch, for `since` comparisons. */
  timeMs: number;
  stream: "stdout" | "stderr";
  /** A "P" entry: the line continues in the next entry. */
  partial: boolean;
  text: Buffer;
}

/** Parses one line of a CRI log file (without its newline); undefined when malformed. */
export function parseCriLogLine(line: Buffer): CriLogEntry | undefined {
  const s1 = line.indexOf(0x20);
  if (s1 <= 0) return undefined;
  const s2 = line.indexOf(0x20, s1 + 1);
  if (s2 < 0) return undefined;
  const stream = line.subarray(s1 + 1, s2).toString("latin1");
  if (stream !== "stdout" && stream !== "stderr") return undefined;
  const s3 = line.indexOf(0x20, s2 + 1);
  // "<time> <stream> F" with nothing after is an empty line some runtimes write without the space.
  const tags = line.subarray(s2 + 1, s3 < 0 ? line.length : s3).toString("latin1");
  const time = line.subarray(0, s1).toString("latin1");
  const timeMs = Date.parse(time);
  if (Number.isNaN(timeMs)) return undefined;
  return { time, timeMs, stream, partial: tags.split(":")[0] === "P", text: s3 < 0 ? Buffer.alloc(0) : line.subarray(s3 + 1) };
}

export interface ContainerLogOptions {
  /** Only the last N lines of the file (0: none; undefined: all). */
  tailLines?: number;
  /** Only entries at or after this time (ms since the epoch): sinceSeconds or sinceTime. */
  sinceMs?: number;
  timestamps?: boolean;
  /** Stop after this many bytes of output. */
  limitBytes?: number;
  /** Keep reading as the file grows, until the container stops or `signal` aborts. */
  follow?: boolean;
  /** Only one stream (upstream's `stream` option); default both. */
  stream?: "stdout" | "stderr";
}

export interface FollowHooks {
  /** Asked when the file has nothing new: is the container still running? */
  isRunning(): Promise<boolean>;
  signal?: AbortSignal;
  /** How long to wait for new data before looking again (default 200 ms). */
  pollMs?: number;
}

const chunkSize = 64 * 1024;

/**
 * The log of one container as output chunks. Without `follow` it ends at the end of
 * the file; with it, it waits for more until the container is no longer running (then
 * reads what is left) or the signal aborts. A missing file yields nothing.
 */
export async function* readContainerLog(path: string, options: ContainerLogOptions, hooks?: FollowHooks): AsyncGenerator<Buffer> {
  let fh: FileHandle;
  try {
    fh = await open(path, "r");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return;
    throw err;
  }
  try {
    let pos = options.tailLines === undefined ? 0 : await tailStart(fh, options.tailLines);
    let left = options.limitBytes ?? Infinity;
    let atLineStart = true;
    let pending = Buffer.alloc(0);
    const buf = Buffer.alloc(chunkSize);
    const format = (e: CriLogEntry): Buffer | undefined => {
      if (options.sinceMs !== undefined && e.timeMs < options.sinceMs) return undefined;
      if (options.stream && e.stream !== options.stream) return undefined;
      const parts: Buffer[] = [];
      if (options.timestamps && atLineStart) parts.push(Buffer.from(`${e.time} `));
      parts.push(e.text);
      if (!e.partial) parts.push(Buffer.from("\n"));
      atLineStart = !e.partial;
      return Buffer.concat(parts);
    };
    let finalPass = false;
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, chunkSize, pos);
      if (bytesRead > 0) {
        pos += bytesRead;
        const data = pending.length ? Buffer.concat([pending, buf.subarray(0, bytesRead)]) : Buffer.from(buf.subarray(0, bytesRead));
        let start = 0;
        const out: Buffer[] = [];
        for (let nl = data.indexOf(0x0a, start); nl >= 0; nl = data.indexOf(0x0a, start)) {
          const entry = parseCriLogLine(data.subarray(start, nl));
          start = nl + 1;
          const chunk = entry && format(entry);
          if (!chunk) continue;
          if (chunk.length >= left) {
            out.push(chunk.subarray(0, left));
            yield Buffer.concat(out);
            return;
          }
          left -= chunk.length;
          out.push(chunk);
        }
        pending = data.subarray(start);
        if (out.length) yield Buffer.concat(out);
        continue;
      }
      // End of the file for now.
      if (!options.follow || !hooks || finalPass || hooks.signal?.aborted) break;
      if (!(await hooks.isRunning())) {
        finalPass = true; // read what was written before it stopped, then end
        continue;
      }
      await sleep(hooks.pollMs ?? 200, hooks.signal);
    }
    // A last line without its newline (a writer cut short): shown as it is.
    if (pending.length && !options.follow) {
      const entry = parseCriLogLine(pending);
      const chunk = entry && format(entry);
      if (chunk) yield chunk.subarray(0, left);
    }
  } finally {
    await fh.close();
  }
}

/** The offset of the first of the last `n` lines of the file. */
export async function tailStart(fh: FileHandle, n: number): Promise<number> {
  const { size } = await fh.stat();
  if (n <= 0) return size;
  let end = size;
  let count = 0;
  const buf = Buffer.alloc(chunkSize);
  // A file that ends in "\n" has its last newline closing the last line, not opening one.
  let skipLast = true;
  while (end > 0) {
    const start = Math.max(0, end - chunkSize);
    const { bytesRead } = await fh.read(buf, 0, end - start, start);
    for (let i = bytesRead - 1; i >= 0; i--) {
      if (buf[i] !== 0x0a) {
        skipLast = false;
        continue;
      }
      if (skipLast && start + i === size - 1) {
        skipLast = false;
        continue;
      }
      if (++count === n) return start + i + 1;
    }
    end = start;
  }
  return 0;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}
