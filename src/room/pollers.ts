/**
 * @module
 * Members on HTTP: who polls (in SQLite, so a hibernated room still knows them) and the polls
 * held open right now (in memory: a held poll keeps the room awake; once none is left the room
 * may hibernate again). A poller is a (name, session) pair like a WebSocket member.
 */
import type { PollEndCode, Role } from "../protocol";
import type { Reader } from "./audience";
import type { LazySchema, Tables } from "./lazy-tables";
import type { Member, Occupant } from "./member";
import { nameKey, nameLook } from "./name-key";

export interface Poller {
  key: string;
  room: string;
  name: string;
  session: string;
  role: Role;
  /** The hash of the key it joined as host with (null for a member): see `Member.keyHash`. */
  keyHash: string | null;
  joinedAt: number;
  /** When it was last answered: it leaves `POLL_TIMEOUT_SECONDS` after this, unless a poll is held. */
  answeredAt: number;
}

type Renamed = { key: "name_key"; keyHash: "key_hash" };
type Row = { [K in keyof Poller as K extends keyof Renamed ? Renamed[K] : K]: Poller[K] } & Record<
  string,
  SqlStorageValue
>;

/** What a held poll is finally answered with: frames from a cursor, or an ending. */
export type HeldOutcome = { end: PollEndCode } | { read: true };

/**
 * Waits for a held poll's answer (new frames, or an ending) for at most `ms`: `hold` registers
 * the answer and returns its release. One wait for members' polls and watchers' alike.
 */
export function heldFor(
  hold: (answer: (outcome: HeldOutcome) => void) => () => void,
  ms: number,
): Promise<HeldOutcome> {
  return new Promise((resolve) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const release = hold((outcome) => {
      clearTimeout(timer);
      resolve(outcome);
    });
    timer = setTimeout(() => {
      release();
      resolve({ read: true });
    }, ms);
  });
}

interface Held {
  answer: (outcome: HeldOutcome) => void;
}

/** A poller's answer time is written to storage at most this often (its timeout is 30 s). */
const ANSWERED_WRITE_MS = 5000;

export class Pollers {
  private readonly held = new Map<string, Held>();
  /** The table, read once per wake: every flush and join asks who polls. */
  private cache: Poller[] | null = null;
  /** When each poller was really last answered (storage may be up to 5 s behind). */
  private readonly lastAnswer = new Map<string, number>();

  private readonly tables: Tables;

  constructor(
    private readonly storage: DurableObjectStorage,
    schema: LazySchema,
  ) {
    this.tables = schema.tables("pollers", (sql) =>
      sql.exec(`CREATE TABLE IF NOT EXISTS pollers (
        name_key TEXT PRIMARY KEY,
        room TEXT NOT NULL,
        name TEXT NOT NULL,
        session TEXT NOT NULL,
        role TEXT NOT NULL,
        joinedAt INTEGER NOT NULL,
        answeredAt INTEGER NOT NULL,
        key_hash TEXT
      )`),
    );
    // What follows brings a table from an older deploy up to date; a room without one has nothing to bring.
    if (!this.tables.exist) return;
    // Rows from before the confusable-aware key (a deploy mid-class) get today's key, so their
    // next poll finds them (a handful of rows; a clash leaves the row to its timeout).
    for (const { name_key, name } of this.sql
      .exec<{ name_key: string; name: string }>("SELECT name_key, name FROM pollers")
      .toArray()) {
      const key = nameKey(name);
      if (key !== name_key)
        this.sql.exec("UPDATE OR IGNORE pollers SET name_key = ? WHERE name_key = ?", key, name_key);
    }
    // A table from before `key_hash`: its hosts joined with the room's key of then, taken as now's.
    const columns = this.sql.exec<{ name: string }>("SELECT name FROM pragma_table_info('pollers')").toArray();
    if (!columns.some((c) => c.name === "key_hash")) {
      this.sql.exec("ALTER TABLE pollers ADD COLUMN key_hash TEXT");
      this.sql.exec(
        "UPDATE pollers SET key_hash = (SELECT value FROM room WHERE key = 'host_hash') WHERE role = 'host'",
      );
    }
  }

  private get sql(): SqlStorage {
    return this.storage.sql;
  }

  all(): Poller[] {
    this.cache ??= this.tables.exist ? this.sql.exec<Row>("SELECT * FROM pollers").toArray().map(fromRow) : [];
    return this.cache;
  }

  /** The table was written behind its back (tests age its rows): read it again. */
  reload(): void {
    this.cache = null;
  }

  get(key: string): Poller | null {
    return this.all().find((p) => p.key === key) ?? null;
  }

  /** When the poller was last answered, to the millisecond (for the 100 ms rule). */
  lastAnsweredAt(key: string): number {
    return this.lastAnswer.get(key) ?? this.get(key)?.answeredAt ?? 0;
  }

  add(p: Poller): void {
    this.cache = null;
    this.lastAnswer.set(p.key, p.answeredAt);
    this.tables.make();
    this.sql.exec(
      "INSERT OR REPLACE INTO pollers (name_key, room, name, session, role, key_hash, joinedAt, answeredAt) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      p.key,
      p.room,
      p.name,
      p.session,
      p.role,
      p.keyHash,
      p.joinedAt,
      p.answeredAt,
    );
  }

  /** Hosts whose key is not `current` (the room's now) become members; returns who they were. */
  demote(current: string | null): Poller[] {
    const former = this.all().filter((p) => p.role === "host" && p.keyHash !== current);
    if (former.length === 0) return [];
    this.cache = null;
    for (const p of former)
      this.sql.exec("UPDATE pollers SET role = 'member', key_hash = NULL WHERE name_key = ?", p.key);
    return former;
  }

  /** Answered now. Written through only every few seconds: a busy poller is one write, not ten, a second. */
  answered(key: string, at: number): void {
    this.lastAnswer.set(key, at);
    const stored = this.get(key);
    if (stored === null || at - stored.answeredAt < ANSWERED_WRITE_MS) return;
    this.cache = null;
    this.sql.exec("UPDATE pollers SET answeredAt = ? WHERE name_key = ?", at, key);
  }

  /** The poller leaves; a poll held for it ends with `end` (removed, replaced). */
  remove(key: string, end: PollEndCode | null): void {
    this.cache = null;
    this.lastAnswer.delete(key);
    if (this.tables.exist) this.sql.exec("DELETE FROM pollers WHERE name_key = ?", key);
    const held = this.held.get(key);
    this.held.delete(key);
    if (end !== null) held?.answer({ end });
  }

  isHeld(key: string): boolean {
    return this.held.has(key);
  }

  /** Holds a poll until `wake` (new frames) or the end; a newer poll of the same name replaces it. */
  hold(key: string, answer: (outcome: HeldOutcome) => void): () => void {
    this.held.get(key)?.answer({ read: true });
    const entry: Held = { answer };
    this.held.set(key, entry);
    return () => {
      if (this.held.get(key) === entry) this.held.delete(key);
    };
  }

  /** New frames in the log: every held poll reads them. */
  wake(): void {
    const all = [...this.held.values()];
    this.held.clear();
    for (const h of all) h.answer({ read: true });
  }
}

function fromRow(r: Row): Poller {
  return {
    key: r.name_key,
    room: r.room,
    name: r.name,
    session: r.session,
    role: r.role,
    keyHash: r.key_hash,
    joinedAt: r.joinedAt,
    answeredAt: r.answeredAt,
  };
}

/** A poller as a member (what a socket's attachment would hold). */
export function pollerMember(p: Poller): Member {
  const m: Member = {
    room: p.room,
    name: p.name,
    role: p.role,
    session: p.session,
    joinedAt: p.joinedAt,
    connectedAt: p.answeredAt,
  };
  if (p.keyHash !== null) m.keyHash = p.keyHash;
  return m;
}

/** A poller as an audience sees it: its id is its name's key, as a poller `Source`'s. */
export function pollerReader(p: Poller): Reader {
  return { id: p.key, key: p.key, role: p.role };
}

/** A poller as the room's admission and presence see it: an occupant with no socket. */
export function pollerOccupant(p: Poller): Occupant {
  return { ...pollerMember(p), key: p.key, look: nameLook(p.name), ws: null };
}
