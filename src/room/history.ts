/**
 * @module
 * The room's messages in its SQLite storage. `seq` is consecutive and never reused: the last one
 * is kept in a row of its own, so it survives a clear and continues after a restart.
 *
 * New messages get their seq at once but are written in one transaction per flush, before they
 * are sent: one commit per flush instead of one per message keeps a busy room ahead.
 *
 * A host can delete a message (its text goes; a tombstone with its sender, client `id` and the
 * room's seq at the time stays, so a resend is recognised and a resume learns of it) or clear
 * the room. Trimming to `HISTORY_LIMIT` moves a watermark of its own, so a resume's `gap` means
 * "trimmed", never "deleted" or "cleared".
 *
 * A deleted message's row is kept apart (`undoable`) for `LIMITS.undoMs`, in storage so that a
 * restart within the window keeps the undo; after that it is purged (by the room's alarm, and
 * whenever the history writes). An undo puts the row back under its own seq and notes the room's
 * seq at the time (`restores`), so a resume from before the undo gets it back.
 */
import { type ChatMessage, type HistoryEntry, LIMITS, type Role, type SurveyResult } from "../protocol";
import type { LazySchema, Tables } from "./lazy-tables";
import { nameKey } from "./name-key";

interface Row extends Record<string, SqlStorageValue> {
  seq: number;
  ts: number;
  name: string;
  /** Null in rows written before messages kept their sender's role. */
  role: string | null;
  text: string;
  client_id: string | null;
  /** Null: a message; `question`: a message asked as a question; `survey`: a closed poll (`text` its question). */
  kind: string | null;
  /** A closed poll's id, options and counts, as JSON (`SurveyBody`); null otherwise. */
  body: string | null;
}

/** A closed poll's row keeps its question as `text`, and this as `body`. */
interface SurveyBody {
  id: string;
  options: string[];
  counts: number[];
}

const COLUMNS = "seq, ts, name, role, text, client_id, kind, body";
/** Every column of a `messages` row, `name_key` included, as the inserts name them. */
const ROW_COLUMNS = "seq, ts, name, name_key, role, text, client_id, kind, body";

/** What `add` queues until `save` writes it: the entry, and the sender's name key. */
type Unsaved = { entry: HistoryEntry; key: string; from: string; role: Role; text: string; id: string | null };

/**
 * Deleted rows while they can be brought back (`until`, epoch ms; `pinned`: 1 when the message
 * was pinned as it was deleted), and the messages brought back, with the room's seq at the time.
 */
const UNDO_TABLES = [
  `CREATE TABLE IF NOT EXISTS undoable (
    seq INTEGER PRIMARY KEY,
    ts INTEGER NOT NULL,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    role TEXT,
    text TEXT NOT NULL,
    client_id TEXT,
    pinned INTEGER NOT NULL,
    until INTEGER NOT NULL,
    kind TEXT,
    body TEXT
  )`,
  "CREATE TABLE IF NOT EXISTS restores (seq INTEGER PRIMARY KEY, restored_at_seq INTEGER NOT NULL)",
];
/** How the rows' `name_key` was made: 2 is `nameKey` of `name-key.ts` (confusables); before, a lower-casing. */
const NAME_KEYS = 2;

export interface Resume {
  messages: HistoryEntry[];
  /** Messages after `since` were trimmed (or did not fit): the history no longer covers it. */
  gap: boolean;
  /** The last clear's seq, when the room was cleared at or after `since`. */
  clearedThrough?: number;
  /** Seqs deleted while the room's seq was ≥ `since`. */
  deleted: number[];
  /** Entries at or below `since` brought back (undone deletes) while the room's seq was ≥ `since`. */
  restored: HistoryEntry[];
}

/** A deleted entry brought back, and whether it was the pinned one when it was deleted. */
export interface Restored {
  message: HistoryEntry;
  wasPinned: boolean;
}

/** What a message's client `id` found: the kept message, or the tombstone of a deleted one. */
export type Original = { message: ChatMessage } | { deletedSeq: number };

type Mark = "last_seq" | "trimmed_through" | "cleared_through" | "name_keys";

export class History {
  private unsaved: Unsaved[] = [];
  private lastSeq: number;

  private readonly tables: Tables;

  constructor(
    private readonly storage: DurableObjectStorage,
    schema: LazySchema,
    private readonly keep: () => number,
  ) {
    this.tables = schema.tables("messages", (sql) => {
      sql.exec(`CREATE TABLE IF NOT EXISTS messages (
        seq INTEGER PRIMARY KEY,
        ts INTEGER NOT NULL,
        name TEXT NOT NULL,
        name_key TEXT NOT NULL,
        text TEXT NOT NULL,
        client_id TEXT,
        role TEXT,
        kind TEXT,
        body TEXT
      )`);
      sql.exec("CREATE INDEX IF NOT EXISTS messages_by_id ON messages (name_key, client_id)");
      sql.exec(`CREATE TABLE IF NOT EXISTS tombstones (
        seq INTEGER PRIMARY KEY,
        name_key TEXT NOT NULL,
        client_id TEXT,
        deleted_at_seq INTEGER NOT NULL
      )`);
      sql.exec("CREATE TABLE IF NOT EXISTS history_marks (mark TEXT PRIMARY KEY, value INTEGER NOT NULL)");
      for (const table of UNDO_TABLES) sql.exec(table);
      // When each name last had a message accepted (slow mode): kept apart from the messages, so
      // a delete or a clear does not give a name its turn back.
      sql.exec("CREATE TABLE IF NOT EXISTS senders (name_key TEXT PRIMARY KEY, last_at INTEGER NOT NULL)");
      // Made today: its keys are today's, nothing to migrate.
      sql.exec("INSERT OR REPLACE INTO history_marks (mark, value) VALUES ('name_keys', ?)", NAME_KEYS);
    });
    // Only a room's storage from an older deploy has anything to migrate.
    if (this.tables.exist) this.migrate();
    const newest = this.tables.exist
      ? (this.sql.exec<{ s: number | null }>("SELECT MAX(seq) AS s FROM messages").one().s ?? 0)
      : 0;
    this.lastSeq = Math.max(newest, this.mark("last_seq"));
  }

  private get sql(): SqlStorage {
    return this.storage.sql;
  }

  /**
   * A room's storage from an older deploy: the messages get their `role` column (old rows stay
   * null: shown without a host mark) and today's name keys, made again from the names they
   * keep, once; tombstones and `senders` of those names follow (the old key was the name
   * lower-cased). A key whose name no kept message shows stays old (docs/protocol.md).
   */
  private migrate(): void {
    // Tables newer than the room's storage (no-ops when they are there).
    for (const table of UNDO_TABLES) this.sql.exec(table);
    const columns = this.sql.exec<{ name: string }>("PRAGMA table_info(messages)").toArray();
    if (!columns.some((c) => c.name === "role")) this.sql.exec("ALTER TABLE messages ADD COLUMN role TEXT");
    // Questions and closed polls (issue 20): older rows are plain messages (null).
    for (const table of ["messages", "undoable"]) {
      const has = this.sql.exec<{ name: string }>(`PRAGMA table_info(${table})`).toArray();
      if (has.some((c) => c.name === "kind")) continue;
      this.sql.exec(`ALTER TABLE ${table} ADD COLUMN kind TEXT`);
      this.sql.exec(`ALTER TABLE ${table} ADD COLUMN body TEXT`);
    }
    if (this.mark("name_keys") >= NAME_KEYS) return;
    const rows = this.sql.exec<{ seq: number; name: string }>("SELECT seq, name FROM messages").toArray();
    if (rows.length === 0) return; // nothing to make again, and nothing written
    this.storage.transactionSync(() => {
      for (const { seq, name } of rows)
        this.sql.exec("UPDATE messages SET name_key = ? WHERE seq = ?", nameKey(name), seq);
      for (const name of new Set(rows.map((r) => r.name))) {
        const [old, key] = [name.toLowerCase().normalize("NFC"), nameKey(name)];
        if (old === key) continue;
        this.sql.exec("UPDATE tombstones SET name_key = ? WHERE name_key = ?", key, old);
        this.sql.exec("UPDATE OR REPLACE senders SET name_key = ? WHERE name_key = ?", key, old);
      }
      this.setMark("name_keys", NAME_KEYS);
    });
  }

  private mark(mark: Mark): number {
    if (!this.tables.exist) return 0;
    return (
      this.sql.exec<{ value: number }>("SELECT value FROM history_marks WHERE mark = ?", mark).toArray()[0]?.value ?? 0
    );
  }

  private setMark(mark: Mark, value: number): void {
    this.sql.exec("INSERT OR REPLACE INTO history_marks (mark, value) VALUES (?, ?)", mark, value);
  }

  /** The room's last sequence number, saved or not. */
  get seq(): number {
    return this.lastSeq;
  }

  /** Gives the message the next seq (`question`: asked as one); it is written by the next `save()`. */
  add(key: string, from: string, role: Role, text: string, id: string | undefined, question = false): ChatMessage {
    const message: ChatMessage = { type: "message", seq: ++this.lastSeq, ts: Date.now(), from, role, text };
    if (id !== undefined) message.id = id;
    if (question) message.question = true;
    this.unsaved.push({ entry: message, key, from, role, text, id: id ?? null });
    return message;
  }

  /**
   * Gives a closed poll the next seq, as an entry of the history (written by the next `save()`):
   * `key` and `from` are the host's who closed it, kept like a sender's.
   */
  addSurvey(key: string, from: string, survey: { id: string; question: string; options: string[]; counts: number[] }) {
    const { id, question, options, counts } = survey;
    const seq = ++this.lastSeq;
    const entry: SurveyResult = { type: "survey", id, question, options, counts, open: false, seq, ts: Date.now() };
    this.unsaved.push({ entry, key, from, role: "host", text: question, id: null });
    return entry;
  }

  /** Writes what `add` queued and trims the history to the kept count; false when nothing was queued. */
  save(): boolean {
    if (this.unsaved.length === 0) return false;
    const rows = this.unsaved;
    this.tables.make();
    // Kept queued until the write succeeds: a failed write throws before anything is sent.
    this.storage.transactionSync(() => {
      for (const m of rows) {
        const { kind, body } = kindOf(m.entry);
        this.sql.exec(
          `INSERT INTO messages (${ROW_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          m.entry.seq,
          m.entry.ts,
          m.from,
          m.key,
          m.role,
          m.text,
          m.id,
          kind,
          body,
        );
      }
      // Slow mode counts messages: a host closing a poll is not a sender.
      for (const m of rows)
        if (m.entry.type === "message")
          this.sql.exec("INSERT OR REPLACE INTO senders (name_key, last_at) VALUES (?, ?)", m.key, m.entry.ts);
      this.setMark("last_seq", this.lastSeq);
      this.purgeUndoable(Date.now());
      const trimTo = this.lastSeq - this.keep();
      if (trimTo > this.mark("trimmed_through")) {
        this.sql.exec("DELETE FROM messages WHERE seq <= ?", trimTo);
        this.sql.exec("DELETE FROM tombstones WHERE seq <= ?", trimTo);
        this.sql.exec("DELETE FROM undoable WHERE seq <= ?", trimTo);
        this.sql.exec("DELETE FROM restores WHERE seq <= ?", trimTo);
        this.setMark("trimmed_through", trimTo);
      }
    });
    this.unsaved = [];
    return true;
  }

  /** The kept message (or tombstone) of this name with this client id, if any. */
  findById(key: string, id: string): Original | null {
    const queued = this.unsaved.find((m) => m.key === key && m.id === id);
    if (queued !== undefined && queued.entry.type === "message") return { message: queued.entry };
    if (!this.tables.exist) return null;
    const row = this.sql
      .exec<Row>(`SELECT ${COLUMNS} FROM messages WHERE name_key = ? AND client_id = ?`, key, id)
      .toArray()[0];
    const found = row === undefined ? null : fromRow(row);
    if (found?.type === "message") return { message: found };
    const tomb = this.sql
      .exec<{ seq: number }>("SELECT seq FROM tombstones WHERE name_key = ? AND client_id = ?", key, id)
      .toArray()[0];
    return tomb === undefined ? null : { deletedSeq: tomb.seq };
  }

  /** When this name's last kept message was accepted (slow mode), or null. */
  lastMessageAt(key: string): number | null {
    for (let i = this.unsaved.length - 1; i >= 0; i--) {
      const m = this.unsaved[i]!;
      if (m.key === key && m.entry.type === "message") return m.entry.ts;
    }
    if (!this.tables.exist) return null;
    return (
      this.sql.exec<{ last_at: number }>("SELECT last_at FROM senders WHERE name_key = ?", key).toArray()[0]?.last_at ??
      null
    );
  }

  /** The kept entry with this seq (a message or a closed poll), or null. */
  kept(seq: number): HistoryEntry | null {
    this.save();
    if (!this.tables.exist) return null;
    const row = this.sql.exec<Row>(`SELECT ${COLUMNS} FROM messages WHERE seq = ?`, seq).toArray()[0];
    return row === undefined ? null : fromRow(row);
  }

  /**
   * Deletes a kept message, leaving its tombstone; its row waits in `undoable` until
   * `now + LIMITS.undoMs` (`pinned`: it was the pinned message). False when no message has that seq.
   */
  delete(seq: number, now: number, pinned = false): boolean {
    this.save();
    if (!this.tables.exist) return false;
    const row = this.sql
      .exec<Row & { name_key: string }>(`SELECT ${COLUMNS}, name_key FROM messages WHERE seq = ?`, seq)
      .toArray()[0];
    if (row === undefined) return false;
    this.storage.transactionSync(() => {
      this.purgeUndoable(now);
      this.sql.exec("DELETE FROM messages WHERE seq = ?", seq);
      this.sql.exec("DELETE FROM restores WHERE seq = ?", seq);
      this.sql.exec(
        "INSERT INTO tombstones (seq, name_key, client_id, deleted_at_seq) VALUES (?, ?, ?, ?)",
        seq,
        row.name_key,
        row.client_id,
        this.lastSeq,
      );
      this.sql.exec(
        `INSERT OR REPLACE INTO undoable (${COLUMNS}, name_key, pinned, until) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        row.seq,
        row.ts,
        row.name,
        row.role,
        row.text,
        row.client_id,
        row.kind,
        row.body,
        row.name_key,
        pinned ? 1 : 0,
        now + LIMITS.undoMs,
      );
    });
    return true;
  }

  /**
   * Brings back a message deleted less than `LIMITS.undoMs` ago, under its own seq (its
   * tombstone goes: a resend of its `id` is the kept message again); null when there is none.
   */
  undelete(seq: number, now: number): Restored | null {
    this.save();
    if (!this.tables.exist) return null;
    const row = this.sql
      .exec<Row & { name_key: string; pinned: number }>(
        `SELECT ${COLUMNS}, name_key, pinned FROM undoable WHERE seq = ? AND until > ?`,
        seq,
        now,
      )
      .toArray()[0];
    this.storage.transactionSync(() => {
      this.purgeUndoable(now);
      if (row === undefined) return;
      this.sql.exec("DELETE FROM undoable WHERE seq = ?", seq);
      this.sql.exec("DELETE FROM tombstones WHERE seq = ?", seq);
      this.sql.exec(
        `INSERT INTO messages (${ROW_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        row.seq,
        row.ts,
        row.name,
        row.name_key,
        row.role,
        row.text,
        row.client_id,
        row.kind,
        row.body,
      );
      this.sql.exec("INSERT OR REPLACE INTO restores (seq, restored_at_seq) VALUES (?, ?)", seq, this.lastSeq);
    });
    return row === undefined ? null : { message: fromRow(row), wasPinned: row.pinned === 1 };
  }

  /** When the oldest deleted text may no longer be brought back (epoch ms), or null: the alarm purges it then. */
  get undoDeadline(): number | null {
    if (!this.tables.exist) return null;
    return this.sql.exec<{ at: number | null }>("SELECT MIN(until) AS at FROM undoable").one().at;
  }

  /** Forgets the deleted texts whose undo window has passed (the alarm, and every write here). */
  purgeUndoable(now: number): void {
    if (this.tables.exist) this.sql.exec("DELETE FROM undoable WHERE until <= ?", now);
  }

  /** Empties the history; returns the seq it was cleared through (the next message gets one more). */
  clear(): number {
    this.save();
    this.tables.make();
    this.storage.transactionSync(() => {
      // Their ids stay known (a resend is confirmed as deleted, not stored again); a
      // deletion time of -1 keeps them out of a resume's `deleted` list (`clearedThrough` says it).
      this.sql.exec(
        "INSERT OR IGNORE INTO tombstones (seq, name_key, client_id, deleted_at_seq) SELECT seq, name_key, client_id, -1 FROM messages WHERE client_id IS NOT NULL",
      );
      this.sql.exec("DELETE FROM messages");
      // Nothing cleared comes back: no deleted text waits for an undo any more.
      this.sql.exec("DELETE FROM undoable");
      this.sql.exec("DELETE FROM restores");
      this.setMark("last_seq", this.lastSeq);
      this.setMark("cleared_through", this.lastSeq);
    });
    return this.lastSeq;
  }

  /** The last `count` entries (messages and closed polls), oldest first. */
  recent(count: number): HistoryEntry[] {
    this.save();
    if (count <= 0 || !this.tables.exist) return [];
    return this.sql
      .exec<Row>(`SELECT ${COLUMNS} FROM messages ORDER BY seq DESC LIMIT ?`, count)
      .toArray()
      .reverse()
      .map(fromRow);
  }

  /** Every kept question, oldest first (`welcome.questions`: at most `HISTORY_LIMIT`). */
  questions(): ChatMessage[] {
    this.save();
    if (!this.tables.exist) return [];
    return this.sql
      .exec<Row>(`SELECT ${COLUMNS} FROM messages WHERE kind = 'question' ORDER BY seq`)
      .toArray()
      .map(fromRow)
      .filter((e): e is ChatMessage => e.type === "message");
  }

  /**
   * What a client that has everything up to `since` is missing: the kept messages after it,
   * oldest first, at most `max` (the newest ones); what was deleted or cleared meanwhile.
   */
  since(since: number, max: number): Resume {
    this.save();
    const resume: Resume = { messages: [], gap: false, deleted: [], restored: [] };
    if (!this.tables.exist) return resume;
    const cleared = this.mark("cleared_through");
    if (cleared > 0 && cleared >= since) resume.clearedThrough = cleared;
    resume.deleted = this.sql
      .exec<{ seq: number }>("SELECT seq FROM tombstones WHERE deleted_at_seq >= ? ORDER BY seq", since)
      .toArray()
      .map((t) => t.seq);
    // Those above `since` come with the messages; a client that never saw the delete changes nothing.
    resume.restored = this.sql
      .exec<Row>(
        `SELECT m.seq, m.ts, m.name, m.role, m.text, m.client_id, m.kind, m.body FROM restores r JOIN messages m ON m.seq = r.seq
         WHERE r.restored_at_seq >= ? AND m.seq <= ? ORDER BY m.seq`,
        since,
        since,
      )
      .toArray()
      .map(fromRow);
    if (since >= this.lastSeq) return resume;
    const rows = this.sql
      .exec<Row>(`SELECT ${COLUMNS} FROM messages WHERE seq > ? ORDER BY seq DESC LIMIT ?`, since, max)
      .toArray()
      .reverse();
    resume.messages = rows.map(fromRow);
    const more =
      rows.length === max &&
      this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM messages WHERE seq > ?", since).one().n > max;
    resume.gap = this.mark("trimmed_through") > since || more;
    return resume;
  }
}

function fromRow(row: Row): HistoryEntry {
  if (row.kind === "survey" && row.body !== null) {
    const { id, options, counts } = JSON.parse(row.body) as SurveyBody;
    return { type: "survey", id, question: row.text, options, counts, open: false, seq: row.seq, ts: row.ts };
  }
  const role: Role = row.role === "host" ? "host" : "member";
  const message: ChatMessage = { type: "message", seq: row.seq, ts: row.ts, from: row.name, role, text: row.text };
  if (row.client_id !== null) message.id = row.client_id;
  if (row.kind === "question") message.question = true;
  return message;
}

/** The `kind` and `body` columns of an entry. */
function kindOf(entry: HistoryEntry): { kind: string | null; body: string | null } {
  if (entry.type === "survey") {
    const body: SurveyBody = { id: entry.id, options: entry.options, counts: entry.counts };
    return { kind: "survey", body: JSON.stringify(body) };
  }
  return { kind: entry.question ? "question" : null, body: null };
}
