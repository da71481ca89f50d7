/**
 * k8ts logs to stdout; `k8ts server` and `k8ts agent` also keep a copy in a rolling file,
 * DATA_DIR/logs/k8ts-<role>.log (one timestamped line per log line; at `maxBytes` the file
 * becomes `.log.1`, replacing the older one), so that `k8ts debug bundle` finds the logs
 * of a server that ran under a service manager or in a terminal since closed. The flags a
 * process started with (tokens redacted) are written beside it, as its effective config.
 */
import { appendFileSync, mkdirSync, renameSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const defaultLogMaxBytes = 10 * 1024 * 1024;

export function logDir(dataDir: string): string {
  return join(dataDir, "logs");
}

export class RollingLog {
  readonly path: string;
  private readonly maxBytes: number;
  private size: number;
  private broken = false;

  constructor(options: { path: string; maxBytes?: number }) {
    this.path = options.path;
    this.maxBytes = options.maxBytes ?? defaultLogMaxBytes;
    mkdirSync(join(this.path, ".."), { recursive: true, mode: 0o700 });
    try {
      this.size = statSync(this.path).size;
    } catch {
      this.size = 0;
    }
  }

  /** Appends one line with an RFC 3339 timestamp; a write that fails disables the file (stdout still has the line). */
  write(line: string, now = new Date()): void {
    if (this.broken) return;
    const text = `${now.toISOString()} ${line}\n`;
    try {
      if (this.size > 0 && this.size + text.length > this.maxBytes) {
        renameSync(this.path, `${this.path}.1`);
        this.size = 0;
      }
      appendFileSync(this.path, text, { mode: 0o600 });
      this.size += Buffer.byteLength(text);
    } catch {
      this.broken = true;
    }
  }
}

/** Flags whose values are secrets: shown as <redacted> in the recorded command line. */
const secretFlags = new Set(["--token", "--datastore-keyfile-content"]);

/** The command line with secret flag values replaced (`--token X` and `--token=X`). */
export function redactArgs(args: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const eq = a.indexOf("=");
    if (eq > 0 && secretFlags.has(a.slice(0, eq))) out.push(`${a.slice(0, eq)}=<redacted>`);
    else if (secretFlags.has(a) && i + 1 < args.length) out.push(a, "<redacted>"), i++;
    else out.push(a);
  }
  return out;
}

/** Writes DATA_DIR/logs/k8ts-<role>.flags.json: the command line and the options it parsed to (secrets redacted). */
export function recordEffectiveConfig(dataDir: string, role: string, args: string[], options: object): void {
  try {
    mkdirSync(logDir(dataDir), { recursive: true, mode: 0o700 });
    const parsed = JSON.parse(JSON.stringify(options, (k, v: unknown) => (k === "token" || k === "log" ? (k === "token" ? "<redacted>" : undefined) : v))) as unknown;
    writeFileSync(join(logDir(dataDir), `k8ts-${role}.flags.json`), `${JSON.stringify({ role, args: redactArgs(args), options: parsed, startedAt: new Date().toISOString() }, null, 2)}\n`, { mode: 0o600 });
  } catch {
    // best effort: the bundle then says the config was not recorded
  }
}
