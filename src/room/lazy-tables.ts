/**
 * @module
 * A room's SQLite tables, made at its first write rather than when it wakes: a room that is only
 * read (a snapshot, a refused join) or that nobody ever used keeps no storage at all, and one
 * that expired stays empty until someone uses it again. Each part of the room (its state, its
 * history, its pollers) declares its tables here; the first write of any part makes every
 * part's, in one transaction, so a used room has its whole schema. Reads ask `exist` first and
 * see an empty room when their tables are not there.
 */

/** One part's tables, as that part sees them. */
export interface Tables {
  /** Whether this part's tables are there: if not, every read of it finds nothing. */
  readonly exist: boolean;
  /** Before a write: makes the room's missing tables (every part's); a no-op once they are there. */
  make(): void;
}

interface Part {
  exist: boolean;
  create: (sql: SqlStorage) => void;
}

export class LazySchema {
  private readonly parts: Part[] = [];

  constructor(private readonly storage: DurableObjectStorage) {}

  /** Declares a part's tables: `probe` is one of those `create` makes (a read, never a write). */
  tables(probe: string, create: (sql: SqlStorage) => void): Tables {
    const found = this.storage.sql
      .exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", probe)
      .toArray().length;
    const part: Part = { exist: found > 0, create };
    this.parts.push(part);
    return {
      get exist() {
        return part.exist;
      },
      make: () => this.make(),
    };
  }

  private make(): void {
    const missing = this.parts.filter((p) => !p.exist);
    if (missing.length === 0) return;
    this.storage.transactionSync(() => {
      for (const p of missing) p.create(this.storage.sql);
    });
    for (const p of missing) p.exist = true;
  }
}
