/**
 * SQLite layout for SqliteStore (after kine's log table):
 *
 * - `log`: one row per revision, the history. A delete is a tombstone row (`deleted = 1`)
 *   carrying the key's last value. `prev_revision` points at the row this write replaced
 *   (NULL for a create), so watch replay can hand out `prev`.
 * - `current`: key → revision of its live row, for fast latest reads; deleted keys leave.
 * - `meta`: named integers; `compact_revision` is the last compaction.
 *
 * Compaction deletes log rows at or before the compacted revision that a later row at or
 * before it supersedes, and tombstones at or before it; the newest row of every key as of
 * the compacted revision stays, so reads at that revision still work.
 *
 * The connection runs in WAL mode with `synchronous = FULL` (each commit is fsynced
 * before it returns) and `locking_mode = EXCLUSIVE` (a second process cannot open the
 * same file and fork the revision counter).
 */
import Database from "better-sqlite3";
import { StoreError } from "../../machinery/index.js";

export const SCHEMA_VERSION = 1;

const CREATE_TABLES = `
CREATE TABLE IF NOT EXISTS log (
  revision INTEGER PRIMARY KEY,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  create_revision INTEGER NOT NULL,
  prev_revision INTEGER,
  deleted INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS log_key_revision ON log (key, revision);
CREATE TABLE IF NOT EXISTS current (
  key TEXT PRIMARY KEY,
  revision INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS meta (
  name TEXT PRIMARY KEY,
  value INTEGER NOT NULL
) WITHOUT ROWID;
`;

export interface OpenOptions {
  path: string;
  /** How long to wait for another process's lock on the file before failing. */
  busyTimeoutMs: number;
}

/** Open (creating if needed) a store database and take its exclusive lock. */
export function openDatabase(options: OpenOptions): Database.Database {
  let db: Database.Database;
  try {
    db = new Database(options.path, { timeout: options.busyTimeoutMs });
  } catch (err) {
    throw new StoreError("unavailable", `cannot open store database ${options.path}`, { cause: err });
  }
  try {
    // Exclusive before the first WAL access: no shared-memory index, one process only.
    db.pragma("locking_mode = EXCLUSIVE");
    const mode = db.pragma("journal_mode = WAL", { simple: true });
    if (mode !== "wal") throw new Error(`journal_mode is ${String(mode)}, not wal`);
    db.pragma("synchronous = FULL");
    db.pragma("foreign_keys = OFF");
    db.pragma("cache_size = -65536"); // 64 MiB of page cache
    migrate(db);
    return db;
  } catch (err) {
    db.close();
    if (err instanceof StoreError) throw err;
    throw new StoreError("unavailable", `cannot open store database ${options.path}: ${(err as Error).message}`, { cause: err });
  }
}

function migrate(db: Database.Database): void {
  // BEGIN IMMEDIATE takes the write lock now, so a second opener fails here, not later.
  db.prepare("BEGIN IMMEDIATE").run();
  try {
    const version = db.pragma("user_version", { simple: true });
    if (version !== 0 && version !== SCHEMA_VERSION) {
      throw new StoreError("unavailable", `store database has schema version ${String(version)}, this build reads ${SCHEMA_VERSION}`);
    }
    db.exec(CREATE_TABLES);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
    db.prepare("COMMIT").run();
  } catch (err) {
    db.prepare("ROLLBACK").run();
    throw err;
  }
}
