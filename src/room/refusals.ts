/**
 * @module
 * The (session, name) pairs the host refused from the waiting room, until when, in SQLite: a
 * refusal is the host's act, so it may write, and it must outlast a hibernation. A refused pair's
 * knock is answered `knock_refused` until then. Reads write nothing (a knock is only a read here).
 */
import type { LazySchema, Tables } from "./lazy-tables";

export class Refusals {
  private readonly tables: Tables;

  constructor(
    private readonly storage: DurableObjectStorage,
    schema: LazySchema,
  ) {
    this.tables = schema.tables("knock_refusals", (sql) =>
      sql.exec(
        "CREATE TABLE IF NOT EXISTS knock_refusals (session TEXT NOT NULL, name_key TEXT NOT NULL, until INTEGER NOT NULL, PRIMARY KEY (session, name_key)) WITHOUT ROWID",
      ),
    );
  }

  refuse(session: string, nameKey: string, now: number, until: number): void {
    this.tables.make();
    // Ended ones go here, on a write, never on a knock's read.
    this.storage.sql.exec("DELETE FROM knock_refusals WHERE until <= ?", now);
    this.storage.sql.exec(
      "INSERT OR REPLACE INTO knock_refusals (session, name_key, until) VALUES (?, ?, ?)",
      session,
      nameKey,
      until,
    );
  }

  isRefused(session: string, nameKey: string, now: number): boolean {
    if (!this.tables.exist) return false;
    const rows = this.storage.sql.exec(
      "SELECT 1 FROM knock_refusals WHERE session = ? AND name_key = ? AND until > ?",
      session,
      nameKey,
      now,
    );
    return rows.toArray().length > 0;
  }
}
