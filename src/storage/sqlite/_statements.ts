/** Prepared statements for SqliteStore, with their row shapes. See schema.ts for the layout. */
import type Database from "better-sqlite3";
import type { KeyValue, StoreEvent } from "../store.js";

/** Upper bound of a key range; a BLOB sorts after every TEXT, so it bounds the empty prefix. */
export type KeyBound = string | Buffer;
export const NO_UPPER_BOUND: KeyBound = Buffer.from([0xff]);

export interface KvRow {
  key: string;
  revision: number;
  create_revision: number;
  value: string;
}

interface VersionRow extends KvRow {
  deleted: number;
}

interface EventRow extends VersionRow {
  prev_revision: number | null;
  prev_create_revision: number | null;
  prev_value: string | null;
}

export function prepareStatements(db: Database.Database) {
  return {
    latest: db.prepare<[string], KvRow>(
      `SELECT c.key, l.revision, l.create_revision, l.value FROM current c JOIN log l ON l.revision = c.revision WHERE c.key = ?`,
    ),
    atRevision: db.prepare<[string, number], VersionRow>(
      `SELECT key, revision, create_revision, value, deleted FROM log WHERE key = ? AND revision <= ? ORDER BY revision DESC LIMIT 1`,
    ),
    insertLog: db.prepare<[number, string, string, number, number | null, number], void>(
      `INSERT INTO log (revision, key, value, create_revision, prev_revision, deleted) VALUES (?, ?, ?, ?, ?, ?)`,
    ),
    upsertCurrent: db.prepare<[string, number], void>(
      `INSERT INTO current (key, revision) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET revision = excluded.revision`,
    ),
    deleteCurrent: db.prepare<[string], void>(`DELETE FROM current WHERE key = ?`),
    /** (start, end, limit) — limit -1 means none. */
    rangeLatest: db.prepare<[string, KeyBound, number], KvRow>(
      `SELECT c.key, l.revision, l.create_revision, l.value FROM current c JOIN log l ON l.revision = c.revision
       WHERE c.key >= ? AND c.key < ? ORDER BY c.key LIMIT ?`,
    ),
    /**
     * (start, end, revision, limit): the newest row of each key at or before revision, if not a
     * tombstone. Walks the key index in order, so LIMIT stops early (paged lists at a snapshot).
     */
    rangeAt: db.prepare<[string, KeyBound, number, number], KvRow>(
      `SELECT l.key, l.revision, l.create_revision, l.value FROM log l INDEXED BY log_key_revision
       WHERE l.key >= ? AND l.key < ? AND l.deleted = 0
         AND l.revision = (SELECT MAX(x.revision) FROM log x WHERE x.key = l.key AND x.revision <= ?)
       ORDER BY l.key LIMIT ?`,
    ),
    count: db.prepare<[string, KeyBound], { n: number }>(`SELECT COUNT(*) AS n FROM current WHERE key >= ? AND key < ?`),
    /**
     * (after, start, end, limit). The unary `+` keeps SQLite off the key index: walking the
     * log in revision order lets LIMIT stop early, where the key index would sort every row.
     */
    eventsAfter: db.prepare<[number, string, KeyBound, number], EventRow>(
      `SELECT l.key, l.revision, l.create_revision, l.value, l.deleted,
              p.revision AS prev_revision, p.create_revision AS prev_create_revision, p.value AS prev_value
       FROM log l LEFT JOIN log p ON p.revision = l.prev_revision
       WHERE l.revision > ? AND +l.key >= ? AND +l.key < ? ORDER BY l.revision LIMIT ?`,
    ),
    maxRevision: db.prepare<[], { r: number | null }>(`SELECT MAX(revision) AS r FROM log`),
    minRevision: db.prepare<[], { r: number | null }>(`SELECT MIN(revision) AS r FROM log`),
    /** (lo, hi, compactRevision): compact the rows with revision in (lo, hi]. */
    compactChunk: db.prepare<[number, number, number], void>(
      `DELETE FROM log WHERE revision > ? AND revision <= ? AND (
         deleted = 1 OR EXISTS (SELECT 1 FROM log n WHERE n.key = log.key AND n.revision > log.revision AND n.revision <= ?))`,
    ),
    getMeta: db.prepare<[string], { value: number }>(`SELECT value FROM meta WHERE name = ?`),
    setMeta: db.prepare<[string, number], void>(
      `INSERT INTO meta (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value`,
    ),
  };
}

export type Statements = ReturnType<typeof prepareStatements>;

export function toKeyValue(row: KvRow): KeyValue {
  return { key: row.key, value: row.value, createRevision: row.create_revision, modRevision: row.revision };
}

export function versionToKeyValue(row: VersionRow | undefined): KeyValue | undefined {
  return row && row.deleted === 0 ? toKeyValue(row) : undefined;
}

export function toEvent(row: EventRow): StoreEvent {
  const kv = toKeyValue(row);
  const event: StoreEvent = { type: row.deleted ? "delete" : "put", kv };
  if (row.prev_revision !== null && row.prev_value !== null && row.prev_create_revision !== null) {
    event.prev = { key: row.key, value: row.prev_value, createRevision: row.prev_create_revision, modRevision: row.prev_revision };
  }
  return event;
}
