/**
 * @module
 * What a room keeps besides its messages, in SQLite: its `epoch` (random per life of its
 * storage), the hash of its host key, the host's settings (slow mode, lock), the pinned message, the names and
 * sessions the host removed (until when, by removal, with the names as shown), the (session, name) pairs it has admitted, and when anything last
 * happened (for expiry). All reads are synchronous; nothing here lives only in memory. The tables
 * (and the epoch) are made at the first write: until then every read sees a room never used.
 */
import { type ChatMessage, LIMITS, type Removal, type RoomSettings, randomId } from "../protocol";
import type { LazySchema, Tables } from "./lazy-tables";

type Key = "epoch" | "host_hash" | "slow_seconds" | "locked" | "active_at" | "pinned";

/**
 * One row per name (`name:<key>`) or session (`session:<s>`) kept out; the rows of one removal
 * share its `removal` id (Let back in lifts them together), and a name's row keeps the name as it
 * was shown (`shown`), for the host's list.
 */
const REMOVALS =
  "CREATE TABLE IF NOT EXISTS removals (who TEXT PRIMARY KEY, until INTEGER NOT NULL, removal TEXT, shown TEXT)";

const ADMISSIONS =
  "CREATE TABLE IF NOT EXISTS admissions (session TEXT NOT NULL, name_key TEXT NOT NULL, PRIMARY KEY (session, name_key)) WITHOUT ROWID";

export class RoomState {
  private readonly tables: Tables;

  constructor(
    private readonly storage: DurableObjectStorage,
    schema: LazySchema,
  ) {
    // The epoch is born with the tables: one per life of the room's storage.
    this.tables = schema.tables("room", (sql) => {
      sql.exec("CREATE TABLE IF NOT EXISTS room (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
      sql.exec(REMOVALS);
      sql.exec(ADMISSIONS);
      sql.exec("INSERT OR IGNORE INTO room (key, value) VALUES ('epoch', ?)", randomId());
    });
    if (!this.tables.exist) return;
    // A room from an older deploy kept sessions alone (any name passed the lock): that table goes.
    this.sql.exec("DROP TABLE IF EXISTS admitted");
    this.sql.exec(ADMISSIONS);
    // A room from before Let back in kept `who` and `until` alone: each old row becomes a removal
    // of its own, not listed (no name as shown), lifted by name or lapsing as before.
    const columns = this.sql.exec<{ name: string }>("PRAGMA table_info(removals)").toArray();
    if (!columns.some((c) => c.name === "removal")) {
      this.sql.exec("ALTER TABLE removals ADD COLUMN removal TEXT");
      this.sql.exec("ALTER TABLE removals ADD COLUMN shown TEXT");
      this.sql.exec("UPDATE removals SET removal = who");
    }
  }

  private get sql(): SqlStorage {
    return this.storage.sql;
  }

  private get(key: Key): string | null {
    if (!this.tables.exist) return null;
    return this.sql.exec<{ value: string }>("SELECT value FROM room WHERE key = ?", key).toArray()[0]?.value ?? null;
  }

  private set(key: Key, value: string | null): void {
    this.tables.make();
    if (value === null) this.sql.exec("DELETE FROM room WHERE key = ?", key);
    else this.sql.exec("INSERT OR REPLACE INTO room (key, value) VALUES (?, ?)", key, value);
  }

  /**
   * Random per life of the room's storage: a resume from another life starts over. Asked for
   * only in a welcome, that is once the room is used: asking starts the life if nothing had.
   */
  get epoch(): string {
    this.tables.make();
    return this.get("epoch")!;
  }

  // --- host -----------------------------------------------------------------------------------

  get hostHash(): string | null {
    return this.get("host_hash");
  }

  set hostHash(hash: string | null) {
    this.set("host_hash", hash);
  }

  get settings(): RoomSettings {
    return { slowSeconds: Number(this.get("slow_seconds") ?? 0), locked: this.get("locked") === "1" };
  }

  set settings(s: RoomSettings) {
    this.set("slow_seconds", String(s.slowSeconds));
    this.set("locked", s.locked ? "1" : "0");
  }

  /**
   * The pinned message, whole (JSON): a copy, so it stays shown when the history trims it; a
   * delete or a clear unpins it (moderation.ts).
   */
  get pinned(): ChatMessage | null {
    const v = this.get("pinned");
    return v === null ? null : (JSON.parse(v) as ChatMessage);
  }

  set pinned(message: ChatMessage | null) {
    this.set("pinned", message === null ? null : JSON.stringify(message));
  }

  // --- removals and admissions ----------------------------------------------------------------

  /**
   * One removal: refuses each row's `who` (`name:<key>` with the name as shown, or `session:<s>`)
   * until `until` (epoch ms), under one removal id.
   */
  remove(rows: { who: string; shown?: string }[], until: number, now: number): void {
    this.tables.make();
    // The ended removals go here, not in `isRemoved`: a join's check is a read, and writes nothing.
    this.sql.exec("DELETE FROM removals WHERE until <= ?", now);
    const removal = randomId();
    for (const r of rows) {
      this.sql.exec(
        "INSERT OR REPLACE INTO removals (who, until, removal, shown) VALUES (?, ?, ?, ?)",
        r.who,
        until,
        removal,
        r.shown ?? null,
      );
    }
  }

  /**
   * Let back in: lifts at once every removal that keeps `name:<key>` out, with all its rows (the
   * sessions removed with it and their other names). False when none holds at `now`.
   */
  letBackIn(key: string, now: number): boolean {
    if (!this.tables.exist) return false;
    const ids = this.sql
      .exec<{ removal: string }>("SELECT removal FROM removals WHERE who = ? AND until > ?", `name:${key}`, now)
      .toArray();
    for (const { removal } of ids) this.sql.exec("DELETE FROM removals WHERE removal = ?", removal);
    return ids.length > 0;
  }

  /** Who is removed at `now`, as shown, newest first, at most `LIMITS.removalsListed` (the host's list). */
  removals(now: number): Removal[] {
    if (!this.tables.exist) return [];
    return this.sql
      .exec<{ name: string; until: number }>(
        "SELECT shown AS name, until FROM removals WHERE shown IS NOT NULL AND until > ? ORDER BY until DESC, rowid DESC LIMIT ?",
        now,
        LIMITS.removalsListed,
      )
      .toArray()
      .map((r) => ({ name: r.name, until: r.until }));
  }

  /** Whether any of `who` is removed at `now`. */
  isRemoved(who: string[], now: number): boolean {
    if (!this.tables.exist) return false;
    return who.some(
      (w) => this.sql.exec("SELECT 1 FROM removals WHERE who = ? AND until > ?", w, now).toArray().length > 0,
    );
  }

  /** A (session, name) pair the room let in during this life: that pair, and only it, passes the lock. */
  admit(session: string, nameKey: string): void {
    this.tables.make();
    this.sql.exec("INSERT OR IGNORE INTO admissions (session, name_key) VALUES (?, ?)", session, nameKey);
  }

  wasAdmitted(session: string, nameKey: string): boolean {
    if (!this.tables.exist) return false;
    const rows = this.sql.exec("SELECT 1 FROM admissions WHERE session = ? AND name_key = ?", session, nameKey);
    return rows.toArray().length > 0;
  }

  // --- activity -------------------------------------------------------------------------------

  /** When a member, a message or a claim last showed the room is in use. */
  get activeAt(): number | null {
    const v = this.get("active_at");
    return v === null ? null : Number(v);
  }

  touch(now: number): void {
    this.set("active_at", String(now));
  }
}
